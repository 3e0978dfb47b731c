"""What time it is, and which day it is for the person asking.

Every date a person sees or is checked against (form defaults, budget periods, "days left", quick
ranges, reports, quick add, the import's future-date check) is today in the account's time zone:
`user_today()`, never the server's `date.today()`. Tests freeze time by replacing `utcnow` here;
everything else, the timestamps stored by the models included, asks this module.
"""

from datetime import UTC, date, datetime
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from .requester import asking_account

DEFAULT_TIME_ZONE = "UTC"
TIME_ZONE_MAX = 64  # the longest IANA name is 32 characters
# Files in a zoneinfo directory that are not places anyone lives: the system's own zone, a
# placeholder, and the "posix/" and "right/" copies some systems ship beside the real names.
_NOT_CHOICES = {"localtime", "Factory", "posixrules"}
_NOT_CHOICE_PREFIXES = ("posix/", "right/")


def utcnow() -> datetime:
    """Now, as an aware UTC datetime. The one clock: tests replace this function to freeze time."""
    return datetime.now(UTC)


@cache
def time_zones() -> tuple[str, ...]:
    """The IANA names a person can choose, sorted (from the system's zoneinfo or the tzdata package)."""
    return tuple(
        sorted(
            name
            for name in available_timezones()
            if name not in _NOT_CHOICES and not name.startswith(_NOT_CHOICE_PREFIXES)
        )
    )


@cache
def _time_zone_set() -> frozenset[str]:
    return frozenset(time_zones())


def is_time_zone(name: object) -> bool:
    """Whether `name` is one of the IANA names offered (a browser's "Asia/Calcutta" is one too)."""
    return isinstance(name, str) and name in _time_zone_set()


@cache
def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        # A name stored once and since dropped from the time zone database: count in UTC.
        return ZoneInfo(DEFAULT_TIME_ZONE)


def today_in(time_zone: str | None) -> date:
    """Today's date in the IANA time zone `time_zone` (UTC when None or unknown)."""
    return utcnow().astimezone(_zone(time_zone or DEFAULT_TIME_ZONE)).date()


def user_today(user=None) -> date:
    """Today in `user`'s time zone; without a user, that of the account asking (the API token's, set
    by app.api.base.authenticate, else the signed-in one), and UTC for anonymous requests or outside
    a request."""
    if user is None:
        user = asking_account()
    return today_in(getattr(user, "time_zone", None))
