"""Error pages in the site's layout, for HTTP errors and for a database that cannot be reached."""

from flask import Flask, g, render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError
from werkzeug.exceptions import HTTPException

from . import l10n
from .extensions import db, login_manager
from .problems import from_http_exception, is_api_request, problem
from .transactions import Conflict

PAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Go back, reload the page and try again.")),
    403: (_l("Not allowed"), _l("You do not have permission to do that.")),
    404: (
        _l("Page not found"),
        _l("There is nothing here. The address may be mistyped, or the item was deleted."),
    ),
    405: (_l("Not allowed"), _l("That page cannot be used this way. Go back and use the buttons on the page.")),
    409: (
        _l("Changed at the same moment"),
        _l(
            "Something else changed the same data at the same moment, so nothing was saved. "
            "Reload the page and try again."
        ),
    ),
    413: (_l("Upload too large"), _l("The file is larger than this site accepts. Try a smaller file.")),
    429: (_l("Too many attempts"), _l("You have tried that too often. Wait a minute, then try again.")),
    500: (_l("Something went wrong"), _l("An unexpected error happened and nothing was saved. Please try again.")),
    503: (
        _l("Temporarily unavailable"),
        _l("The database cannot be reached right now. Your data is safe; try again in a moment."),
    ),
}
# A PostgreSQL restart takes a second or two; the pool reconnects on the next request.
RETRY_AFTER_SECONDS = 5


def is_connection_lost(error: BaseException | None) -> bool:
    """Whether an exception means the database cannot be reached: SQLAlchemy's OperationalError (refused,
    shutting down, backend terminated), or any other DBAPI error that SQLAlchemy saw come with a dead
    connection (it then invalidates the connection, and the pool opens a new one next time)."""
    return isinstance(error, OperationalError) or (isinstance(error, DBAPIError) and error.connection_invalidated)


def render_error(code: int, message: str | None = None):
    title, default_message = PAGES.get(code, PAGES[500])
    try:
        page = render_template(
            "errors/error.html", code=code, title=str(title), message=str(message or default_message)
        )
    except OperationalError:
        # The layout says who is signed in, which takes the database: without it, any error page
        # (a form's expired token while PostgreSQL restarts, say) is the 503 page.
        return _database_unavailable_page()
    return page, code


def _forget_the_transaction() -> None:
    """Roll back what the request began; when even that cannot reach the database, drop its connection."""
    try:
        db.session.rollback()
    except SQLAlchemyError:
        db.session().invalidate()  # the scoped session does not pass this one on


def _database_unavailable():
    if is_api_request():
        _forget_the_transaction()
        # Translated for the request's Accept-Language without asking who is signed in: the locale
        # selector would read a session cookie's account from the database that is gone.
        with force_locale(l10n.browser_locale()):
            return problem(503, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
    return _database_unavailable_page()


def _database_unavailable_page():
    _forget_the_transaction()
    # The page must render without the database: treat the visitor as signed out for it.
    g._login_user = login_manager.anonymous_user()
    title, message = PAGES[503]
    return render_template("errors/error.html", code=503, title=str(title), message=str(message)), 503


def init_app(app: Flask) -> None:
    # Registered after db.init_app, so it runs before Flask-SQLAlchemy's own teardown, which ends the
    # session too but lets an error out: a connection cut after the page was made (PostgreSQL
    # restarting) would turn that finished page into the server's bare 500.
    @app.teardown_appcontext
    def end_the_session(_error):
        try:
            db.session.close()
        except SQLAlchemyError:
            db.session().invalidate()

    @app.errorhandler(CSRFError)
    def csrf_error(_error):
        return render_error(
            400,
            # Lazy: translating asks for the reader's locale, which may take the database (see render_error).
            _l("This form has expired or did not come from this site. Go back, reload the page and submit it again."),
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        if is_api_request():
            return from_http_exception(error)
        response = error.get_response()
        body, code = render_error(error.code)
        response.set_data(body)
        response.content_type = "text/html; charset=utf-8"
        return response

    @app.errorhandler(Conflict)
    def conflict(_error):
        if is_api_request():
            return problem(409)
        # run_and_commit has rolled back; a double submit is answered by its form, never here.
        return render_error(409)

    @app.errorhandler(OperationalError)
    def database_unavailable(_error):
        return _database_unavailable()

    @app.errorhandler(500)
    def internal_error(error):
        # What reaches here past the handler above: a lost connection that the driver reports as
        # another class (SQLite's ProgrammingError for a closed database, say), or one raised outside
        # the view (in an error handler, an after_request hook). The database is away: 503, not 500.
        if is_connection_lost(getattr(error, "original_exception", None)):
            return _database_unavailable()
        _forget_the_transaction()
        return problem(500) if is_api_request() else render_error(500)
