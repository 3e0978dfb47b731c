"""Reading what a user sees on a page: table cells, form errors, field values, cards, JSON blocks.

Markup-light on purpose: tests assert the exact text of a cell or message, not the HTML around it.
"""

import html
import json
import re
from datetime import date


def text(fragment: str) -> str:
    """The visible text of an HTML fragment, with whitespace collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def shown_date(day: date | str) -> str:
    """A date as pages write it for a browser that asks for no language (en_US): "Mar 3, 2026"."""
    day = date.fromisoformat(day) if isinstance(day, str) else day
    return f"{day:%b} {day.day}, {day.year}"


def _element(page: str, tag: str, element_id: str) -> str:
    match = re.search(rf'<{tag}\b[^>]*\bid="{re.escape(element_id)}"[^>]*>(.*?)</{tag}>', page, re.S)
    assert match, f"no <{tag} id={element_id!r}> on the page"
    return match.group(1)


def table_rows(page: str, table_id: str, section: str = "tbody") -> list[tuple[str, ...]]:
    """The text of each cell (th or td) of each row in the table's body (or thead/tfoot)."""
    table = _element(page, "table", table_id)
    part = re.search(rf"<{section}\b[^>]*>(.*?)</{section}>", table, re.S)
    if part is None:
        return []
    return [
        tuple(text(cell) for cell in re.findall(r"<t[hd]\b[^>]*>(.*?)</t[hd]>", row, re.S))
        for row in re.findall(r"<tr\b[^>]*>(.*?)</tr>", part.group(1), re.S)
    ]


def swatches(page: str, table_id: str) -> list[str]:
    """The colour of each category swatch in the table, top to bottom."""
    return re.findall(r'<rect [^>]*fill="([^"]+)"', _element(page, "table", table_id))


def field_errors(page: str) -> dict[str, str]:
    """The error shown under each form field, by the field's id."""
    return {
        field: text(message)
        for field, message in re.findall(r'<div id="([\w-]+)-error" class="invalid-feedback[^"]*">(.*?)</div>', page)
    }


def input_value(page: str, name: str) -> str | None:
    """The value attribute of the input called `name` (None when it has none)."""
    tag = re.search(rf'<input\b[^>]*\bname="{re.escape(name)}"[^>]*>', page)
    assert tag, f"no input named {name!r}"
    value = re.search(r'\bvalue="([^"]*)"', tag.group(0))
    return html.unescape(value.group(1)) if value else None


def selected_option(page: str, name: str) -> str | None:
    """The value of the selected option of the select called `name`."""
    select = re.search(rf'<select\b[^>]*\bname="{re.escape(name)}"[^>]*>(.*?)</select>', page, re.S)
    assert select, f"no select named {name!r}"
    option = re.search(r'<option\b(?=[^>]*\bselected\b)[^>]*\bvalue="([^"]*)"', select.group(1))
    return html.unescape(option.group(1)) if option else None


def options(page: str, name: str) -> list[tuple[str, str]]:
    """(value, label) of every option of the select called `name`."""
    select = re.search(rf'<select\b[^>]*\bname="{re.escape(name)}"[^>]*>(.*?)</select>', page, re.S)
    assert select, f"no select named {name!r}"
    return [
        (html.unescape(value), text(label))
        for value, label in re.findall(r'<option\b[^>]*\bvalue="([^"]*)"[^>]*>(.*?)</option>', select.group(1), re.S)
    ]


def element_text(page: str, element_id: str) -> str:
    """The text of the element with this id (any tag)."""
    match = re.search(rf'<(\w+)\b[^>]*\bid="{re.escape(element_id)}"[^>]*>(.*?)</\1>', page, re.S)
    assert match, f"no element with id {element_id!r}"
    return text(match.group(2))


def json_block(page: str, element_id: str):
    """The parsed content of a <script type="application/json"> block, or None when absent."""
    match = re.search(rf'<script type="application/json" id="{re.escape(element_id)}">(.*?)</script>', page, re.S)
    return json.loads(match.group(1)) if match else None


def flashes(page: str) -> list[str]:
    """The flashed messages shown at the top of the page."""
    return [
        text(m)
        for m in re.findall(r'<div class="alert alert-[a-z]+ alert-dismissible[^"]*"[^>]*>(.*?)<button', page, re.S)
    ]
