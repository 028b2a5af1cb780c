"""Online meetings for video-call bookings: one interface, three providers chosen by MEETING_PROVIDER."""

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class Meeting:
    id: str
    join_url: str


class MeetingProvider:
    name = ""

    def create(self, appointment) -> Meeting:
        raise NotImplementedError

    def update(self, appointment) -> None:
        """Move the meeting to the booking's new time (providers whose rooms have no time do nothing)."""

    def delete(self, *, meeting_id: str, organizer_id: str) -> None:
        """Remove the meeting (providers whose rooms are only a URL do nothing)."""


class RetryLater(Exception):
    """The provider asked us to wait (HTTP 429 Retry-After) or is unavailable: the task retries."""

    def __init__(self, message: str, *, after: float | None = None):
        super().__init__(message)
        self.after = after


def provider(name: str | None = None) -> MeetingProvider:
    from appointments.meetings import dev, jitsi, teams

    name = name or settings.MEETING_PROVIDER
    providers = {"dev": dev.DevProvider, "jitsi": jitsi.JitsiProvider, "teams": teams.TeamsProvider}
    if name not in providers:
        raise ValueError(f"Unknown MEETING_PROVIDER {name!r}; use dev, jitsi or teams")
    return providers[name]()
