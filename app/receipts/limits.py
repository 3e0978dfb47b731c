"""How large a request may be: MAX_CONTENT_LENGTH (5 MB) everywhere, except views marked
`takes_receipts`, which may receive RECEIPT_MAX_FILES_PER_UPLOAD files of RECEIPT_MAX_FILE_BYTES.

The limit is set before CSRF protection reads the form (init_app is called before csrf.init_app),
because reading the form is what enforces it.
"""

from flask import Flask, request


def takes_receipts(view):
    """Marks a view whose form carries receipt files."""
    view.takes_receipts = True
    return view


def init_app(app: Flask) -> None:
    @app.before_request
    def allow_receipts_where_taken():
        view = app.view_functions.get(request.endpoint or "")
        if getattr(view, "takes_receipts", False):
            config = app.config
            files = config["RECEIPT_MAX_FILES_PER_UPLOAD"] * config["RECEIPT_MAX_FILE_BYTES"]
            # Room for the form's other fields and the multipart boundaries too.
            request.max_content_length = files + config["MAX_CONTENT_LENGTH"]
