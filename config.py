"""Settings for development, testing and production.

`FLASK_CONFIG` picks the class (development by default); `DATABASE_URL` picks the database.
"""

import os
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"

# The budget a new account starts with, in major units of its currency.
DEFAULT_MONTHLY_BUDGET = 80000
DEFAULT_CURRENCY = "INR"

# Only for development and tests; production refuses to start with it.
DEVELOPMENT_SECRET_KEY = "dev-only-secret-key-not-for-production"  # noqa: S105


def _sqlite_url(name: str) -> str:
    return f"sqlite:///{INSTANCE_DIR / name}"


def engine_options(url: str) -> dict:
    if url.startswith("sqlite"):
        # Waiting for a lock beats failing with "database is locked" under concurrent writes.
        return {"connect_args": {"timeout": 15}}
    return {"pool_pre_ping": True}


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY") or DEVELOPMENT_SECRET_KEY
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or _sqlite_url("expenses.sqlite")

    DEFAULT_MONTHLY_BUDGET = DEFAULT_MONTHLY_BUDGET
    DEFAULT_CURRENCY = DEFAULT_CURRENCY

    # Uploads (CSV import, backups) are small; anything larger is refused with a 413 page.
    MAX_CONTENT_LENGTH = 5 * 1024 * 1024

    # Receipts (app/receipts). A file larger than RECEIPT_MAX_FILE_BYTES as uploaded is refused, and
    # so is one that would take a ledger's kept receipts past RECEIPT_MAX_LEDGER_BYTES. Requests
    # that carry receipts may be as large as RECEIPT_MAX_FILES_PER_UPLOAD files of the largest size.
    RECEIPT_MAX_FILE_BYTES = int(os.environ.get("RECEIPT_MAX_FILE_BYTES", 10 * 1024 * 1024))
    RECEIPT_MAX_LEDGER_BYTES = int(os.environ.get("RECEIPT_MAX_LEDGER_BYTES", 500 * 1024 * 1024))
    RECEIPT_MAX_FILES_PER_UPLOAD = 5
    RECEIPT_MAX_FILES_PER_EXPENSE = 10
    # Images are kept with their longest side capped at this many pixels, thumbnails at the second.
    RECEIPT_MAX_SIDE = 2400
    RECEIPT_THUMBNAIL_SIDE = 320
    # Unset: receipts are kept in the database (bytea / blob), which every app server can reach.
    # A directory on a single host keeps them out of the database (and out of its backups).
    RECEIPT_STORAGE_DIR = os.environ.get("RECEIPT_STORAGE_DIR") or None
    # Tesseract is killed after this long; the upload waits this long for it before showing a page
    # that waits for the rest (a background thread reads on).
    RECEIPT_OCR_TIMEOUT = 30
    RECEIPT_OCR_WAIT = 4

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = timedelta(days=30)
    # The cookie that marks a browser someone signed in from (app/devices.py).
    DEVICE_COOKIE_NAME = "device"
    DEVICE_COOKIE_SECURE = False
    DEVICE_COOKIE_DURATION = timedelta(days=365)
    # A session without "remember me" ends on the server after this long unused.
    SESSION_IDLE_TIMEOUT = timedelta(hours=12)

    # argon2id parameters: OWASP's recommended minimum (Password Storage Cheat Sheet: 19 MiB, 2
    # passes, 1 lane). A check costs 39 ms of one core here, against 193 ms for argon2-cffi's default
    # (RFC 9106's low-memory profile: 64 MiB, 3 passes, 4 lanes), which alone put sign-in past the
    # load test's p95 target of 150 ms with 200 people on 2 cores (p95 326 ms). Raise them with the
    # environment for more work per guess; stored hashes are upgraded at their next sign-in.
    ARGON2_TIME_COST = int(os.environ.get("ARGON2_TIME_COST", 2))
    ARGON2_MEMORY_COST = int(os.environ.get("ARGON2_MEMORY_COST", 19456))
    ARGON2_PARALLELISM = int(os.environ.get("ARGON2_PARALLELISM", 1))

    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    # When Redis cannot be reached, each worker counts in its own memory until it can again (checked
    # again after 1, 2, 4 ... seconds): the limits still hold per worker, and pages keep being served.
    # Flask-Limiter logs the switch ("Rate limit storage unreachable") and the recovery.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    # Per client address and per account; checked before any password is hashed. The per-address
    # limit can be raised for a load test, whose simulated people all come from one address.
    LOGIN_LIMIT_PER_IP = os.environ.get("LOGIN_LIMIT_PER_IP", "20 per minute; 200 per hour")
    LOGIN_LIMIT_PER_ACCOUNT = "5 per minute; 30 per hour"
    REGISTER_LIMIT_PER_IP = "5 per minute; 30 per hour"
    REAUTH_LIMIT_PER_ACCOUNT = "5 per minute; 30 per hour"
    # Wrong two-factor codes per account (counted across the login step and the settings page), and
    # code attempts per address.
    TWO_FACTOR_LIMIT_PER_ACCOUNT = "5 per minute; 20 per hour; 50 per day"
    TWO_FACTOR_LIMIT_PER_IP = "20 per minute; 200 per hour"
    # How long the login waits for the two-factor code after the password was right.
    TWO_FACTOR_LOGIN_TIMEOUT = timedelta(minutes=5)
    # Opening or accepting an invitation link (GET and POST), per client address.
    INVITATION_LIMIT_PER_IP = "20 per minute; 100 per hour"

    # The JSON API (app/api): its OpenAPI document, rate limits per token, and the web origins that
    # may call it from a browser (CORS; none unless listed, comma-separated, in API_CORS_ORIGINS).
    API_TITLE = "Expense Tracker API"
    API_VERSION = "1"
    OPENAPI_VERSION = "3.1.0"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"
    API_SPEC_OPTIONS = {"security": [{"bearerAuth": []}]}
    API_LIMIT_PER_TOKEN = "120 per minute; 3000 per hour"  # noqa: S105 (a rate, not a secret)
    API_LIMIT_PER_ADDRESS = os.environ.get("API_LIMIT_PER_ADDRESS", "600 per minute")
    API_CORS_ORIGINS = [origin.strip() for origin in os.environ.get("API_CORS_ORIGINS", "").split(",") if origin]

    # Set when the app is served behind a reverse proxy that sets X-Forwarded-* headers.
    PROXY_FIX_HOPS = int(os.environ.get("PROXY_FIX_HOPS", "0"))


class DevelopmentConfig(Config):
    DEBUG = False


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = DEVELOPMENT_SECRET_KEY
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL") or "sqlite://"
    # Cheap hashing keeps the suite fast; the algorithm is still argon2id.
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 1024
    ARGON2_PARALLELISM = 1
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    # Tests sign in far more often than people do; the rate-limit tests set their own limits.
    LOGIN_LIMIT_PER_IP = LOGIN_LIMIT_PER_ACCOUNT = "1000 per minute"
    REGISTER_LIMIT_PER_IP = REAUTH_LIMIT_PER_ACCOUNT = "1000 per minute"
    API_LIMIT_PER_TOKEN = API_LIMIT_PER_ADDRESS = "100000 per minute"  # noqa: S105
    # Uploads wait for Tesseract to finish, so that tests see the reading on the next page.
    RECEIPT_OCR_WAIT = 120
    TWO_FACTOR_LIMIT_PER_ACCOUNT = TWO_FACTOR_LIMIT_PER_IP = "1000 per minute"
    INVITATION_LIMIT_PER_IP = "1000 per minute"


class ProductionConfig(Config):
    # The __Host- prefix makes browsers refuse these cookies unless they are Secure, for Path=/ and
    # without a Domain: no subdomain or plain-HTTP page can plant or overwrite them.
    SESSION_COOKIE_NAME = "__Host-session"
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_PATH = "/"
    SESSION_COOKIE_DOMAIN = None
    REMEMBER_COOKIE_NAME = "__Host-remember_token"
    REMEMBER_COOKIE_SECURE = True
    REMEMBER_COOKIE_PATH = "/"
    REMEMBER_COOKIE_DOMAIN = None
    DEVICE_COOKIE_NAME = "__Host-device"
    DEVICE_COOKIE_SECURE = True


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
