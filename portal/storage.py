import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.functional import cached_property


class PrivateStorage(FileSystemStorage):
    """Files under MEDIA_ROOT/private/<subdirectory> with no URL at all: only permission-checking views read them."""

    def __init__(self, subdirectory: str = "", **kwargs):
        self.subdirectory = subdirectory
        super().__init__(**kwargs)

    @cached_property
    def base_location(self):
        # Re-read after a MEDIA_ROOT change (tests); FileSystemStorage clears this cache on setting_changed.
        return os.path.join(settings.MEDIA_ROOT, "private", self.subdirectory)

    def url(self, name):
        raise ValueError("Private files have no public URL; serve them through a view that checks who is asking.")
