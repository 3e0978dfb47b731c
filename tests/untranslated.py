"""Finds text people would see that is not marked for translation: in Jinja templates, the text
between tags, the attributes read out or shown (aria-label, title, placeholder, alt), and string
literals in the templates' code that read as words; in Python, the literals given to flash(), to
form fields as labels and descriptions, to validators as messages, and to the API's problems as
details. tests/test_translations.py fails on each one; `python -m tests.untranslated` lists them.

Precise rather than complete: it must not flag CSS classes, URLs, numbers or symbols, so a literal
counts as words only when it has a capitalised word or two plain words in a row.
"""

import ast
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

from jinja2 import Environment

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "app" / "templates"
PYTHON = ROOT / "app"

GETTEXT_NAMES = frozenset({"_", "gettext", "ngettext", "pgettext", "_l", "lazy_gettext", "lazy_ngettext"})
READ_ATTRIBUTES = frozenset({"aria-label", "title", "placeholder", "alt", "aria-description", "aria-roledescription"})
# Stands for a Jinja expression or statement in the HTML handed to the parser.
HOLE = "\x00"
_ENTITY = re.compile(r"&#?\w+;")
# A capitalised word ("Save", "Bad request"), or two plain lowercase words in a row ("per page").
_CAPITALISED = re.compile(r"(?<![\w.-])[A-Z][a-z]+(?![\w-])")
_TWO_WORDS = re.compile(r"(?<![\w.-])[a-z]{2,} [a-z]{2,}(?![\w-])")
_ANY_WORD = re.compile(r"[A-Za-z]{2,}")
# Literal words that are not English: names and codes shown as they are.
NOT_WORDS = frozenset({"JSON", "CSV", "API", "OpenAPI", "UTC", "ZIP", "QR", "PDF", "URL", "TOTP", "Bearer"})


def reads_as_words(text: str) -> bool:
    """Whether a literal in code reads as words for people (not a class, endpoint, icon or format)."""
    stripped = text.strip()
    return bool(_CAPITALISED.search(stripped) or _TWO_WORDS.search(stripped))


def has_text(text: str) -> bool:
    """Whether text between tags has any word in it (entities and Jinja holes aside)."""
    words = _ANY_WORD.findall(_ENTITY.sub(" ", text.replace(HOLE, " ")))
    return any(word not in NOT_WORDS for word in words)


class _TextFinder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.found: list[tuple[int, str]] = []
        self._raw = 0  # inside <script> or <style>
        self.line_offset = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._raw += 1
        for name, value in attrs:
            if name in READ_ATTRIBUTES and value and has_text(value):
                self.found.append((self.getpos()[0], f'{name}="{value.replace(HOLE, "{{…}}")}"'))
        is_button_input = tag == "input" and dict(attrs).get("type") in ("submit", "button", "reset")
        value = dict(attrs).get("value")
        if is_button_input and value and has_text(value):
            self.found.append((self.getpos()[0], f'value="{value}"'))

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._raw = max(0, self._raw - 1)

    def handle_data(self, data):
        if not self._raw and has_text(data):
            self.found.append((self.getpos()[0], " ".join(data.replace(HOLE, "{{…}}").split())))


def untranslated_in_template(source: str, env: Environment) -> list[tuple[int, str]]:
    """(line, text) of each unmarked text, attribute or worded literal in one template's source."""
    html: list[str] = []
    found: list[tuple[int, str]] = []
    # Per open parenthesis: whether it belongs to a gettext call (its literals are the messages).
    parentheses: list[bool] = []
    previous = None
    for line, kind, value in env.lex(source):
        if kind == "data":
            html.append(value)
        elif kind in ("variable_begin", "block_begin"):
            html.append(HOLE)
            parentheses.clear()
        elif kind == "comment_begin":
            html.append(HOLE)
        elif kind == "operator" and value in "([{":
            parentheses.append(value == "(" and previous is not None and previous[1] in GETTEXT_NAMES)
        elif kind == "operator" and value in ")]}" and parentheses:
            parentheses.pop()
        elif kind == "string" and not any(parentheses) and reads_as_words(value):
            found.append((line, repr(value)))
        if kind != "whitespace":
            previous = (kind, value)
    finder = _TextFinder()
    finder.feed("".join(html))
    finder.close()
    # The parser's lines count the holes' lines as one; map back through the source instead.
    for _line, text in finder.found:
        found.append((_source_line(source, text), text))
    return sorted(found)


def _source_line(source: str, text: str) -> int:
    needle = text.split("{{…}}")[0].strip().split('="')[-1][:30]
    index = source.find(needle) if needle else -1
    return source.count("\n", 0, index) + 1 if index >= 0 else 0


# Python ---------------------------------------------------------------------------------------

# Calls whose every worded literal argument is shown to people: validators and their errors, the
# API's problems.
_MESSAGE_CALLS = frozenset(
    {
        "DataRequired",
        "InputRequired",
        "Length",
        "NumberRange",
        "Email",
        "EqualTo",
        "Regexp",
        "AnyOf",
        "NoneOf",
        "URL",
        "ValidationError",
        "StopValidation",
        "flash",
        "problem",
        "Invalid",
        "SelectChoice",
    }
)
_SHOWN_KEYWORDS = frozenset({"label", "description", "message", "detail", "hint"})
# Exceptions whose text is for developers and logs (or the command line, which stays English); every
# other exception raised with words carries a message for people (AmountError, BackupError, ...).
_INTERNAL_EXCEPTIONS = frozenset(
    {
        "ValueError",
        "TypeError",
        "KeyError",
        "LookupError",
        "RuntimeError",
        "AssertionError",
        "NotImplementedError",
        "BadParameter",
        "ClickException",
        "UsageError",
        "OcrUnavailable",
        "OcrFailed",
    }
)


def _call_name(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _worded_literals(node: ast.AST) -> list[ast.AST]:
    """Worded string literals in an argument, not inside a gettext call."""
    if isinstance(node, ast.Call) and _call_name(node) in GETTEXT_NAMES:
        return []
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node] if reads_as_words(node.value) else []
    if isinstance(node, ast.JoinedStr):
        text = "".join(part.value for part in node.values if isinstance(part, ast.Constant))
        return [node] if reads_as_words(text) else []
    found = []
    for child in ast.iter_child_nodes(node):
        found.extend(_worded_literals(child))
    return found


def _is_errors(node: ast.AST) -> bool:
    """`form.field.errors` (or `errors`): a list of messages shown beside a field."""
    return (isinstance(node, ast.Attribute) and node.attr == "errors") or (
        isinstance(node, ast.Name) and node.id == "errors"
    )


def untranslated_in_python(source: str) -> list[tuple[int, str]]:
    found = []
    tree = ast.parse(source)
    raised = {
        id(node.exc)
        for node in ast.walk(tree)
        if isinstance(node, ast.Raise)
        and isinstance(node.exc, ast.Call)
        and _call_name(node.exc) not in _INTERNAL_EXCEPTIONS
    }
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _call_name(node)
        arguments: list[ast.AST] = []
        if name in _MESSAGE_CALLS or id(node) in raised:
            arguments = [*node.args, *(keyword.value for keyword in node.keywords if keyword.arg != "headers")]
        elif name == "append" and isinstance(node.func, ast.Attribute) and _is_errors(node.func.value):
            arguments = node.args
        elif name.endswith("Field"):
            # The label (first argument), description and the choices' labels.
            arguments = node.args[:1] + [
                keyword.value for keyword in node.keywords if keyword.arg in (*_SHOWN_KEYWORDS, "choices")
            ]
        else:
            arguments = [keyword.value for keyword in node.keywords if keyword.arg in _SHOWN_KEYWORDS]
        for argument in arguments:
            for literal in _worded_literals(argument):
                found.append((literal.lineno, ast.unparse(literal)[:100]))
    return sorted(found)


def untranslated() -> list[str]:
    # Only lexed, never rendered: autoescaping plays no part.
    env = Environment(extensions=["jinja2.ext.i18n", "jinja2.ext.do"], autoescape=True)
    problems = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        for line, text in untranslated_in_template(path.read_text(encoding="utf-8"), env):
            problems.append(f"{path.relative_to(ROOT)}:{line}: {text}")
    for path in sorted(PYTHON.rglob("*.py")):
        for line, text in untranslated_in_python(path.read_text(encoding="utf-8")):
            problems.append(f"{path.relative_to(ROOT)}:{line}: {text}")
    return problems


if __name__ == "__main__":
    problems = untranslated()
    print("\n".join(problems))
    sys.exit(1 if problems else 0)
