"""The staff role of this app, shared by the data migration, the demo loader and the tests."""

VERIFICATION_OFFICE_GROUP = "Γραφείο ταυτοποίησης"  # "Verification office"
VERIFICATION_OFFICE_PERMISSIONS = [
    ("verificationcase", "view_verificationcase"),
    ("verificationcase", "change_verificationcase"),
    ("verificationdocument", "view_verificationdocument"),
    ("office", "view_office"),
]
