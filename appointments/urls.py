from django.urls import path

from appointments import views

app_name = "appointments"
urlpatterns = [
    path("<slug:municipality_slug>/", views.start, name="start"),
]
