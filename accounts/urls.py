from django.urls import include, path

from accounts import views

account_patterns = [
    path("username/reminder/", views.username_reminder, name="username_reminder"),
    path("username/reminder/sent/", views.username_reminder_sent, name="username_reminder_sent"),
    path("profile/", views.profile, name="profile"),
    path("second-factor/", views.second_factor, name="second_factor"),
    path("profile/export/", views.data_export, name="data_export"),
    path("profile/delete/", views.account_delete, name="delete"),
    path("newsletter/unsubscribe/<str:token>/", views.newsletter_unsubscribe, name="newsletter_unsubscribe"),
]

# Mounted before allauth's URLs: the override keeps allauth's name, so allauth's links lead to it.
urlpatterns = [
    path(
        "password/reset/confirm/",
        views.ConfirmPasswordResetCodeFromLinkView.as_view(),
        name="account_confirm_password_reset_code",
    ),
    path(
        "password/reset/complete/",
        views.CompletePasswordResetCheckedView.as_view(),
        name="account_complete_password_reset",
    ),
    path("", include((account_patterns, "accounts"))),
]
