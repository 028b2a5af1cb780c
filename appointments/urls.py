from django.urls import path

from appointments.views import booking, documents, staff, waitlist

app_name = "appointments"
urlpatterns = [
    path("", booking.index, name="index"),
    path("booking/<str:code>/", booking.booking, name="booking"),
    path("booking/<str:code>/reschedule/", booking.booking_reschedule, name="booking_reschedule"),
    path(
        "booking/<str:code>/reschedule/details/", booking.booking_reschedule_details, name="booking_reschedule_details"
    ),
    path("booking/<str:code>/cancel/", booking.booking_cancel, name="booking_cancel"),
    path("booking/<str:code>/documents/", documents.booking_upload, name="booking_upload"),
    path("documents/<uuid:public_id>/", documents.document, name="document"),
    path("manage/<str:token>/", booking.manage, name="manage"),
    path("manage/<str:token>/reschedule/", booking.manage_reschedule, name="manage_reschedule"),
    path("manage/<str:token>/reschedule/details/", booking.manage_reschedule_details, name="manage_reschedule_details"),
    path("manage/<str:token>/cancel/", booking.manage_cancel, name="manage_cancel"),
    path("manage/<str:token>/documents/", documents.manage_upload, name="manage_upload"),
    path("manage/<str:token>/documents/<uuid:public_id>/", documents.manage_document, name="manage_document"),
    path("meeting/dev/<str:room>/", booking.dev_meeting, name="dev_meeting"),
    path("join/<str:code>/", booking.join, name="join"),
    path("offer/<str:token>/", waitlist.offer, name="offer"),
    path("waitlist/<str:code>/", waitlist.entry, name="waitlist_entry"),
    path("waitlist/<str:code>/leave/", waitlist.leave, name="waitlist_leave"),
    path("waitlist/<str:code>/claim/", waitlist.claim, name="waitlist_claim"),
    path("staff/", staff.calendar, name="staff_calendar"),
    path("staff/availability/", staff.availability, name="staff_availability"),
    path("staff/<str:code>/mark/", staff.mark, name="staff_mark"),
    path("staff/<str:code>/cancel/", staff.cancel, name="staff_cancel"),
    path("staff/<str:code>/documents/request/", documents.staff_request, name="staff_document_request"),
    path("staff/<str:code>/documents/<uuid:public_id>/check/", documents.staff_check, name="staff_document_check"),
    path("feed/<str:token>.ics", staff.feed, name="feed"),
    path("<slug:municipality_slug>/", booking.start, name="start"),
    path("<slug:municipality_slug>/service/<int:service_id>/", booking.service_detail, name="service"),
    path("<slug:municipality_slug>/<str:mode>/", booking.services_list, name="services"),
    path("<slug:municipality_slug>/<str:mode>/<int:service_id>/", booking.slots, name="slots"),
    path("<slug:municipality_slug>/<str:mode>/<int:service_id>/details/", booking.details, name="details"),
    path("<slug:municipality_slug>/<str:mode>/<int:service_id>/waitlist/", waitlist.join, name="waitlist_join"),
]
