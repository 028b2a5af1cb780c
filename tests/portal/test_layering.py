"""The layers between the apps, as pyproject.toml's import-linter contract states them (`make lint` runs it too)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _lint_imports(*args: str) -> subprocess.CompletedProcess:
    script = "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"
    return subprocess.run(
        [sys.executable, "-c", script, *args], cwd=ROOT, capture_output=True, text=True, check=False, timeout=120
    )


def test_the_layers_hold():
    result = _lint_imports("--no-cache")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_contract_sees_a_forbidden_import(tmp_path):
    # A copy of the contract with the core on top: the core's ordinary imports of nothing above it now break it.
    config = tmp_path / "contracts.toml"
    config.write_text(
        "[tool.importlinter]\n"
        'root_packages = ["portal", "requests_tracker"]\n'
        "[[tool.importlinter.contracts]]\n"
        'name = "upside down"\n'
        'type = "layers"\n'
        'layers = ["portal", "requests_tracker"]\n'
    )
    result = _lint_imports("--no-cache", "--config", str(config))
    assert result.returncode != 0
    assert "requests_tracker is not allowed to import portal" in result.stdout
