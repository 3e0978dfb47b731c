"""Jinja filters and globals shared by every template."""

from flask import Flask

from . import money


def init_app(app: Flask) -> None:
    app.add_template_filter(money.format_amount, "money")
    app.add_template_filter(money.format_plain, "money_plain")
    app.jinja_env.globals["CURRENCIES"] = money.CURRENCIES
    app.jinja_env.globals["percent"] = money.percent
    app.jinja_env.add_extension("jinja2.ext.do")
