import secrets

from django.conf import settings
from django.urls import reverse

from appointments.meetings import Meeting, MeetingProvider


class DevProvider(MeetingProvider):
    """A local page standing in for a meeting room, for development and the demo."""

    name = "dev"

    def create(self, appointment) -> Meeting:
        room = secrets.token_urlsafe(18)
        return Meeting(id=room, join_url=settings.SITE_URL + reverse("appointments:dev_meeting", args=[room]))
