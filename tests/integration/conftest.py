# Fixtures of the apps whose meeting points these tests check.
from tests.appointments.conftest import clerk, service  # noqa: F401
from tests.requests_tracker.erequest_fixtures import building, erequest_types  # noqa: F401
from tests.requests_tracker.fixtures import categories  # noqa: F401
