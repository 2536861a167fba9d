"""Backup and restore of a whole project: export, restore into an empty database, export again."""

import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import models

from annotator import services as documents
from annotator.models import Document, DocumentProgress, Membership, Paragraph, Project, Role
from claims import services
from claims.interchange import backup
from claims.models import HistoryEntry, Link, Review, Tag
from tests.factories import UserFactory

User = get_user_model()


@pytest.fixture
def rich_project(db) -> Project:
    """A project with something of everything a backup must keep.

    Thresholds off their defaults, every role, a deleted document, a document made by a
    command (no creator), unicode text, span and implicit tags, curator decisions, deleted
    and restored tags (with the cascade of their links), undercuts (one aimed at a link made
    after it, as a merge leaves them), a linked-argument group, reviews (one deleted), a
    merge, and history by a user who is gone.
    """
    owner = UserFactory(username="olga")
    people = {role: UserFactory(username=f"{role}-x") for role in ("curator", "annotator")}
    viewer = UserFactory(username="vera")
    project = documents.project_create(
        actor=owner,
        name="Backups «tested»",
        slug="backups",
        description="Keeps\nline breaks.",
        accept_after_agrees=3,
        reject_after_disagrees=0,
    )
    for role, user in [*people.items(), ("viewer", viewer)]:
        documents.membership_set(actor=owner, project=project, username=user.username, role=role)
    ann, cur = people["annotator"], people["curator"]
    doc = documents.document_create(
        actor=owner,
        project=project,
        title="Ties 🤝 between neighbours",
        byline="A. Writer",
        caption="First published elsewhere.",
        source_url="https://example.org/oped",
        published_on="2024-10-21",
        paragraphs=[
            "China and India agreed to cooperate on internal security.",
            "Critics call it 🙄 window dressing; supporters, a breakthrough.",
            "Nothing else changed.",
        ],
    )
    gone = documents.document_create(
        actor=None, project=project, title="Withdrawn", paragraphs=["Short-lived."]
    )
    documents.document_delete(actor=owner, document=gone)
    p0, p1, _ = doc.paragraphs.order_by("position")

    claim = services.tag_create(actor=owner, paragraph=p0, start=0, end=24, kind="claim")
    evidence = services.tag_create(
        actor=ann, paragraph=p1, start=0, end=30, kind="evidence", note="<em>see</em> this"
    )
    opinion = services.tag_create(actor=ann, paragraph=p1, start=32, end=62, kind="opinion")
    implicit = services.implicit_tag_create(
        actor=ann, document=doc, text="Security ties build trust.", kind="evidence"
    )
    duplicate = services.tag_create(actor=cur, paragraph=p0, start=0, end=20, kind="claim")
    first = services.link_create(
        actor=ann, source=evidence, target=claim, relation="supports", group="g1"
    )
    services.link_create(actor=ann, source=implicit, target=claim, relation="supports", group="g1")
    attack = services.link_create(actor=ann, source=opinion, target=claim, relation="attacks")
    undercut = services.link_create(
        actor=cur, source=duplicate, target_link=first, relation="undercuts", note="Not so."
    )
    later = services.link_create(actor=cur, source=opinion, target=evidence, relation="attacks")
    # A merge can point an undercut at a link made after it; the backup must order for that.
    Link.all_objects.filter(pk=undercut.pk).update(target_link=later)

    services.review_submit(actor=cur, tag=claim, verdict="agree", comment="<p>Yes.</p>")
    services.review_submit(actor=owner, tag=evidence, verdict="disagree", comment="Thin.")
    dropped = services.review_submit(actor=owner, tag=opinion, verdict="agree")
    services.review_delete(actor=owner, review=dropped)
    services.tag_decide(actor=cur, tag=evidence, status="rejected", comment="Off topic.")
    services.tag_delete(actor=owner, tag=attack.source)  # takes the attack link with it
    services.tag_restore(actor=owner, tag=attack.source)
    services.tag_delete(actor=ann, tag=implicit)
    extra = services.tag_create(actor=cur, paragraph=p0, start=0, end=5, kind="claim")
    services.tags_merge(actor=cur, tags=[duplicate, extra])
    documents.progress_set(actor=ann, document=doc, state="done")

    # History by someone whose account was deleted since (their entries keep a null actor).
    leaver = UserFactory(username="leaver")
    Membership.objects.create(user=leaver, project=project, role=Role.CURATOR)
    services.tag_decide(actor=leaver, tag=claim, status="accepted")
    leaver.delete()
    return project


def export(slug: str) -> bytes:
    out = io.StringIO()
    call_command("export_project", slug, "-", stdout=out, verbosity=0)
    return out.getvalue().encode()


def restore(tmp_path, data: bytes, *args: str) -> str:
    path = tmp_path / "backup.json"
    path.write_bytes(data)
    out = io.StringIO()
    call_command("import_project", str(path), *args, stdout=out, verbosity=1)
    return out.getvalue()


def empty_the_database() -> None:
    """What a new server starts from: no projects, no people."""
    HistoryEntry.objects.all().delete()
    for model in (Review, Link, Tag, Paragraph, Document, Membership, Project):
        model._base_manager.all().delete()
    User.objects.all().delete()


def test_restoring_into_an_empty_database_gives_the_same_backup(rich_project, tmp_path):
    first = export("backups")
    data = json.loads(first)
    assert data["format"] == "claim-annotator-backup"
    assert data["version"] == 2
    assert len(data["documents"]) == 2
    assert any(row["deleted_at"] for row in data["tags"])
    assert any(row["deleted_at"] for row in data["reviews"])
    assert any(row["target_link"] for row in data["links"])
    assert None in {row["actor"] for row in data["history"]}

    empty_the_database()
    report = restore(tmp_path, first)

    assert "Restored project 'backups'" in report
    assert "with unusable passwords" in report
    assert "annotator-x, curator-x, olga, vera" in report
    assert not any(u.has_usable_password() for u in User.objects.all())
    assert export("backups") == first
    _assert_times_stamped_again()


def test_restored_project_keeps_the_database_state(rich_project, tmp_path):
    """Not only the file: what the app reads back (statuses, deleted rows, history) is alike."""
    before = _state_of(rich_project)
    first = export("backups")
    empty_the_database()
    restore(tmp_path, first)
    assert _state_of(Project.objects.get(slug="backups")) == before


def _state_of(project: Project) -> dict:
    from claims.selectors import with_review_counts

    tags = with_review_counts(Tag.all_objects.filter(document__project=project)).order_by("pk")
    return {
        "thresholds": (project.accept_after_agrees, project.reject_after_disagrees),
        "members": sorted(project.memberships.values_list("user__username", "role")),
        "documents": list(
            Document.all_objects.filter(project=project)
            .order_by("pk")
            .values_list("title", "deleted_at", "created_at")
        ),
        "tags": [(t.quote, t.status, t.deleted_at, t.version, t.updated_at) for t in tags],
        # In any order: a restore puts an undercut after the link it aims at.
        "links": sorted(
            Link.all_objects.filter(source__document__project=project).values_list(
                "relation", "group", "source__quote", "target_link__source__quote", "deleted_at"
            ),
            key=repr,
        ),
        "history": list(
            HistoryEntry.objects.filter(project=project)
            .order_by("pk")
            .values_list("entity", "action", "actor__username", "at", "comment")
        ),
    }


def test_restore_under_another_slug_beside_the_original(rich_project, tmp_path):
    first = export("backups")
    report = restore(tmp_path, first, "--slug", "backups-copy")
    assert "Restored project 'backups-copy'" in report
    assert "unusable" not in report  # everyone exists already
    copy = export("backups-copy").decode()
    assert copy == first.decode().replace('"slug": "backups"', '"slug": "backups-copy"')
    assert Project.objects.count() == 2


def test_a_taken_slug_is_refused_and_nothing_is_written(rich_project, tmp_path):
    counts = _counts()
    with pytest.raises(CommandError, match="slug 'backups' exists already"):
        restore(tmp_path, export("backups"))
    assert _counts() == counts


def test_a_version_1_backup_under_its_old_name_still_restores(rich_project, tmp_path):
    """Version 1 of the backup was called claim-annotator-project, like the API's export."""
    data = json.loads(export("backups"))
    data.update(format="claim-annotator-project", version=1)
    empty_the_database()
    assert "Restored project 'backups'" in restore(tmp_path, json.dumps(data).encode())
    restored = json.loads(export("backups"))
    assert (restored["format"], restored["version"]) == ("claim-annotator-backup", 2)
    assert restored["tags"] == data["tags"]


def test_progress_is_kept_and_a_file_from_before_it_restores_with_none(rich_project, tmp_path):
    data = json.loads(export("backups"))
    states = sorted((row["user"], row["state"]) for row in data["progress"])
    assert ("annotator-x", "done") in states
    restore(tmp_path, json.dumps(data).encode(), "--slug", "kept")
    kept = DocumentProgress.objects.filter(document__project__slug="kept")
    assert sorted(kept.values_list("user__username", "state")) == states
    del data["progress"]
    restore(tmp_path, json.dumps(data).encode(), "--slug", "older")
    assert not DocumentProgress.objects.filter(document__project__slug="older").exists()


def test_blind_is_kept_and_a_file_from_before_it_restores_with_blind_off(rich_project, tmp_path):
    Project.objects.filter(slug="backups").update(blind=True)
    data = json.loads(export("backups"))
    assert data["project"]["blind"] is True
    restore(tmp_path, json.dumps(data).encode(), "--slug", "kept")
    assert Project.objects.get(slug="kept").blind is True
    del data["project"]["blind"]
    restore(tmp_path, json.dumps(data).encode(), "--slug", "older")
    assert Project.objects.get(slug="older").blind is False


def test_a_project_export_is_not_taken_for_a_backup(rich_project, tmp_path, client_for):
    owner = rich_project.memberships.get(role="owner").user
    response = client_for(owner).get(f"/api/projects/{rich_project.pk}/export/?format=json")
    project_export = b"".join(response.streaming_content)
    assert json.loads(project_export)["format"] == "claim-annotator-project"
    with pytest.raises(CommandError, match=r"a project export .* not a backup"):
        restore(tmp_path, project_export, "--slug", "elsewhere")


def _counts() -> dict:
    return {
        m.__name__: m._base_manager.count()
        for m in (Project, Document, Tag, Link, Review, HistoryEntry, User)
    }


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(format="other"), "not a project backup"),
        (lambda d: d.update(version=3), "version 3"),
        (lambda d: d.update(version=1), "version 1"),
        (lambda d: d.update(format="claim-annotator-project"), "not a project backup"),
        (lambda d: d["tags"][0].update(paragraph=999), r"tags\[0\]\.paragraph: there is no"),
        (lambda d: d["links"][0].update(source=None), "links"),
        (lambda d: d["tags"][0].pop("quote"), r"tags\[0\]: missing quote"),
        (lambda d: d["documents"][0].update(created_at="yesterday"), "ISO 8601"),
        (lambda d: d["users"].append("<b>bold</b>"), "not a valid username"),
        (lambda d: d["members"][0].update(user="nobody"), "not in the file's users"),
        (lambda d: d.pop("history"), "history: expected a list"),
        (lambda d: d["tags"][1].update(id="one"), r"tags\[1\]\.id: expected a whole number"),
        (lambda d: d["links"][1].update(id=1), r"links\[1\]\.id: 1 appears twice"),
        (lambda d: d["reviews"][0].update(reviewer=["olga"]), "not in the file's users"),
        (lambda d: d["history"][0].update(object_id=999), r"history\[0\]\.object_id"),
    ],
)
def test_a_broken_file_is_refused_and_nothing_is_written(rich_project, tmp_path, change, message):
    data = json.loads(export("backups"))
    change(data)
    Project.objects.filter(slug="backups").update(slug="original")
    counts = _counts()
    with pytest.raises(CommandError, match=message):
        restore(tmp_path, json.dumps(data).encode())
    assert _counts() == counts
    _assert_times_stamped_again()


def _assert_times_stamped_again() -> None:
    """A restore turns Django's time stamping off while it inserts, and on again after."""
    for model in (Project, Membership, Document, Tag, Link, Review, HistoryEntry):
        for f in model._meta.concrete_fields:
            if f.name in {"created_at", "at"}:
                assert f.auto_now_add, (model, f.name)
            if f.name == "updated_at":
                assert f.auto_now, (model, f.name)


def test_a_file_that_is_not_json_is_refused(db, tmp_path):
    with pytest.raises(CommandError, match="not a JSON backup"):
        restore(tmp_path, b"\xff\xfe not json")


def test_notes_are_sanitised_again_on_the_way_in(rich_project, tmp_path):
    data = json.loads(export("backups"))
    data["tags"][0]["note"] = "<img src=x onerror=alert(1)>"
    data["reviews"][0]["comment"] = '<a href="javascript:alert(1)">x</a>'
    report = restore(tmp_path, json.dumps(data).encode(), "--slug", "tampered")
    assert "2 note(s) or comment(s)" in report
    notes = Tag.all_objects.filter(document__project__slug="tampered").values_list(
        "note", flat=True
    )
    assert "<img" not in "".join(notes)


def test_the_export_streams_a_progress_bar_to_stderr(rich_project, tmp_path, capsys):
    path = tmp_path / "out.json"
    call_command("export_project", "backups", str(path))
    captured = capsys.readouterr()
    assert "Wrote 'backups'" in captured.out
    assert "rows" in captured.err  # tqdm's bar
    assert path.read_bytes() == export("backups")
    # One row a line: the file diffs and streams well.
    assert len(path.read_text().splitlines()) > 20


def test_unknown_project_is_refused(db, tmp_path):
    with pytest.raises(CommandError, match="no project with the slug 'nope'"):
        call_command("export_project", "nope", str(tmp_path / "x.json"))


def test_every_field_of_every_model_is_kept_or_deliberately_left_out():
    """Fails when a model gains a field the backup does not know: decide where it goes."""
    kept = {
        Project: (*backup.PROJECT_FIELDS, *backup.PROJECT_LEFT_OUT),
        Membership: (*backup.MEMBER_FIELDS, "user"),
        Document: (*backup.DOCUMENT_FIELDS, *backup.DOCUMENT_REFS),
        Paragraph: (*backup.PARAGRAPH_FIELDS, *backup.PARAGRAPH_REFS),
        Tag: (*backup.TAG_FIELDS, *backup.TAG_REFS),
        Link: (*backup.LINK_FIELDS, *backup.LINK_REFS),
        Review: (*backup.REVIEW_FIELDS, *backup.REVIEW_REFS),
        HistoryEntry: (
            *backup.HISTORY_FIELDS,
            *backup.HISTORY_REFS,
            *backup.HISTORY_DERIVED,
            "object_id",
        ),
    }
    for model, fields in kept.items():
        names = {f.name for f in model._meta.concrete_fields if not isinstance(f, models.AutoField)}
        assert names - backup.NOT_KEPT == set(fields), model.__name__


def test_export_reads_in_a_bounded_number_of_queries(rich_project, django_assert_max_num_queries):
    """Rows stream in chunks; people are looked up once each, whatever the project's size."""
    with django_assert_max_num_queries(25):
        export("backups")


def test_export_outside_a_transaction_reads_one_snapshot(transactional_db, tmp_path):
    """The command's own transaction (repeatable read on PostgreSQL) gives the same file."""
    owner = UserFactory(username="solo")
    project = documents.project_create(actor=owner, name="Solo", slug="solo")
    doc = documents.document_create(actor=owner, project=project, title="T", paragraphs=["Text."])
    services.tag_create(actor=owner, paragraph=doc.paragraphs.get(), start=0, end=4, kind="claim")
    path = tmp_path / "solo.json"
    call_command("export_project", "solo", str(path), verbosity=0)
    assert json.loads(path.read_text())["tags"][0]["quote"] == "Text"
    empty_the_database()
    restore(tmp_path, path.read_bytes())
    assert export("solo") == path.read_bytes()
