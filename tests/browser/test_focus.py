"""Every control a keyboard reaches shows the same strong focus ring, not Bootstrap's faint 25%-alpha glow."""

import pytest

pytestmark = pytest.mark.browser

# The focused element's tag and ring, as the browser computes them.
FOCUSED = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  return {tag: el.tagName + (el.className ? "." + el.className : ""), outline: style.outlineStyle,
          width: style.outlineWidth, colour: style.outlineColor, shadow: style.boxShadow};
}"""


@pytest.mark.parametrize("path", ["/accounts/login/", "/dimos/chania/"])
def test_every_control_reached_by_tab_has_the_strong_focus_ring(page, live_server, chania, path):
    page.goto(live_server.url + path)
    seen = []
    for _ in range(25):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused["tag"].startswith("BODY"):
            break
        seen.append(focused)
        # 3 px of #ffbf47 outside a dark ring: ≥ 3:1 against white (the dark ring) and the blue header (the yellow).
        assert (focused["outline"], focused["width"], focused["colour"]) == ("solid", "3px", "rgb(255, 191, 71)"), (
            focused
        )
        assert "rgb(11, 12, 12)" in focused["shadow"], focused
    tags = {item["tag"].split(".")[0] for item in seen}
    assert "A" in tags
    if path.startswith("/accounts/"):
        assert {"INPUT", "BUTTON"} <= tags, tags
