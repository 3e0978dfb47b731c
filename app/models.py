"""Database models. Money is stored as integer minor units (`*_cents`), never as floats."""

from datetime import date, datetime

from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    PrimaryKeyConstraint,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from . import clock
from .extensions import db

# Input limits: the forms, the CSV import and the restore check them before anything is written.
EARLIEST_DATE = date(1970, 1, 1)
LATEST_DATE = date(2099, 12, 31)
EMAIL_MAX = 254
DESCRIPTION_MAX = 200
CATEGORY_NAME_MAX = 40
# Budget history per account. A limit or budget change adds at most one row per category (or one
# overall) per budget period, so these hold 50 categories changed every month for over 16 years,
# and a century of monthly overall budgets. Saving budgets and restoring a backup refuse to go past
# them; the budgets page reads a category's whole history to work out rollover, so they bound its work.
MAX_CATEGORY_BUDGET_ROWS = 10_000
MAX_OVERALL_BUDGET_ROWS = 1_200
# Categories and saved CSV column mappings per account. Every page that lists categories stays
# bounded by the first; creating, importing and restoring refuse to go past either.
MAX_CATEGORIES = 200
MAX_IMPORT_MAPPINGS = 100
# A rate written out in full ("0.006154220", at most ten significant digits; see app/money.py).
RATE_TEXT_MAX = 40


def utcnow() -> datetime:
    """Naive UTC, stored the same way by SQLite and PostgreSQL."""
    return clock.utcnow().replace(tzinfo=None)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased (see normalise_email in app/auth/services.py), so uniqueness ignores case.
    email: Mapped[str] = mapped_column(String(EMAIL_MAX), unique=True)
    # Wide enough for argon2 hashes with any future parameters.
    password_hash: Mapped[str] = mapped_column(String(512))
    # How amounts and dates are written ("de_DE"); None follows the browser's Accept-Language.
    locale: Mapped[str | None] = mapped_column(String(16))
    # The IANA time zone ("Asia/Kolkata") whose today every date default, period and check uses
    # (app.clock.user_today); set from the browser at registration, changed in Settings.
    time_zone: Mapped[str] = mapped_column(
        String(clock.TIME_ZONE_MAX), default=clock.DEFAULT_TIME_ZONE, server_default=clock.DEFAULT_TIME_ZONE
    )
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    # The session this request came in on, set by the user loader; Flask-Login's user id is its
    # token, so that ending the session on the server signs the cookie out.
    current_session = None  # UserSession | None
    session_token = None  # str | None

    def get_id(self) -> str | None:
        return self.session_token

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


# Ledger roles, weakest first: a viewer reads and exports, an editor also changes the ledger's
# data, an owner also manages its members, settings and existence (see app/ledgers.py).
VIEWER, EDITOR, OWNER = "viewer", "editor", "owner"
ROLES = (VIEWER, EDITOR, OWNER)
LEDGER_NAME_MAX = 60


class Ledger(db.Model):
    """One set of books: it owns categories, expenses, budgets and imports. Every account has a
    personal ledger (`personal_user_id`); a shared one has members with roles (LedgerMember)."""

    __tablename__ = "ledgers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(LEDGER_NAME_MAX))
    # The account whose personal ledger this is (deleted with it); None for a shared ledger.
    personal_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    currency: Mapped[str] = mapped_column(String(3))
    monthly_budget_cents: Mapped[int] = mapped_column(BigInteger)
    # Budget periods are monthly and start on this day of the month (1 to 28): payday.
    period_start_day: Mapped[int] = mapped_column(SmallInteger, default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    @property
    def is_personal(self) -> bool:
        return self.personal_user_id is not None

    def __repr__(self) -> str:
        return f"<Ledger {self.id} {self.name!r}>"


class LedgerMember(db.Model):
    """An account's access to a ledger, with its role."""

    __tablename__ = "ledger_members"
    __table_args__ = (
        PrimaryKeyConstraint("ledger_id", "user_id"),
        # The ledgers of an account (the navbar's switcher, deleting an account).
        Index("ix_ledger_members_user_id", "user_id"),
        CheckConstraint("role IN ('viewer', 'editor', 'owner')", name="known_role"),
    )

    ledger_id: Mapped[int] = mapped_column(ForeignKey("ledgers.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(10))
    joined_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<LedgerMember ledger={self.ledger_id} user={self.user_id} {self.role}>"


class LedgerInvitation(db.Model):
    """A link that lets one signed-in account join a ledger with a role, once, until it expires.
    The link's token is shown once; only its SHA-256 is stored."""

    __tablename__ = "ledger_invitations"
    __table_args__ = (
        Index("ix_ledger_invitations_ledger_id_created_at", "ledger_id", "created_at"),
        CheckConstraint("role IN ('viewer', 'editor', 'owner')", name="known_role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ledger_id: Mapped[int] = mapped_column(ForeignKey("ledgers.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(10))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)


class UserSession(db.Model):
    """One signed-in browser. The cookie carries a random token; only its SHA-256 is stored."""

    __tablename__ = "user_sessions"
    __table_args__ = (Index("ix_user_sessions_user_id_last_seen_at", "user_id", "last_seen_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    remember: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    user_agent: Mapped[str] = mapped_column(String(300), default="")
    ip_address: Mapped[str] = mapped_column(String(45), default="")
    # The ledger this browser last switched to (None: the account's personal ledger).
    ledger_id: Mapped[int | None] = mapped_column(ForeignKey("ledgers.id", ondelete="SET NULL"))

    def __repr__(self) -> str:
        return f"<UserSession {self.id} user={self.user_id}>"


class Category(db.Model):
    __tablename__ = "categories"
    __table_args__ = (
        UniqueConstraint("ledger_id", "name_key"),
        # Lets expenses point at (category, ledger) so the database itself refuses a category
        # of another ledger.
        UniqueConstraint("id", "ledger_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ledger_id: Mapped[int] = mapped_column(ForeignKey("ledgers.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(CATEGORY_NAME_MAX))
    # casefold() of the name: "Food" and "FOOD" are the same category.
    name_key: Mapped[str] = mapped_column(String(CATEGORY_NAME_MAX))
    color: Mapped[str] = mapped_column(String(7))

    def __repr__(self) -> str:
        return f"<Category {self.id} {self.name!r}>"


class OverallBudget(db.Model):
    """The overall budget per period from the period starting `effective_from` on; a change adds a
    row, so that earlier periods keep showing the budget they had."""

    __tablename__ = "overall_budgets"
    __table_args__ = (
        UniqueConstraint("ledger_id", "effective_from"),
        CheckConstraint("amount_cents >= 0", name="amount_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ledger_id: Mapped[int] = mapped_column(ForeignKey("ledgers.id", ondelete="CASCADE"))
    effective_from: Mapped[date] = mapped_column(Date)
    amount_cents: Mapped[int] = mapped_column(BigInteger)


class CategoryBudget(db.Model):
    """A category's limit per budget period, from the period starting `effective_from` on.

    Changing a limit adds a row, so that past periods keep the limit they had; rollover needs it.
    """

    __tablename__ = "category_budgets"
    __table_args__ = (
        UniqueConstraint("ledger_id", "category_id", "effective_from"),
        ForeignKeyConstraint(
            ["category_id", "ledger_id"],
            ["categories.id", "categories.ledger_id"],
            name="fk_category_budgets_category_id_ledger_id_categories",
            ondelete="CASCADE",
        ),
        CheckConstraint("limit_cents >= 0", name="limit_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ledger_id: Mapped[int] = mapped_column(ForeignKey("ledgers.id", ondelete="CASCADE"))
    category_id: Mapped[int] = mapped_column()
    effective_from: Mapped[date] = mapped_column(Date)
    # None: no limit from this period on (the category was unbudgeted).
    limit_cents: Mapped[int | None] = mapped_column(BigInteger)
    rollover: Mapped[bool] = mapped_column(Boolean, default=False)

    def __repr__(self) -> str:
        return f"<CategoryBudget {self.category_id} from {self.effective_from}: {self.limit_cents}>"


class Expense(db.Model):
    __tablename__ = "expenses"
    __table_args__ = (
        ForeignKeyConstraint(
            ["category_id", "ledger_id"],
            ["categories.id", "categories.ledger_id"],
            name="fk_expenses_category_id_ledger_id_categories",
        ),
        CheckConstraint("amount_cents > 0", name="amount_positive"),
        # An expense in another currency keeps all three of what was spent and at what rate; one in
        # the ledger's currency none of them.
        CheckConstraint(
            "(original_amount_minor IS NULL AND original_currency IS NULL AND rate IS NULL) OR "
            "(original_amount_minor > 0 AND original_currency IS NOT NULL AND rate IS NOT NULL)",
            name="original_all_or_none",
        ),
        # The rate used last for a currency: the ledger's latest expense in it (app/conversion.py).
        Index(
            "ix_expenses_ledger_id_original_currency_spent_on_id", "ledger_id", "original_currency", "spent_on", "id"
        ),
        # The list (newest first) and every date-bounded aggregate.
        Index("ix_expenses_ledger_id_spent_on_id", "ledger_id", "spent_on", "id"),
        # Per-category figures and deleting or moving a category's expenses.
        Index("ix_expenses_ledger_id_category_id_spent_on", "ledger_id", "category_id", "spent_on"),
        # The list sorted by amount (keyset pages on amount and id) and amount ranges; also covers
        # the count and total of a list filtered by nothing but amount.
        Index("ix_expenses_ledger_id_amount_cents_id", "ledger_id", "amount_cents", "id"),
        # Covers date-bounded sums per day and category (reports, filtered totals) without reading
        # the table.
        Index(
            "ix_expenses_ledger_id_spent_on_category_id_amount_cents",
            "ledger_id",
            "spent_on",
            "category_id",
            "amount_cents",
        ),
        # The reports' largest expenses: each day's largest, at most ten entries read per day of the
        # period, whatever the ledger holds (migration 0019; figures in reports/services.py).
        Index("ix_expenses_ledger_id_spent_on_amount_cents_id", "ledger_id", "spent_on", "amount_cents", "id"),
        # Undoing an import deletes its expenses; the foreign key check on deleting a batch uses it too.
        Index("ix_expenses_import_batch_id", "import_batch_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ledger_id: Mapped[int] = mapped_column(ForeignKey("ledgers.id", ondelete="CASCADE"))
    category_id: Mapped[int] = mapped_column()
    spent_on: Mapped[date] = mapped_column(Date)
    description: Mapped[str] = mapped_column(String(DESCRIPTION_MAX))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    # The CSV import that created the expense (None: added by hand); undoing the import deletes it.
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))
    # The member who added it (None: that account was deleted since) and, optionally, who paid.
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    paid_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The recurring rule that made it (app/recurring_posting.py); None for one added by hand, or once the rule
    # is deleted with its expenses kept. Editing or deleting the expense never touches the rule.
    recurring_rule_id: Mapped[int | None] = mapped_column(ForeignKey("recurring_rules.id", ondelete="SET NULL"))
    # Spent in another currency than the ledger's: the amount in that currency's minor units, its
    # code, and the rate it was converted at (ledger units per one unit of it, an exact decimal as
    # text: SQLite's NUMERIC is a float). `amount_cents` is what it came to in the ledger's currency,
    # which every total uses. All three None for an expense in the ledger's currency.
    original_amount_minor: Mapped[int | None] = mapped_column(BigInteger)
    original_currency: Mapped[str | None] = mapped_column(String(3))
    rate: Mapped[str | None] = mapped_column(String(RATE_TEXT_MAX))

    category: Mapped[Category] = relationship(
        primaryjoin="and_(Expense.category_id == Category.id, Expense.ledger_id == Category.ledger_id)",
        foreign_keys=[category_id, ledger_id],
        lazy="joined",
        viewonly=True,
    )

    def __repr__(self) -> str:
        return f"<Expense {self.id} {self.spent_on} {self.amount_cents}>"


class LedgerRate(db.Model):
    """A euro reference rate from the ECB's file that a ledger's people uploaded: units of
    `currency` per euro on `day`, an exact decimal as text (app/ecb_rates.py, app/conversion.py)."""

    __tablename__ = "ledger_rates"
    __table_args__ = (PrimaryKeyConstraint("ledger_id", "currency", "day"),)

    ledger_id: Mapped[int] = mapped_column(ForeignKey("ledgers.id", ondelete="CASCADE"))
    currency: Mapped[str] = mapped_column(String(3))
    day: Mapped[date] = mapped_column(Date)
    per_euro: Mapped[str] = mapped_column(String(24))


class CurrencyChange(db.Model):
    """A ledger converted into another currency at one rate (app/ledgers/currency_change.py), with
    what undoing it needs: every amount it changed, as it was (`undo`)."""

    __tablename__ = "currency_changes"
    __table_args__ = (Index("ix_currency_changes_ledger_id_created_at", "ledger_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ledger_id: Mapped[int] = mapped_column(ForeignKey("ledgers.id", ondelete="CASCADE"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    from_currency: Mapped[str] = mapped_column(String(3))
    to_currency: Mapped[str] = mapped_column(String(3))
    rate: Mapped[str] = mapped_column(String(RATE_TEXT_MAX))
    # {"monthly_budget_cents": n, "expenses": [[id, amount_cents, original_minor, code, rate], ...],
    #  "overall_budgets": [[id, amount_cents], ...], "category_budgets": [[id, limit_cents], ...],
    #  "recurring_rules": [[id, amount_cents], ...]}
    undo: Mapped[dict] = mapped_column(JSON)


class _SpendingRollup:
    """Columns shared by the rollup tables: one row per ledger, category and day (or month) with the
    number and total of the expenses in it.

    The database keeps them up to date itself: triggers on `expenses` (migration
    0006_spending_rollups) add and subtract every inserted, updated and deleted row, whatever
    wrote it (a form, an import and its undo, a restore, a cascade). Figures over long ranges add
    up a few hundred rollup rows instead of every expense; see app/rollups.py.
    """

    ledger_id: Mapped[int] = mapped_column()
    category_id: Mapped[int] = mapped_column()
    expense_count: Mapped[int] = mapped_column(Integer)
    total_cents: Mapped[int] = mapped_column(BigInteger)


def _rollup_table_args(table: str, key: str) -> tuple:
    return (
        ForeignKeyConstraint(
            ["category_id", "ledger_id"],
            ["categories.id", "categories.ledger_id"],
            name=f"fk_{table}_category_id_ledger_id_categories",
            ondelete="CASCADE",
        ),
        # Date ranges of one ledger, all categories or some.
        PrimaryKeyConstraint("ledger_id", key, "category_id"),
    )


class SpendingDay(_SpendingRollup, db.Model):
    __tablename__ = "spending_days"
    __table_args__ = _rollup_table_args("spending_days", "day")

    day: Mapped[date] = mapped_column(Date)


class SpendingMonth(_SpendingRollup, db.Model):
    __tablename__ = "spending_months"
    __table_args__ = _rollup_table_args("spending_months", "month")

    # The first day of the calendar month.
    month: Mapped[date] = mapped_column(Date)


class ImportBatch(db.Model):
    """One finished CSV import; its expenses point at it, so the whole import can be undone."""

    __tablename__ = "import_batches"
    __table_args__ = (Index("ix_import_batches_ledger_id_created_at", "ledger_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ledger_id: Mapped[int] = mapped_column(ForeignKey("ledgers.id", ondelete="CASCADE"))
    file_name: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # Expenses added, and the rows of the file that were left out, by reason.
    row_count: Mapped[int] = mapped_column(Integer)
    duplicate_count: Mapped[int] = mapped_column(Integer, default=0)
    income_count: Mapped[int] = mapped_column(Integer, default=0)
    invalid_count: Mapped[int] = mapped_column(Integer, default=0)

    def __repr__(self) -> str:
        return f"<ImportBatch {self.id} {self.file_name!r} rows={self.row_count}>"


class ImportDraft(db.Model):
    """A CSV file between the steps of the import wizard. The text lives here, not in a worker's
    memory or the cookie, so any worker can serve the next step; deleted once imported or stale."""

    __tablename__ = "import_drafts"
    __table_args__ = (Index("ix_import_drafts_ledger_id_created_at", "ledger_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ledger_id: Mapped[int] = mapped_column(ForeignKey("ledgers.id", ondelete="CASCADE"))
    file_name: Mapped[str] = mapped_column(String(255))
    content: Mapped[str] = mapped_column(Text)
    # The wizard's choices so far (columns, formats, categories): see transfer.settings.
    settings: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ImportMapping(db.Model):
    """The wizard's choices for one file layout (its header row), offered again for the next file
    with the same header."""

    __tablename__ = "import_mappings"
    __table_args__ = (UniqueConstraint("ledger_id", "header_signature"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ledger_id: Mapped[int] = mapped_column(ForeignKey("ledgers.id", ondelete="CASCADE"))
    # SHA-256 of the header cells, trimmed and case-folded.
    header_signature: Mapped[str] = mapped_column(String(64))
    header: Mapped[list] = mapped_column(JSON)
    settings: Mapped[dict] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class TwoFactor(db.Model):
    """Two-factor sign-in of an account that has turned it on (no row: off). See app/two_factor.py."""

    __tablename__ = "two_factor"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    # The TOTP secret in base32, as authenticator apps take it. Stored as is: every check computes
    # codes from it, so a hash would not do.
    secret: Mapped[str] = mapped_column(String(64))
    enabled_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # The 30-second time step of the last code accepted: that code, and any older one, is refused.
    last_used_step: Mapped[int] = mapped_column(BigInteger)


class RecoveryCode(db.Model):
    """A single-use recovery code, for signing in without the authenticator: only its SHA-256 is
    stored, and using it deletes the row."""

    __tablename__ = "recovery_codes"
    __table_args__ = (UniqueConstraint("user_id", "code_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    code_hash: Mapped[str] = mapped_column(String(64))


# Personal access tokens for the JSON API (app/api_tokens.py): a read token only reads, a write
# token also changes what its account's role in a ledger allows.
TOKEN_READ, TOKEN_WRITE = "read", "write"
TOKEN_SCOPES = (TOKEN_READ, TOKEN_WRITE)
TOKEN_NAME_MAX = 60
MAX_API_TOKENS = 50


class ApiToken(db.Model):
    """A personal access token. The token is shown once; only its SHA-256 is stored, with the first
    characters (`prefix`) so that people can tell their tokens apart. Revoking deletes the row."""

    __tablename__ = "api_tokens"
    __table_args__ = (
        Index("ix_api_tokens_user_id_created_at", "user_id", "created_at"),
        CheckConstraint("scope IN ('read', 'write')", name="known_scope"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(TOKEN_NAME_MAX))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    scope: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime)
    # None: the token does not expire (it can still be revoked).
    expires_at: Mapped[datetime | None] = mapped_column(DateTime)

    def __repr__(self) -> str:
        return f"<ApiToken {self.id} {self.prefix}… {self.scope}>"


class IdempotentRequest(db.Model):
    """The first answer to a POST sent with an idempotency key, per account: the same key sent again
    gets this answer back and changes nothing (a phone on a bad connection retries). See
    app/idempotency.py."""

    __tablename__ = "idempotent_requests"
    __table_args__ = (
        UniqueConstraint("user_id", "key"),
        Index("ix_idempotent_requests_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(255))
    # SHA-256 of what the request asked for: the same key with another request is refused, not replayed.
    fingerprint: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(SmallInteger)
    body: Mapped[str] = mapped_column(Text)
    location: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


# Receipts (app/receipts): the longest file name kept, and what a reading of one can be.
ATTACHMENT_NAME_MAX = 120
READING, READ, UNREADABLE, NOT_INSTALLED = "reading", "read", "unreadable", "not_installed"


class Attachment(db.Model):
    """A receipt kept with an expense: a re-encoded image or a PDF, and its JPEG thumbnail.

    The bytes are in the database by default (any app server can serve them), or in
    RECEIPT_STORAGE_DIR under `storage_key` (content and thumbnail then stay None); see
    app/receipts/storage.py. Between "New expense from a receipt" and saving that expense,
    `expense_id` is None and `reading` holds what Tesseract found.
    """

    __tablename__ = "attachments"
    __table_args__ = (
        # An expense's receipts (its page, the list's paperclips, deleting it).
        Index("ix_attachments_expense_id", "expense_id"),
        # The ledger's total size, its receipts still waiting for an expense, the backup.
        Index("ix_attachments_ledger_id_expense_id", "ledger_id", "expense_id"),
        CheckConstraint("byte_size >= 0", name="byte_size_not_negative"),
        CheckConstraint(
            "reading_state IS NULL OR reading_state IN ('reading', 'read', 'unreadable', 'not_installed')",
            name="known_reading_state",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ledger_id: Mapped[int] = mapped_column(ForeignKey("ledgers.id", ondelete="CASCADE"))
    expense_id: Mapped[int | None] = mapped_column(ForeignKey("expenses.id", ondelete="CASCADE"))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    file_name: Mapped[str] = mapped_column(String(ATTACHMENT_NAME_MAX))
    content_type: Mapped[str] = mapped_column(String(40))
    byte_size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    # Only loaded when served: a page that lists receipts never reads their bytes.
    content: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    thumbnail: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    has_thumbnail: Mapped[bool] = mapped_column(Boolean, default=False)
    storage_key: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # "New expense from a receipt": reading, read, unreadable or not_installed (None: never read),
    # and what was read: {"total": "12.34", "spent_on": "2026-03-04", "merchant": "REWE"}.
    reading_state: Mapped[str | None] = mapped_column(String(16))
    reading: Mapped[dict | None] = mapped_column(JSON)

    def __repr__(self) -> str:
        return f"<Attachment {self.id} {self.file_name!r} expense={self.expense_id}>"


class RecurringRule(db.Model):
    """An expense that repeats on a schedule (app/recurrence.Schedule) in a ledger.

    `next_due` is the first occurrence not yet made (None: the schedule has ended); posting
    (app/recurring_posting.py) makes every occurrence from it up to today. What keeps an occurrence
    from being made twice is RecurringOccurrence's primary key, not this date.
    """

    __tablename__ = "recurring_rules"
    __table_args__ = (
        ForeignKeyConstraint(
            ["category_id", "ledger_id"],
            ["categories.id", "categories.ledger_id"],
            name="fk_recurring_rules_category_id_ledger_id_categories",
            ondelete="CASCADE",
        ),
        CheckConstraint("amount_cents > 0", name="amount_positive"),
        CheckConstraint("unit IN ('day', 'week', 'month', 'year')", name="known_unit"),
        CheckConstraint("every >= 1", name="every_positive"),
        CheckConstraint("month_day IS NULL OR month_day BETWEEN 1 AND 31", name="month_day_in_month"),
        # Posting on a page view: the ledger's rules that are due, found without reading the others.
        Index("ix_recurring_rules_ledger_id_next_due", "ledger_id", "next_due"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ledger_id: Mapped[int] = mapped_column(ForeignKey("ledgers.id", ondelete="CASCADE"))
    category_id: Mapped[int] = mapped_column()
    description: Mapped[str] = mapped_column(String(DESCRIPTION_MAX))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    start_on: Mapped[date] = mapped_column(Date)
    unit: Mapped[str] = mapped_column(String(5))
    every: Mapped[int] = mapped_column(SmallInteger, default=1)
    # Day of the month for monthly and yearly rules (31: the last day); None: the start's day.
    month_day: Mapped[int | None] = mapped_column(SmallInteger)
    end_on: Mapped[date | None] = mapped_column(Date)
    occurrence_limit: Mapped[int | None] = mapped_column(Integer)
    next_due: Mapped[date | None] = mapped_column(Date)
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    category: Mapped[Category] = relationship(
        primaryjoin="and_(RecurringRule.category_id == Category.id, RecurringRule.ledger_id == Category.ledger_id)",
        foreign_keys=[category_id, ledger_id],
        lazy="joined",
        viewonly=True,
    )

    def __repr__(self) -> str:
        return f"<RecurringRule {self.id} {self.description!r} next={self.next_due}>"


class RecurringOccurrence(db.Model):
    """One occurrence of a rule that has been dealt with (made into an expense, or skipped). Its key
    is what makes posting exactly-once: two runs at once, on any number of servers, cannot both
    insert (rule, due date), and only the run that inserts it adds the expense."""

    __tablename__ = "recurring_occurrences"
    __table_args__ = (PrimaryKeyConstraint("rule_id", "due_on"),)

    rule_id: Mapped[int] = mapped_column(ForeignKey("recurring_rules.id", ondelete="CASCADE"))
    due_on: Mapped[date] = mapped_column(Date)


class CategoryRule(db.Model):
    """A ledger's rule for filing expenses (issue 20): conditions on the description, the amount and
    the category a bank's file gave the row; actions that set the category and rewrite the
    description. Tried in `position` order, first match wins (app/autocat/rule_match.py); used by
    the CSV import's preview, quick add and "apply to existing expenses" (app/category_rules.py).

    Deleting a category moves its rules to the category that takes its expenses, or deletes them
    with it (the foreign key cascades): a rule never points at a category that is gone.
    """

    __tablename__ = "category_rules"
    __table_args__ = (
        ForeignKeyConstraint(
            ["category_id", "ledger_id"],
            ["categories.id", "categories.ledger_id"],
            name="fk_category_rules_category_id_ledger_id_categories",
            ondelete="CASCADE",
        ),
        CheckConstraint(
            "description_op IS NULL OR description_op IN ('contains', 'starts_with', 'equals', 'regex')",
            name="known_description_op",
        ),
        CheckConstraint("category_id IS NOT NULL OR rewrite_description IS NOT NULL", name="has_action"),
        CheckConstraint(
            "amount_min_cents IS NULL OR amount_max_cents IS NULL OR amount_min_cents <= amount_max_cents",
            name="amount_range_in_order",
        ),
        Index("ix_category_rules_ledger_id_position", "ledger_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ledger_id: Mapped[int] = mapped_column(ForeignKey("ledgers.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    description_op: Mapped[str | None] = mapped_column(String(12))
    description_value: Mapped[str | None] = mapped_column(String(DESCRIPTION_MAX))
    amount_min_cents: Mapped[int | None] = mapped_column(BigInteger)
    amount_max_cents: Mapped[int | None] = mapped_column(BigInteger)
    # The category column of an imported file, as the bank writes it ("Supermarkets").
    source_category: Mapped[str | None] = mapped_column(String(DESCRIPTION_MAX))
    # None: the rule only rewrites the description.
    category_id: Mapped[int | None] = mapped_column()
    rewrite_description: Mapped[str | None] = mapped_column(String(DESCRIPTION_MAX))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    category: Mapped[Category | None] = relationship(
        primaryjoin="and_(CategoryRule.category_id == Category.id, CategoryRule.ledger_id == Category.ledger_id)",
        foreign_keys=[category_id, ledger_id],
        lazy="joined",
        viewonly=True,
    )

    def __repr__(self) -> str:
        return f"<CategoryRule {self.id} #{self.position} {self.description_op} {self.description_value!r}>"


class RuleRun(db.Model):
    """One "apply rules to existing expenses": what it changed, kept so that it can be undone."""

    __tablename__ = "rule_runs"
    __table_args__ = (Index("ix_rule_runs_ledger_id_created_at", "ledger_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ledger_id: Mapped[int] = mapped_column(ForeignKey("ledgers.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    row_count: Mapped[int] = mapped_column(Integer)


class RuleRunChange(db.Model):
    """One expense a run changed: its values before and after. Undo restores the old values of the
    expenses still as the run left them (one edited since is left alone)."""

    __tablename__ = "rule_run_changes"
    __table_args__ = (PrimaryKeyConstraint("run_id", "expense_id"),)

    run_id: Mapped[int] = mapped_column(ForeignKey("rule_runs.id", ondelete="CASCADE"))
    expense_id: Mapped[int] = mapped_column(ForeignKey("expenses.id", ondelete="CASCADE"), index=True)
    old_category_id: Mapped[int] = mapped_column()
    old_description: Mapped[str] = mapped_column(String(DESCRIPTION_MAX))
    new_category_id: Mapped[int] = mapped_column()
    new_description: Mapped[str] = mapped_column(String(DESCRIPTION_MAX))
