"""The steps every write to a tag, link or review shares: the version check, validation
against the model's rules, the history entry, soft delete and restore."""

import datetime
from typing import cast

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from annotator.selectors import role_in
from annotator.services import Conflict, StaleVersion
from claims.models import (
    HistoryAction,
    HistoryEntry,
    SoftDeletable,
)
from claims.permissions import (
    can_change,
    owner_id_of,
    project_id_of,
    require,
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
    HistoryEntry.objects.create(
        project_id=project_id_of(obj),
        entity=cast(str, obj._meta.model_name),
        object_id=obj.pk,
        action=action,
        actor=actor,
        before=before,
        after=None if action == HistoryAction.DELETE else state_of(obj),
        comment=comment,
    )


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
