"""Storage for files that must never be served from a public, guessable URL."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage, InMemoryStorage, storages
from django.utils.functional import LazyObject


class PrivateStorage(LazyObject):
    """Files under PRIVATE_MEDIA_ROOT, without a URL; views stream them after a permission check.

    With object storage configured, the `private` entry of STORAGES (a private bucket, or
    private/ in the media bucket: config/settings/base.py); nothing asks it for a URL.
    Tests keep them in memory, like the default storage.
    """

    def _setup(self):
        if "private" in settings.STORAGES:
            self._wrapped = storages["private"]
        elif settings.STORAGES["default"]["BACKEND"].endswith("InMemoryStorage"):
            self._wrapped = InMemoryStorage(location="private")
        else:
            self._wrapped = FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT, base_url=None)


private_storage = PrivateStorage()


def get_private_storage():
    """Callable for FileField(storage=...), so migrations do not freeze a path."""
    return private_storage
