"""The application factory: configuration, extensions, blueprints, CLI and error handlers."""

import logging
import os
from pathlib import Path

from flask import Flask
from flask.logging import default_handler
from werkzeug.middleware.proxy_fix import ProxyFix

from config import CONFIGS, DEVELOPMENT_SECRET_KEY, engine_options

from . import api, assets, cli, errors, l10n, pwa, security, sessions, templating, theme
from .account import bp as account_bp
from .auth import bp as auth_bp
from .budgets import bp as budgets_bp
from .expenses import bp as expenses_bp
from .extensions import csrf, db, limiter, login_manager, migrate
from .health import bp as health_bp
from .ledgers import bp as ledgers_bp
from .receipts import jobs as receipt_jobs
from .receipts import limits as receipt_limits
from .recurring.routes import bp as recurring_bp
from .reports import bp as reports_bp
from .routing import IdConverter
from .rules import bp as rules_bp
from .transfer import bp as transfer_bp


def create_app(config_name: str | None = None, **overrides) -> Flask:
    app = Flask(__name__, instance_path=str(Path(__file__).resolve().parent.parent / "instance"))
    config_name = config_name or os.environ.get("FLASK_CONFIG", "development")
    app.config.from_object(CONFIGS[config_name])
    app.config.update(overrides)
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", engine_options(app.config["SQLALCHEMY_DATABASE_URI"]))
    if config_name == "production" and app.config["SECRET_KEY"] in (None, "", DEVELOPMENT_SECRET_KEY):
        raise RuntimeError("Set SECRET_KEY to a long random value before running in production.")
    os.makedirs(app.instance_path, exist_ok=True)
    if app.config["PROXY_FIX_HOPS"]:
        hops = app.config["PROXY_FIX_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    # Before any blueprint adds its rules: every <int:id> in the app is bounded.
    app.url_map.converters["int"] = IdConverter

    db.init_app(app)
    migrate.init_app(app, db, render_as_batch=True, directory=str(Path(app.root_path).parent / "migrations"))
    # Before CSRF: it reads the form, and so the request's size limit must be set by then.
    receipt_limits.init_app(app)
    receipt_jobs.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    # Its news (Redis unreachable, counting in memory: a warning; Redis back: info) belongs in the
    # server's log.
    limiter.logger.addHandler(default_handler)
    limiter.logger.setLevel(logging.INFO)
    login_manager.init_app(app)
    login_manager.user_loader(sessions.load_user)
    l10n.init_app(app)

    app.register_blueprint(auth_bp)
    app.register_blueprint(expenses_bp)
    app.register_blueprint(account_bp)
    app.register_blueprint(budgets_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(recurring_bp)
    app.register_blueprint(rules_bp)
    app.register_blueprint(transfer_bp)
    app.register_blueprint(ledgers_bp)
    app.register_blueprint(health_bp)
    app.register_blueprint(theme.bp)
    app.register_blueprint(pwa.bp)
    # Before errors.init_app: the site's error handler, which answers /api/ with problem documents,
    # replaces the one flask-smorest registers.
    api.init_app(app)

    assets.init_app(app)
    security.init_app(app)
    templating.init_app(app)
    errors.init_app(app)
    cli.init_app(app)
    return app
