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

PAYMENTS_OFFICE = StaffRole(
    group="Ταμείο e-πληρωμών",  # "E-payments treasury": fees, bank statements, receipts
    permissions=(
        "requests_tracker.view_payableitem",
        "requests_tracker.add_payableitem",
        "requests_tracker.view_payment",
        "requests_tracker.view_statementimport",
        "requests_tracker.add_statementimport",
        "requests_tracker.view_statemententry",
        "requests_tracker.change_statemententry",
        "requests_tracker.view_paymentaccount",
    ),
)
