"""Idempotency keys: a POST sent again with the same key gets the first answer back and changes nothing.

A phone on a bad connection cannot tell a request that never arrived from an answer that was lost
on the way back, so it sends the request again with the same key (quick add's offline queue, the
JSON API's `Idempotency-Key` header). The first answer is stored under (account, key) in the same
transaction as the work it answers: either both are committed or neither is.

Two copies of one request at once both find the key free and both do the work; the unique
constraint refuses the second one's row, `run_and_commit` rolls it back and runs it once more, and
this time `answer_once` finds the first one's answer and returns that. The same key sent with
another request (another amount, say) is refused with KeyReused instead of answered with the
first request's result. Keys are kept per account: another account's key never collides.
"""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select

from .extensions import db
from .models import IdempotentRequest

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
KEY_MAX = 255


@dataclass(frozen=True)
class Answer:
    """What a request answered: its status, JSON body and Location, and whether this is a replay."""

    status_code: int
    body: dict
    location: str | None = None
    replayed: bool = field(default=False, compare=False)


class KeyReused(Exception):
    """The key was sent before with another request: nothing is replayed and nothing is done."""


def valid_key(key: str) -> bool:
    """1 to 255 printable ASCII characters without spaces (a UUID is 36)."""
    return 0 < len(key) <= KEY_MAX and all("!" <= character <= "~" for character in key)


def fingerprint(*parts: str) -> str:
    """SHA-256 of what identifies a request (method, path, the fields that matter), in order."""
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


def stored_answer(user_id: int, key: str, request_fingerprint: str) -> Answer | None:
    """The answer stored for the account's key, marked as a replay; None when the key is new.
    Raises KeyReused when the key was stored for another request."""
    row = db.session.scalar(
        select(IdempotentRequest).where(IdempotentRequest.user_id == user_id, IdempotentRequest.key == key)
    )
    if row is None:
        return None
    if row.fingerprint != request_fingerprint:
        raise KeyReused(key)
    return Answer(row.status_code, json.loads(row.body), row.location, replayed=True)


def answer_once(user_id: int, key: str, request_fingerprint: str, work: Callable[[], Answer]) -> Answer:
    """The stored answer for the key, or else `work()`'s answer, stored under the key. Flushes only:
    run it through `run_and_commit`, which commits the work and its answer together."""
    previous = stored_answer(user_id, key, request_fingerprint)
    if previous is not None:
        return previous
    answer = work()
    db.session.add(
        IdempotentRequest(
            user_id=user_id,
            key=key,
            fingerprint=request_fingerprint,
            status_code=answer.status_code,
            body=json.dumps(answer.body),
            location=answer.location,
        )
    )
    db.session.flush()
    return answer
