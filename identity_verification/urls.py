from django.urls import path

from identity_verification import views

app_name = "identity_verification"
urlpatterns = [
    path("", views.start, name="start"),
]
