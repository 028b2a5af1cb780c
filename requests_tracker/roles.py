"""The staff role of this app, shared by the data migration, the demo loader and the tests."""

REQUESTS_OFFICE_GROUP = "Γραφείο αιτημάτων πολιτών"  # "Citizen requests office"
REQUESTS_OFFICE_PERMISSIONS = [
    ("request", "view_request"),
    ("request", "change_request"),
    ("category", "view_category"),
    ("comment", "view_comment"),
    ("comment", "change_comment"),
]

EREQUESTS_OFFICE_GROUP = "Γραφείο e-αιτημάτων"  # "E-requests office": clerks who answer their departments' e-requests
EREQUESTS_OFFICE_PERMISSIONS = [
    ("erequest", "view_erequest"),
    ("erequest", "change_erequest"),
    ("erequesttype", "view_erequesttype"),
]

PAYMENTS_OFFICE_GROUP = "Ταμείο e-πληρωμών"  # "E-payments treasury": fees, bank statements, receipts
PAYMENTS_OFFICE_PERMISSIONS = [
    ("payableitem", "view_payableitem"),
    ("payableitem", "add_payableitem"),
    ("payment", "view_payment"),
    ("statementimport", "view_statementimport"),
    ("statementimport", "add_statementimport"),
    ("statemententry", "view_statemententry"),
    ("statemententry", "change_statemententry"),
    ("paymentaccount", "view_paymentaccount"),
]
