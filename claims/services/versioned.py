"""The steps every write to a tag, link or review shares: the version check, validation
against the model's rules, the history entry, soft delete and restore.

Every such write runs as a ``recorded_write``: one transaction that collects its history
entries and, at its end, numbers them in their document's change feed (``take_seqs``), stores
them, and once the transaction has committed sends ``changes_committed`` with them (the live
pages' events hang on it). A rolled-back write stores, numbers and sends nothing.
"""

import contextlib
import datetime
import functools
import logging
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from typing import ParamSpec, TypeVar, cast

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.dispatch import Signal
from django.utils import timezone

from annotator.selectors import role_in
from annotator.services import Conflict, StaleVersion
from claims.models import (
    ChangeCounter,
    HistoryAction,
    HistoryEntry,
    SoftDeletable,
)
from claims.permissions import (
    can_change,
    document_id_of,
    owner_id_of,
    project_id_of,
    require,
)

logger = logging.getLogger(__name__)

#: Sent once a write has committed, with ``entries``: its history entries, numbered, in order.
#: Services cannot know who listens (the live sockets stand above them), hence a signal; no
#: rule of the write hangs on it, and a failing receiver is logged, never raised.
changes_committed = Signal()

P = ParamSpec("P")
R = TypeVar("R")

# The entries of the recorded write under way in this thread or task, None outside one.
_pending: ContextVar[list[HistoryEntry] | None] = ContextVar("pending_history", default=None)


def recorded_write(func: Callable[P, R]) -> Callable[P, R]:
    """Run a write in one transaction and record its history entries at its end.

    Writing the entries last makes the document's change counter (``take_seqs``) the last lock
    the write takes: the counter is held only while the write commits, and a write never waits
    for a row while holding it, so two writes cannot deadlock over it. A recorded write called
    inside another adds its entries to the outer one's (and drops them if it fails).
    """

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        pending = _pending.get()
        if pending is not None:
            start = len(pending)
            try:
                with transaction.atomic():
                    return func(*args, **kwargs)
            except BaseException:
                del pending[start:]
                raise
        pending = []
        token = _pending.set(pending)
        try:
            with transaction.atomic():
                result = func(*args, **kwargs)
                store_history(pending)
        finally:
            _pending.reset(token)
        return result

    return wrapper


def take_seqs(document_id: int, count: int) -> int:
    """Reserve the next ``count`` numbers of a document's change feed; return the last.

    Why a counter row and not the history's own ids: ids are handed out when a row is
    inserted, not when its transaction commits, so with several servers (or threads) entry 105
    can commit, and be read by a client, before entry 104 does; a client that then asks for
    changes after 105 would never see 104. Raising the document's counter in the writing
    transaction locks the counter row until that transaction ends, so the next write to the
    document waits for it and takes the next number: numbers commit in their own order,
    whatever a reader sees is a prefix of the feed (no gap it could skip), and a rolled-back
    write gives its numbers back (no gap at all). The price is that writes to one document
    commit one at a time, for the moment between taking the number and committing
    (``recorded_write`` takes it last). One statement on PostgreSQL and SQLite (3.35+):
    the first change of a document makes its row.
    """
    table = connection.ops.quote_name(ChangeCounter._meta.db_table)
    # The table's name comes from the model, not from input.
    sql = (
        f"INSERT INTO {table} (document_id, last_seq) VALUES (%s, %s) "  # noqa: S608
        f"ON CONFLICT (document_id) DO UPDATE SET last_seq = {table}.last_seq + excluded.last_seq "
        "RETURNING last_seq"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [document_id, count])
        return cast(tuple[int], cursor.fetchone())[0]


@contextlib.contextmanager
def foreign_keys_checked_now() -> Iterator[None]:
    """Check the write's deferred foreign keys before taking the counter, not at COMMIT.

    PostgreSQL checks Django's foreign keys (DEFERRABLE INITIALLY DEFERRED) at COMMIT, and a
    check takes a share lock on the row referred to (a review's tag, say). Left until COMMIT,
    that lock would come after the counter's, and could wait for a writer that holds the tag
    and waits for the counter: a deadlock. Checking them here keeps the counter the last lock;
    the checks are deferred again afterwards, for whatever else the transaction does.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def number_entries(entries: Iterable[HistoryEntry]) -> None:
    """Give each entry the next seq of its document, in the order given."""
    by_document: dict[int, list[HistoryEntry]] = {}
    for entry in entries:
        if entry.document_id is not None:
            by_document.setdefault(entry.document_id, []).append(entry)
    # Counters locked in one order (by document), should a write ever span documents.
    for document_id in sorted(by_document):
        numbered = by_document[document_id]
        last = take_seqs(document_id, len(numbered))
        for seq, entry in enumerate(numbered, start=last - len(numbered) + 1):
            entry.seq = seq


def store_history(entries: list[HistoryEntry]) -> None:
    """Number and store a write's entries, and announce them once the write has committed."""
    if not entries:
        return
    with foreign_keys_checked_now():
        number_entries(entries)
        HistoryEntry.objects.bulk_create(entries)
    stored = list(entries)
    transaction.on_commit(lambda: _announce(stored))


def _announce(entries: list[HistoryEntry]) -> None:
    for receiver, response in changes_committed.send_robust(sender=HistoryEntry, entries=entries):
        if isinstance(response, Exception):
            logger.error(
                "Announcing %d committed changes failed in %r",
                len(entries),
                receiver,
                exc_info=(type(response), response, response.__traceback__),
            )


NOT_A_CONTRIBUTOR = (
    "Viewers cannot add tags, links or reviews; ask an owner for the annotator role."
)
NOT_YOURS = "Only the author, a curator or an owner may change this."
NOT_A_CURATOR = "Only a curator or an owner may decide a tag's status."

_UNTRACKED = {"created_at", "updated_at"}


def stored_version(obj: SoftDeletable) -> int | None:
    rows = type(obj).all_objects.filter(pk=obj.pk)
    return rows.values_list("version", flat=True).first()


def check_version(obj: SoftDeletable, expected_version: int | None) -> None:
    """Refuse a write based on a version other than the one read (None: any version)."""
    if expected_version is not None and expected_version != obj.version:
        raise StaleVersion(obj, stored_version(obj))


def bump_version(obj: SoftDeletable, expected_version: int | None = None) -> None:
    """Take the row's next version in the database, or raise if someone else took it first.

    The UPDATE matches only while the stored version is the one ``obj`` was read at. It locks
    the row until the transaction ends, and a concurrent writer's UPDATE waits for that lock
    and then (PostgreSQL re-checks the condition on the committed row) matches nothing.
    """
    check_version(obj, expected_version)
    rows = type(obj).all_objects.filter(pk=obj.pk, version=obj.version)
    if rows.update(version=F("version") + 1) == 1:
        obj.version += 1
        return
    current = stored_version(obj)
    if expected_version is not None:
        raise StaleVersion(obj, current)
    raise Conflict(
        f"This {obj._meta.verbose_name} was changed by someone else at the same moment "
        f"(now version {current}); reload it and apply your change again."
    )


def state_of(obj: SoftDeletable) -> dict:
    """The fields of a tag, link or review as they are now, for the history."""
    return {
        field.attname: getattr(obj, field.attname)
        for field in obj._meta.concrete_fields
        if field.attname not in _UNTRACKED
    }


def record_history(
    obj: SoftDeletable,
    *,
    action: str,
    actor: User | None,
    before: dict | None,
    comment: str = "",
) -> None:
    """Record a change: kept for the end of the recorded write under way (outside one, now)."""
    entry = HistoryEntry(
        project_id=project_id_of(obj),
        document_id=document_id_of(obj),
        entity=cast(str, obj._meta.model_name),
        object_id=obj.pk,
        item_author_id=owner_id_of(obj),
        action=action,
        actor=actor,
        before=before,
        after=None if action == HistoryAction.DELETE else state_of(obj),
        comment=comment,
    )
    pending = _pending.get()
    if pending is None:
        with transaction.atomic():
            store_history([entry])
    else:
        pending.append(entry)


def save_validated(
    obj: SoftDeletable,
    *,
    actor: User | None,
    before: dict | None = None,
    expected_version: int | None = None,
) -> None:
    obj.full_clean()
    if before is not None:
        bump_version(obj, expected_version)
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:
        # A concurrent request slipped past full_clean; report it like the check would have.
        raise Conflict(f"This clashes with a change made at the same time: {exc}") from exc
    action = HistoryAction.CREATE if before is None else HistoryAction.UPDATE
    record_history(obj, action=action, actor=actor, before=before)


def require_change(actor: User, obj: SoftDeletable) -> None:
    role = role_in(actor, project_id_of(obj))
    require(can_change(role, owner_id=owner_id_of(obj), user_id=actor.pk), NOT_YOURS)


def soft_delete(
    obj: SoftDeletable,
    *,
    actor: User,
    at: datetime.datetime | None = None,
    expected_version: int | None = None,
) -> None:
    before = state_of(obj)
    bump_version(obj, expected_version)
    obj.deleted_at = at or timezone.now()
    obj.deleted_by = actor
    obj.save(update_fields=["deleted_at", "deleted_by"])
    record_history(obj, action=HistoryAction.DELETE, actor=actor, before=before)


def undelete(obj: SoftDeletable, *, actor: User, expected_version: int | None = None) -> None:
    check_version(obj, expected_version)
    if obj.deleted_at is None:
        raise Conflict(f"This {obj._meta.verbose_name} is not deleted.")
    before = state_of(obj)
    obj.deleted_at = None
    obj.deleted_by = None
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise Conflict(
            f"This {obj._meta.verbose_name} cannot be restored: {' '.join(exc.messages)}"
        ) from exc
    bump_version(obj, expected_version)
    obj.save(update_fields=["deleted_at", "deleted_by"])
    record_history(obj, action=HistoryAction.RESTORE, actor=actor, before=before)
