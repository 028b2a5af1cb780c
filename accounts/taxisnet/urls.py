from django.urls import path

from accounts.taxisnet import views

# allauth mounts these under /accounts/ (its provider URL discovery imports this module).
urlpatterns = [
    path("taxisnet/login/", views.oauth2_login, name="taxisnet_login"),
    path("taxisnet/login/callback/", views.oauth2_callback, name="taxisnet_callback"),
    path("taxisnet/logout/", views.logout, name="taxisnet_logout"),
]
