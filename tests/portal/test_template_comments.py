"""Django's `{# … #}` comment ends at the line's end: one spread over lines is printed on the page as text."""

from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def test_no_template_has_a_one_line_comment_spread_over_lines():
    spread = [
        f"{path.relative_to(TEMPLATES)}:{number}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if "{#" in line and "#}" not in line[line.index("{#") :]
    ]
    assert spread == [], "use {% comment %} for comments over several lines: " + ", ".join(spread)
