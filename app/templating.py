"""Jinja filters and globals shared by every template."""

from collections.abc import Callable

import flask_babel
from flask import Flask, url_for
from jinja2 import pass_eval_context
from markupsafe import Markup

from . import access, category_rules, conversion, icons, l10n, money
from .receipts.storage import file_size
from .routing import MAX_ID


def url_for_each(endpoint: str, argument: str) -> Callable[[int], str]:
    """`url_for(endpoint, argument=id)` for many ids at the cost of one url_for: a page that links
    to each of its rows (the expense list's edit and delete buttons) builds the address once."""
    head, _, tail = url_for(endpoint, **{argument: MAX_ID}).partition(str(MAX_ID))
    return lambda value: f"{head}{int(value)}{tail}"


def script_messages() -> dict[str, str]:
    """What the page's scripts may say, in the request's language: scripts read it from a JSON block
    (see window.scriptMessage in static/app.js) instead of holding English text."""
    _ = flask_babel.gettext
    return {
        "not-saved": _("The expense could not be saved. Reload the page and try again, or use the full form."),
        "unreachable": _("The server could not be reached. Check your connection and try again."),
        "kept-offline": _("No connection: the expense is kept on this device, waiting to send."),
        "refused": _("The server refused this expense (HTTP %(status)s)."),
        "discard": _("Discard %(description)s"),
        "copied": _("Link copied."),
        "copy-refused": _("Copying was refused: the link is selected, press Ctrl+C (⌘C on a Mac)."),
    }


def _filled(eval_ctx, text: str, variables: dict) -> str:
    # The catalogues are the app's own, so a translation is markup as it stands (as Jinja's own
    # callables take it); the arguments are escaped as they are put in.
    return (Markup(text) if eval_ctx.autoescape else text) % variables  # noqa: S704


def translated_messages() -> dict[str, Callable]:
    """_() and ngettext() for one rendering, bound to the request's translations looked up once.

    A page calls them about 140 times (the menus, the quick add dialog, the table headings), and
    each of the environment's own callables below looks the translations up again through
    Flask-Babel (the request's `g`, its locale, its domain): 1.1 of the 13 ms of CPU a dashboard
    took, 2.0 of 15 ms the expense list, 0.7-0.9 ms the others (median of 150 renders each, with
    and without, taking turns in one process; PostgreSQL, 1,000 expenses). Per rendering, not per
    request, so a page drawn under force_locale or after flask_babel.refresh() (a language changed
    in the settings) is drawn in that language. They do what jinja2.ext.i18n's "newstyle"
    callables do: mark the translation safe, then put the (escaped) arguments in by name.
    """
    translations = flask_babel.get_translations()

    @pass_eval_context
    def gettext(eval_ctx, string: str, /, **variables) -> str:
        return _filled(eval_ctx, translations.ugettext(string), variables)

    @pass_eval_context
    def ngettext(eval_ctx, singular: str, plural: str, num: int, /, **variables) -> str:
        variables.setdefault("num", num)
        return _filled(eval_ctx, translations.ungettext(singular, plural, num), variables)

    return {"gettext": gettext, "ngettext": ngettext}


def init_app(app: Flask) -> None:
    app.add_template_filter(money.format_amount, "money")
    app.add_template_filter(money.format_plain, "money_plain")
    # Dates for people to read, in the request's locale; <input type=date> values stay ISO.
    app.add_template_filter(l10n.format_day, "date")
    app.add_template_filter(l10n.format_moment, "datetime")
    app.add_template_filter(l10n.format_percent, "percent")
    app.add_template_filter(file_size, "file_size")
    app.jinja_env.globals["CURRENCIES"] = money.CURRENCIES
    app.jinja_env.globals["percent"] = money.percent
    app.jinja_env.globals["conversion_text"] = conversion.describe_expense
    app.jinja_env.globals["conversion_describe"] = conversion.describe
    app.jinja_env.globals["ALL_CURRENCIES"] = money.ALL_CURRENCIES
    app.jinja_env.globals["url_for_each"] = url_for_each
    app.jinja_env.globals["amount_placeholder"] = money.input_placeholder
    app.jinja_env.globals["decimal_mark"] = l10n.decimal_mark
    app.jinja_env.globals["role_name"] = access.role_name
    app.jinja_env.globals["rule_phrase"] = category_rules.rule_phrase
    app.jinja_env.globals["interface_language_tag"] = l10n.interface_language_tag
    app.jinja_env.globals["current_language_tag"] = l10n.current_language_tag
    app.jinja_env.globals["icon"] = icons.icon
    app.jinja_env.globals["icon_symbols"] = icons.icon_symbols
    app.jinja_env.globals["swatch"] = icons.swatch
    app.jinja_env.globals["script_messages"] = script_messages
    app.add_template_filter(l10n.format_count, "count")
    app.jinja_env.add_extension("jinja2.ext.do")
    # _() and ngettext() in templates, in the request's language (app.l10n); "newstyle": the
    # arguments are escaped and put in by name, as in `_("Saved %(name)s.", name=expense.description)`.
    app.jinja_env.add_extension("jinja2.ext.i18n")
    # Jinja fills in the arguments itself, so these only look the message up.
    app.jinja_env.install_gettext_callables(
        gettext=lambda message: flask_babel.get_translations().ugettext(message),
        ngettext=lambda singular, plural, n: flask_babel.get_translations().ungettext(singular, plural, n),
        pgettext=lambda context, message: flask_babel.get_translations().upgettext(context, message),
        newstyle=True,
    )
    # Templates (and macros imported with their context) find these first; a macro imported
    # without context keeps the callables above, which give the same text.
    app.context_processor(translated_messages)
