"""The staff role of this app: the verification office's clerks, who receive documents and decide."""

from accounts.roles import StaffRole

VERIFICATION_OFFICE = StaffRole(
    group="Γραφείο ταυτοποίησης",  # "Verification office"
    permissions=(
        "identity_verification.view_verificationcase",
        "identity_verification.change_verificationcase",
        "identity_verification.view_verificationdocument",
        "identity_verification.view_office",
    ),
)
