from tests.requests_tracker.fixtures import (  # noqa: F401 - fixtures, used by name
    categories,
    clerk,
    geocoder,
    neighbour,
    private_media,
    reporter,
)
