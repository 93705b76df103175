"""The file store (local disk or an S3-speaking object store) seen from the rest of the code.

Every read and write of a stored file happens inside :func:`store_calls`: whatever the storage
backend raises when the store cannot be reached (a refused connection, a timeout, a 5xx) becomes
:class:`StoreUnavailable`, which the edge answers with 503 (a page, or a problem document under
``/api/``) and which leaves nothing half-written: it is raised inside the use case's transaction, so
no row is committed that points to a file the store did not keep.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager

from botocore.exceptions import BotoCoreError, ClientError
from django.core.files.storage import FileSystemStorage, storages
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

# An object the readiness probe asks about; it need not exist (a "no" is an answer).
PROBE_NAME = "readyz/probe"


class StoreUnavailable(Exception):
    """The file store did not answer; nothing was stored or read."""

    title = _("Penyimpanan berkas sedang tidak tersedia.")
    detail = _("Tidak ada yang disimpan atau dibaca. Coba lagi beberapa saat lagi.")


class StoredFileMissing(FileNotFoundError):
    """A file a record points to is not in a store that answers (lost, or removed by hand): the
    edge answers 404 with this explanation instead of a server error, and logs it for the
    operators (without the file's name, which may say whose it is)."""

    title = _("Berkas tidak ditemukan.")
    detail = _(
        "Berkas ini tercatat, tetapi tidak ada di penyimpanan. Laporkan kepada pengelola MPP "
        "agar berkas diunggah atau diterbitkan kembali."
    )


@contextmanager
def store_calls() -> Iterator[None]:
    """Turn the backend's failures to reach the store into :class:`StoreUnavailable`.

    A file missing from a store that answers is not an outage: ``FileNotFoundError`` (and the S3
    404) become :class:`StoredFileMissing`. A missing bucket is an outage (``NoSuchBucket``: a
    store that is stopping, or not set up): nothing can be stored."""
    try:
        yield
    except FileNotFoundError as error:
        logger.error("file store: a recorded file is missing")
        raise StoredFileMissing from error
    except ClientError as error:
        status = int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
        bucket_gone = error.response.get("Error", {}).get("Code") == "NoSuchBucket"
        if status == 404 and not bucket_gone:
            logger.error("file store: a recorded file is missing")
            raise StoredFileMissing from error
        if status == 403:
            raise
        logger.warning("file store: %s %s", type(error).__name__, status)
        raise StoreUnavailable from error
    except (BotoCoreError, OSError) as error:
        logger.warning("file store: %s", type(error).__name__)
        raise StoreUnavailable from error


def check_store() -> None:
    """Raise :class:`StoreUnavailable` unless the store answers (the readiness probe)."""
    storage = storages["default"]
    with store_calls():
        if isinstance(storage, FileSystemStorage):
            os.makedirs(storage.location, exist_ok=True)
            if not os.access(storage.location, os.W_OK):
                raise PermissionError("the media directory is not writable")
            return
        storage.exists(PROBE_NAME)
