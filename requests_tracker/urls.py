from django.urls import path

from requests_tracker.views import api, erequests, erequests_staff, files, payments, public, staff

app_name = "requests_tracker"
urlpatterns = [
    # E-payments: the provider's fixed return and webhook URLs first, before any "<municipality_slug>/…".
    path("payments/card/return/", payments.card_return, name="card_return"),
    path("payments/card/failure/", payments.card_failure, name="card_failure"),
    path("payments/card/webhook/", payments.card_webhook, name="card_webhook"),
    path("payments/<uuid:public_id>/", payments.item_detail, name="payment_item"),
    path("payments/<uuid:public_id>/card/", payments.card_start, name="payment_card"),
    path("payments/<uuid:public_id>/receipt.pdf", payments.receipt, name="payment_receipt"),
    path("<slug:municipality_slug>/", public.request_list, name="start"),
    path("<slug:municipality_slug>/new/", public.request_create, name="create"),
    path("<slug:municipality_slug>/map.json", api.map_json, name="map_json"),
    path("<slug:municipality_slug>/geocode.json", api.geocode_json, name="geocode_json"),
    path("<slug:municipality_slug>/upload/", api.upload, name="upload"),
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
    path("<slug:municipality_slug>/e-staff/<uuid:public_id>/ready/", erequests_staff.ready, name="erequest_ready"),
    path(
        "<slug:municipality_slug>/e-staff/<uuid:public_id>/collected/",
        erequests_staff.collected,
        name="erequest_collected",
    ),
    path("files/<uuid:public_id>/", files.attachment, name="attachment"),
    path("files/<uuid:public_id>/thumb/", files.attachment, {"variant": "thumb"}, name="attachment_thumb"),
]
