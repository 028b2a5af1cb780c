from tests.identity_verification.fixtures import (  # noqa: F401 - fixtures, used by name
    clerk,
    clerk_of_other_municipality,
    english_citizen,
    offices,
    private_media,
    received_case,
    second_clerk,
    staff_without_role,
    thessaloniki_office,
)
