from django.urls import path

from requests_tracker.views import api, erequests, erequests_staff, files, public, staff

app_name = "requests_tracker"
urlpatterns = [
    path("comment-signature/", public.comment_signature, name="comment_signature"),
    path("<slug:municipality_slug>/", public.request_list, name="start"),
    path("<slug:municipality_slug>/new/", public.request_create, name="create"),
    path("<slug:municipality_slug>/map.json", api.map_json, name="map_json"),
    path("<slug:municipality_slug>/geocode.json", api.geocode_json, name="geocode_json"),
    path("<slug:municipality_slug>/upload/", api.upload, name="upload"),
    path("<slug:municipality_slug>/upload/<int:attachment_id>/remove/", api.staged_remove, name="staged_remove"),
    path("<slug:municipality_slug>/nearby.json", api.nearby_json, name="nearby_json"),
    path("<slug:municipality_slug>/reverse-geocode.json", api.reverse_geocode_json, name="reverse_geocode_json"),
    path("<slug:municipality_slug>/r/<str:code>/", public.request_detail, name="detail"),
    path("<slug:municipality_slug>/r/<str:code>/edit/", public.request_edit, name="edit"),
    path("<slug:municipality_slug>/r/<str:code>/withdraw/", public.request_withdraw, name="withdraw"),
    path("<slug:municipality_slug>/r/<str:code>/vote/", public.vote, name="vote"),
    path("<slug:municipality_slug>/r/<str:code>/comment/", public.comment, name="comment"),
    path("<slug:municipality_slug>/staff/", staff.queue, name="staff_queue"),
    path("<slug:municipality_slug>/staff/<str:code>/", staff.manage, name="staff_manage"),
    path("<slug:municipality_slug>/staff/<str:code>/status/", staff.status_change, name="staff_status"),
    path("<slug:municipality_slug>/staff/<str:code>/department/", staff.department_assign, name="staff_department"),
    path("<slug:municipality_slug>/staff/<str:code>/category/", staff.category_change, name="staff_category"),
    path("<slug:municipality_slug>/staff/<str:code>/reply/", staff.reply, name="staff_reply"),
    path(
        "<slug:municipality_slug>/staff/<str:code>/comments/<int:comment_id>/hide/",
        staff.comment_hide,
        name="staff_comment_hide",
    ),
    path("<slug:municipality_slug>/e/", erequests.erequest_types, name="erequest_types"),
    path("<slug:municipality_slug>/e/new/", erequests.erequest_create, name="erequest_create"),
    path("<slug:municipality_slug>/e/<uuid:public_id>/", erequests.erequest_detail, name="erequest_detail"),
    path("<slug:municipality_slug>/e-staff/", erequests_staff.queue, name="erequest_queue"),
    path("<slug:municipality_slug>/e-staff/<uuid:public_id>/", erequests_staff.manage, name="erequest_manage"),
    path("<slug:municipality_slug>/e-staff/<uuid:public_id>/start/", erequests_staff.start, name="erequest_start"),
    path("<slug:municipality_slug>/e-staff/<uuid:public_id>/answer/", erequests_staff.answer, name="erequest_answer"),
    path("<slug:municipality_slug>/e-staff/<uuid:public_id>/reject/", erequests_staff.reject, name="erequest_reject"),
    path(
        "<slug:municipality_slug>/e-staff/<uuid:public_id>/dispatch/",
        erequests_staff.dispatch,
        name="erequest_dispatch",
    ),
    path("files/<uuid:public_id>/", files.attachment, name="attachment"),
    path("files/<uuid:public_id>/thumb/", files.attachment, {"variant": "thumb"}, name="attachment_thumb"),
]
