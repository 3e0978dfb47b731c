"""The interface in every language: nothing people see is left unmarked, and each catalogue
translates every marked message (none missing, fuzzy or with other placeholders)."""

import json
import re
from pathlib import Path

import pytest
from babel.messages.checkers import num_plurals, python_format
from flask import render_template_string
from flask_babel import force_locale
from sqlalchemy import select

from app import l10n
from app.extensions import db
from app.models import Category
from tests.conftest import PASSWORD, post_form

from .catalogues import catalogue_paths, extracted_messages, read_catalogue
from .untranslated import untranslated


def test_every_text_people_see_is_marked_for_translation():
    assert untranslated() == []


def test_every_translated_language_has_a_catalogue():
    assert sorted(catalogue_paths()) == sorted(l10n.TRANSLATED_LANGUAGES)


@pytest.fixture(scope="module")
def messages():
    return extracted_messages()


@pytest.mark.parametrize("language", l10n.TRANSLATED_LANGUAGES)
def test_the_catalogue_translates_every_message(messages, language):
    catalogue = read_catalogue(language)
    missing = [msgid for msgid in messages if catalogue.get(msgid) is None]
    untranslated_ = [msgid for msgid in messages if (entry := catalogue.get(msgid)) and not _translated(entry)]
    fuzzy = [message.id for message in catalogue if message.id and message.fuzzy]
    assert (missing, untranslated_, fuzzy) == ([], [], [])


@pytest.mark.parametrize("language", l10n.TRANSLATED_LANGUAGES)
def test_translations_keep_the_placeholders_and_plural_forms(language):
    catalogue = read_catalogue(language)
    problems = []
    for message in catalogue:
        if not message.id:
            continue
        for checker in (num_plurals, python_format):
            try:
                checker(catalogue, message)
            except Exception as error:  # TranslationError, with what is wrong
                problems.append(f"{message.id!r}: {error}")
    assert problems == []


def _translated(entry) -> bool:
    strings = entry.string if isinstance(entry.string, tuple | list) else (entry.string,)
    return all(strings)


GERMAN = {"Accept-Language": "de-DE,de;q=0.9"}


def test_a_german_reader_gets_german_starter_categories_and_script_messages(app):
    client = app.test_client()
    client.get("/register", headers=GERMAN)
    response = post_form(
        client,
        "/register",
        {"email": "leserin@example.com", "password": PASSWORD, "confirm": PASSWORD},
        headers=GERMAN,
    )
    assert response.status_code == 302
    with app.app_context():
        names = db.session.scalars(select(Category.name).order_by(Category.id)).all()
    assert names == [
        "Lebensmittel",
        "Verkehr",
        "Wohnen",
        "Nebenkosten",
        "Gesundheit",
        "Unterhaltung",
        "Einkäufe",
        "Sonstiges",
    ]
    page = client.get("/ledger/invitations", headers=GERMAN).get_data(as_text=True)
    block = re.search(r'<script type="application/json" id="script-messages">(.*?)</script>', page, re.S)
    messages = json.loads(block.group(1))
    assert messages["copied"] == "Link kopiert."
    assert messages["refused"] == "Der Server hat diese Ausgabe abgelehnt (HTTP %(status)s)."
    assert set(messages) == {"not-saved", "unreachable", "kept-offline", "refused", "discard", "copied", "copy-refused"}


def test_every_message_a_script_asks_for_is_in_the_block():
    """The keys the static scripts pass to window.scriptMessage are the ones the page provides."""
    static = Path(__file__).resolve().parent.parent / "app" / "static"
    asked = set()
    for script in static.glob("*.js"):
        asked |= set(re.findall(r'scriptMessage\("([a-z-]+)"', script.read_text(encoding="utf-8")))
    assert asked == {"not-saved", "unreachable", "kept-offline", "refused", "discard", "copied", "copy-refused"}


def test_template_messages_escape_their_arguments_and_follow_the_rendering_locale(app):
    """_() and ngettext() in templates (app.templating.translated_messages) put the arguments in
    escaped, and are looked up per rendering: a page drawn under another locale is in that one."""
    template = (
        '{{ _("Discard %(description)s", description="<b>Tea</b>") }} | '
        '{{ ngettext("%(num)s expense", "%(num)s expenses", 2, num=2) }}'
    )
    with app.test_request_context(headers={"Accept-Language": "de-DE,de;q=0.9"}):
        german = render_template_string(template)
        with force_locale("fr"):
            french = render_template_string(template)
        again = render_template_string(template)
    assert (german, french, again) == (
        "&lt;b&gt;Tea&lt;/b&gt; verwerfen | 2 Ausgaben",
        "Abandonner &lt;b&gt;Tea&lt;/b&gt; | 2 dépenses",
        "&lt;b&gt;Tea&lt;/b&gt; verwerfen | 2 Ausgaben",
    )
