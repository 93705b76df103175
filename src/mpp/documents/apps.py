from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "mpp.documents"
    label = "documents"
    verbose_name = _("Dokumen terbit")

    def ready(self) -> None:
        from PIL import Image

        from mpp.documents.uploads import max_image_pixels

        # Pillow refuses twice this budget on its own; uploads are refused over it (uploads.py).
        Image.MAX_IMAGE_PIXELS = max_image_pixels()
