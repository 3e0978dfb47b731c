"""Error pages in the site's layout, for HTTP errors and for a database that cannot be reached."""

from flask import Flask, g, render_template
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

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


def _database_unavailable_page():
    db.session.rollback()
    # The page must render without the database: treat the visitor as signed out for it.
    g._login_user = login_manager.anonymous_user()
    title, message = PAGES[503]
    return render_template("errors/error.html", code=503, title=str(title), message=str(message)), 503


def init_app(app: Flask) -> None:
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
        if is_api_request():
            db.session.rollback()
            return problem(503)
        return _database_unavailable_page()

    @app.errorhandler(500)
    def internal_error(_error):
        db.session.rollback()
        return problem(500) if is_api_request() else render_error(500)
