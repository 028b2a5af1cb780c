from django.urls import path, register_converter

from appointments.views import booking, documents, staff, waitlist


class CodeConverter:
    """A booking's or a waitlist entry's public code: letters and digits only. Anything else (a NUL byte, a
    slash, a long string) matches no address, so it never reaches a database lookup."""

    regex = "[A-Za-z0-9]{1,32}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(CodeConverter, "code")

app_name = "appointments"
urlpatterns = [
    path("", booking.index, name="index"),
    path("booking/<code:code>/", booking.booking, name="booking"),
    path("booking/<code:code>/reschedule/", booking.booking_reschedule, name="booking_reschedule"),
    path(
        "booking/<code:code>/reschedule/details/", booking.booking_reschedule_details, name="booking_reschedule_details"
    ),
    path("booking/<code:code>/cancel/", booking.booking_cancel, name="booking_cancel"),
    path("booking/<code:code>/documents/", documents.booking_upload, name="booking_upload"),
    path("documents/<uuid:public_id>/", documents.document, name="document"),
    path("manage/<str:token>/", booking.manage, name="manage"),
    path("manage/<str:token>/reschedule/", booking.manage_reschedule, name="manage_reschedule"),
    path("manage/<str:token>/reschedule/details/", booking.manage_reschedule_details, name="manage_reschedule_details"),
    path("manage/<str:token>/cancel/", booking.manage_cancel, name="manage_cancel"),
    path("manage/<str:token>/documents/", documents.manage_upload, name="manage_upload"),
    path("manage/<str:token>/documents/<uuid:public_id>/", documents.manage_document, name="manage_document"),
    path("meeting/dev/<str:room>/", booking.dev_meeting, name="dev_meeting"),
    path("join/<code:code>/", booking.join, name="join"),
    path("offer/<str:token>/", waitlist.offer, name="offer"),
    path("waitlist/<code:code>/", waitlist.entry, name="waitlist_entry"),
    path("waitlist/<code:code>/leave/", waitlist.leave, name="waitlist_leave"),
    path("waitlist/<code:code>/claim/", waitlist.claim, name="waitlist_claim"),
    path("staff/", staff.calendar, name="staff_calendar"),
    path("staff/availability/", staff.availability, name="staff_availability"),
    path("staff/<code:code>/mark/", staff.mark, name="staff_mark"),
    path("staff/<code:code>/cancel/", staff.cancel, name="staff_cancel"),
    path("staff/<code:code>/documents/request/", documents.staff_request, name="staff_document_request"),
    path("staff/<code:code>/documents/<uuid:public_id>/check/", documents.staff_check, name="staff_document_check"),
    path("feed/<str:token>.ics", staff.feed, name="feed"),
    path("<slug:municipality_slug>/", booking.start, name="start"),
    path("<slug:municipality_slug>/service/<int:service_id>/", booking.service_detail, name="service"),
    path("<slug:municipality_slug>/<str:mode>/", booking.services_list, name="services"),
    path("<slug:municipality_slug>/<str:mode>/<int:service_id>/", booking.slots, name="slots"),
    path("<slug:municipality_slug>/<str:mode>/<int:service_id>/details/", booking.details, name="details"),
    path("<slug:municipality_slug>/<str:mode>/<int:service_id>/waitlist/", waitlist.join, name="waitlist_join"),
]
