"""Open311 responses in XML or JSON from one structure: a list of dicts under a root and an item element name."""

import json
from xml.etree import ElementTree

from django.http import HttpResponse


def _xml_value(parent, key, value):
    element = ElementTree.SubElement(parent, key)
    if isinstance(value, dict):
        for child_key, child in value.items():
            _xml_value(element, child_key, child)
    elif isinstance(value, list):
        singular = {"endpoints": "endpoint", "formats": "format", "attributes": "attribute", "values": "value"}
        for item in value:
            _xml_value(element, singular.get(key, "item"), item)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = str(value)


def respond(data, *, fmt: str, root: str, item: str | None, status: int = 200) -> HttpResponse:
    if fmt == "json":
        return HttpResponse(
            json.dumps(data, ensure_ascii=False), content_type="application/json; charset=utf-8", status=status
        )
    element = ElementTree.Element(root)
    if item is None:
        for key, value in data.items():
            _xml_value(element, key, value)
    else:
        for entry in data:
            child = ElementTree.SubElement(element, item)
            for key, value in entry.items():
                _xml_value(child, key, value)
    body = b'<?xml version="1.0" encoding="utf-8"?>' + ElementTree.tostring(element, encoding="utf-8")
    return HttpResponse(body, content_type="text/xml; charset=utf-8", status=status)


def error(description: str, *, fmt: str, status: int) -> HttpResponse:
    return respond([{"code": status, "description": description}], fmt=fmt, root="errors", item="error", status=status)
