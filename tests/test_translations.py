"""The interface in every language: nothing people see is left unmarked, and each catalogue
translates every marked message (none missing, fuzzy or with other placeholders)."""

import pytest
from babel.messages.checkers import num_plurals, python_format

from app import l10n

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
