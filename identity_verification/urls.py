from django.urls import path

from identity_verification import views

app_name = "identity_verification"
urlpatterns = [
    path("", views.start, name="start"),
    path("request/", views.request_create, name="request"),
    path("request/<uuid:public_id>/", views.case_detail, name="case"),
    path("request/<uuid:public_id>/form/", views.case_form, name="form"),
    path("documents/<uuid:public_id>/", views.document, name="document"),
]
