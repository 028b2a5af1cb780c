import secrets

from django.conf import settings

from appointments.meetings import Meeting, MeetingProvider


class JitsiProvider(MeetingProvider):
    """A Jitsi room is only a URL: its name must be unguessable, since knowing it is the way in."""

    name = "jitsi"

    def create(self, appointment) -> Meeting:
        room = f"dimos-{secrets.token_urlsafe(24)}"
        return Meeting(id=room, join_url=f"https://{settings.JITSI_HOST}/{room}")
