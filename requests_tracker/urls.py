from django.urls import path

from requests_tracker import views

app_name = "requests_tracker"
urlpatterns = [
    path("<slug:municipality_slug>/", views.start, name="start"),
]
