"""What a screen reader is told about a form's errors, read from the HTML a page sends (no browser).

`invalid_fields(html)` lists every control marked `aria-invalid="true"` with the text of each element its
`aria-describedby` names; `alerts(html)` the text of each `role="alert"`. A described id that names no element is kept
as `None`, so a test can tell a dangling reference from a missing one.
"""

from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class _Element:
    tag: str
    attrs: dict[str, str]
    text: list[str] = field(default_factory=list)


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open: list[_Element] = []
        self.elements: list[_Element] = []

    def handle_starttag(self, tag, attrs):
        element = _Element(tag, {name: value or "" for name, value in attrs})
        self.elements.append(element)
        if tag not in VOID:
            self.open.append(element)

    def handle_startendtag(self, tag, attrs):
        self.elements.append(_Element(tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag):
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index].tag == tag:
                del self.open[index:]
                break

    def handle_data(self, data):
        for element in self.open:
            element.text.append(data)


def _read(html: str) -> list[_Element]:
    reader = _Reader()
    reader.feed(html)
    return reader.elements


def _text(element: _Element) -> str:
    return " ".join("".join(element.text).split())


@dataclass(frozen=True)
class InvalidField:
    id: str
    tag: str
    descriptions: dict[str, str | None]  # described id -> its text (None: no element has that id)


def invalid_fields(html: str) -> dict[str, InvalidField]:
    """Controls marked invalid, by id, with the texts their aria-describedby points at."""
    elements = _read(html)
    by_id = {element.attrs["id"]: element for element in elements if element.attrs.get("id")}
    found = {}
    for element in elements:
        if element.attrs.get("aria-invalid") != "true":
            continue
        ids = element.attrs.get("aria-describedby", "").split()
        descriptions = {ref: (_text(by_id[ref]) if ref in by_id else None) for ref in ids}
        found[element.attrs.get("id", "")] = InvalidField(element.attrs.get("id", ""), element.tag, descriptions)
    return found


def described_by(html: str, element_id: str) -> dict[str, str | None]:
    """The texts the element with `element_id` is described by (a fieldset of radios, say), whether invalid or not."""
    elements = _read(html)
    by_id = {element.attrs["id"]: element for element in elements if element.attrs.get("id")}
    ids = by_id[element_id].attrs.get("aria-describedby", "").split()
    return {ref: (_text(by_id[ref]) if ref in by_id else None) for ref in ids}


def alerts(html: str) -> list[str]:
    """The text of every element with role="alert"."""
    return [_text(element) for element in _read(html) if element.attrs.get("role") == "alert"]


def assert_error_described(html: str, control_id: str, error: str) -> InvalidField:
    """`control_id` is marked invalid and one of the elements it is described by, which exists, says `error`."""
    fields = invalid_fields(html)
    assert control_id in fields, f"{control_id} is not marked aria-invalid; invalid ones: {sorted(fields)}"
    described = fields[control_id]
    assert described.descriptions, f"{control_id} has no aria-describedby"
    assert None not in described.descriptions.values(), f"{control_id} points at a missing id: {described}"
    assert any(error in text for text in described.descriptions.values()), f"{error!r} not in {described}"
    return described
