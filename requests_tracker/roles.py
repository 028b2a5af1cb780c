"""The staff roles of this app: the citizen requests office and the e-requests office."""

from accounts.roles import StaffRole

REQUESTS_OFFICE = StaffRole(
    group="Γραφείο αιτημάτων πολιτών",  # "Citizen requests office"
    permissions=(
        "requests_tracker.view_request",
        "requests_tracker.change_request",
        "requests_tracker.view_category",
        "requests_tracker.view_comment",
        "requests_tracker.change_comment",
    ),
)

EREQUESTS_OFFICE = StaffRole(
    group="Γραφείο e-αιτημάτων",  # "E-requests office": clerks who answer their departments' e-requests
    permissions=(
        "requests_tracker.view_erequest",
        "requests_tracker.change_erequest",
        "requests_tracker.view_erequesttype",
    ),
)
