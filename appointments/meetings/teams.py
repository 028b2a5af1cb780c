"""Microsoft Teams meetings through Microsoft Graph, with an application token from msal.

The meeting belongs to the clerk (the organizer), and its lobby lets in only the organizer: the citizen and
the third person wait until the clerk admits them. `createOrGet` with the booking's code as `externalId`
makes a retried task safe: the second call returns the meeting the first one made.
"""

import requests
from django.conf import settings

from appointments.meetings import Meeting, MeetingProvider, RetryLater

TIMEOUT = 15
SCOPES = ["https://graph.microsoft.com/.default"]


class TeamsProvider(MeetingProvider):
    name = "teams"

    def _token(self) -> str:
        import msal

        application = msal.ConfidentialClientApplication(
            settings.TEAMS_CLIENT_ID,
            client_credential=settings.TEAMS_CLIENT_SECRET,
            authority=f"{settings.TEAMS_AUTHORITY_HOST}/{settings.TEAMS_TENANT_ID}",
            # Graph's real authority is a known Microsoft host; a stand-in is not, so skip the discovery.
            instance_discovery=settings.TEAMS_AUTHORITY_HOST == "https://login.microsoftonline.com",
            timeout=TIMEOUT,
        )
        result = application.acquire_token_for_client(scopes=SCOPES)
        if "access_token" not in result:
            raise RetryLater(f"no Graph token: {result.get('error')} {result.get('error_description')}")
        return result["access_token"]

    def _call(self, method: str, path: str, json: dict | None = None) -> requests.Response:
        try:
            response = requests.request(
                method,
                f"{settings.GRAPH_BASE_URL}{path}",
                json=json,
                headers={"Authorization": f"Bearer {self._token()}"},
                timeout=TIMEOUT,
            )
        except requests.RequestException as error:
            raise RetryLater(f"Graph unreachable: {error}") from error
        if response.status_code == 429 or response.status_code >= 500:
            after = response.headers.get("Retry-After")
            raise RetryLater(
                f"Graph answered {response.status_code}", after=float(after) if after and after.isdigit() else None
            )
        return response

    @staticmethod
    def organizer(appointment) -> str:
        return appointment.clerk.graph_user_id or settings.TEAMS_ORGANIZER_ID

    @staticmethod
    def _times(appointment) -> dict:
        return {
            "startDateTime": appointment.start.isoformat().replace("+00:00", "Z"),
            "endDateTime": appointment.end.isoformat().replace("+00:00", "Z"),
        }

    def create(self, appointment) -> Meeting:
        attendees = [{"upn": appointment.email, "role": "attendee"}]
        if appointment.third_party_email:
            attendees.append({"upn": appointment.third_party_email, "role": "attendee"})
        response = self._call(
            "POST",
            f"/users/{self.organizer(appointment)}/onlineMeetings/createOrGet",
            {
                "externalId": appointment.code,
                "subject": f"{appointment.service.name_el} · {appointment.code}",
                **self._times(appointment),
                "participants": {"attendees": attendees},
                "lobbyBypassSettings": {"scope": "organizer", "isDialInBypassEnabled": False},
            },
        )
        response.raise_for_status()
        data = response.json()
        return Meeting(id=data["id"], join_url=data["joinWebUrl"])

    def update(self, appointment) -> None:
        response = self._call(
            "PATCH",
            f"/users/{self.organizer(appointment)}/onlineMeetings/{appointment.meeting_id}",
            self._times(appointment),
        )
        response.raise_for_status()

    def delete(self, *, meeting_id: str, organizer_id: str) -> None:
        response = self._call("DELETE", f"/users/{organizer_id}/onlineMeetings/{meeting_id}")
        if response.status_code != 404:  # already gone is what we wanted
            response.raise_for_status()
