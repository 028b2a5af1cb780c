"""The core (portal/) imports no feature app: each app adds itself through portal/registry.py instead."""

import ast
from pathlib import Path

import portal

FEATURE_APPS = {"accounts", "identity_verification", "appointments", "requests_tracker"}
PORTAL = Path(portal.__file__).parent


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_portal_imports_no_feature_app():
    offenders = {}
    for path in PORTAL.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        feature = {name for name in _imports(path) if name.split(".")[0] in FEATURE_APPS}
        if feature:
            offenders[str(path.relative_to(PORTAL))] = sorted(feature)
    assert offenders == {}


def test_the_check_sees_an_import(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("from requests_tracker.models import Request\nimport appointments.services\n")
    assert _imports(sample) == {"requests_tracker.models", "appointments.services"}
