"""Apps meet only through the core's registries: a booking quotes an e-request; the case file lists both."""

from django.urls import reverse

from appointments import services as appointment_services
from appointments.models import Mode
from tests.appointments.conftest import athens, details, next_weekday
from tests.requests_tracker.erequest_fixtures import file_erequest, make_erequest_clerk, make_verified


def test_the_booking_form_offers_the_citizens_e_requests_and_the_clerk_opens_the_quoted_one(
    client,
    chania,
    service,
    clerk,
    erequest_types,
    building,
    django_capture_on_commit_callbacks,
):
    citizen = make_verified("eleni", chania, mobile_phone="+306912345678")
    with django_capture_on_commit_callbacks(execute=True):
        erequest = file_erequest(citizen, erequest_types["residence"])
    erequest.refresh_from_db()
    assert erequest.protocol_label

    client.force_login(citizen)
    start = athens(next_weekday(1), 10)
    url = reverse("appointments:details", args=["chania", Mode.IN_PERSON, service.pk])
    page = client.get(url, {"slot": start.isoformat()}).content.decode()
    assert f'<option value="{erequest.protocol_label}">' in page

    appointment, _token = appointment_services.appointment_book(
        service=service,
        mode=Mode.IN_PERSON,
        start=start,
        citizen=citizen,
        clerk=clerk,
        details=details(application_number=erequest.protocol_label),
    )
    manage_url = reverse(
        "requests_tracker:erequest_manage", kwargs={"municipality_slug": "chania", "public_id": erequest.public_id}
    )
    calendar = reverse("appointments:staff_calendar") + f"?date={start.astimezone(chania.zone).date()}"

    # The appointment's clerk is not a clerk of the e-request's department: the number, no link.
    client.force_login(clerk.user)
    assert manage_url not in client.get(calendar).content.decode()

    # Once the clerk also handles that department's e-requests, the calendar links to it.
    clerk.user.groups.add(*make_erequest_clerk("helper", chania, building).groups.all())
    clerk.user.departments.add(building)
    assert manage_url in client.get(calendar).content.decode()

    # The citizen's case file lists the appointment and the e-request, each linking to its page.
    client.force_login(citizen)
    case_file = client.get(reverse("portal:case_file")).content.decode()
    assert reverse("appointments:booking", kwargs={"code": appointment.code}) in case_file
    assert erequest.protocol_label in case_file
