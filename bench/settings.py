"""Bench-only settings: the portal's own settings, with a URLconf that adds the floor view."""

from portal.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
