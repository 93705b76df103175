"""Upload checks moved to :mod:`mpp.documents.uploads` (shared by every process); kept as an alias."""

from mpp.documents.uploads import (  # noqa: F401
    ACTIVE_ACTIONS,
    ACTIVE_KEYS,
    MAX_IMAGE_PIXELS,
    MAX_PDF_PAGES,
    MAX_STREAM_BYTES,
    UnsafeFile,
    blank_pdf,
    checked_content,
)
