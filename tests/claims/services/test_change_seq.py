"""Each document's changes are numbered 1, 2, 3... in the order their writes committed: the
migration numbers the history already kept, and concurrent writers on PostgreSQL neither share
a number, nor leave a gap, nor deadlock over the counter."""

import contextlib
import threading
import time
from collections.abc import Callable

import pytest
from django.conf import settings
from django.db import connection, connections
from django.db.migrations.executor import MigrationExecutor

from annotator.models import Role
from claims import services
from claims.models import ChangeCounter, HistoryEntry
from claims.selectors import document_seq
from claims.services import versioned
from tests.factories import DocumentFactory, MembershipFactory, ParagraphFactory

POSTGRES = "postgresql" in settings.DATABASES["default"]["ENGINE"]
LONG = "Cooperation between the two countries on internal security matters. " * 4


@pytest.mark.django_db(transaction=True)
def test_the_migration_numbers_the_history_already_kept():
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    before = [node for node in leaves if node[0] != "claims"] + [("claims", "0002_version")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    try:
        User = old.get_model("auth", "User")
        Project = old.get_model("annotator", "Project")
        Document = old.get_model("annotator", "Document")
        Paragraph = old.get_model("annotator", "Paragraph")
        Tag, Link, Review, HistoryEntryThen = (
            old.get_model("claims", name) for name in ("Tag", "Link", "Review", "HistoryEntry")
        )
        ana, bob = User.objects.create(username="ana"), User.objects.create(username="bob")
        project = Project.objects.create(name="P", slug="p")
        docs = [Document.objects.create(project=project, title=f"D{n}") for n in range(2)]
        paragraphs = [Paragraph.objects.create(document=d, position=0, text=LONG) for d in docs]

        def tag(doc: int, start: int, author):
            return Tag.objects.create(
                document=docs[doc],
                paragraph=paragraphs[doc],
                start=start,
                end=start + 4,
                quote=LONG[start : start + 4],
                kind="claim",
                author=author,
            )

        t1, t2, t3 = tag(0, 0, ana), tag(0, 5, bob), tag(1, 0, ana)
        link = Link.objects.create(source=t2, target=t1, relation="supports", author=bob)
        review = Review.objects.create(tag=t1, reviewer=bob, verdict="agree")

        def entry(entity: str, obj, action: str = "create"):
            return HistoryEntryThen.objects.create(
                project=project, entity=entity, object_id=obj.pk, action=action, actor=ana
            )

        entries = [
            entry("tag", t1),
            entry("tag", t3),
            entry("tag", t2),
            entry("link", link),
            entry("review", review),
            entry("tag", t1, "update"),
            HistoryEntryThen.objects.create(
                project=project, entity="tag", object_id=10**9, action="create"
            ),
        ]
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())

    got = {
        e.pk: (e.document_id, e.seq, e.item_author_id)
        for e in HistoryEntry.objects.filter(pk__in=[e.pk for e in entries])
    }
    d0, d1 = docs[0].pk, docs[1].pk
    assert [got[e.pk] for e in entries] == [
        (d0, 1, ana.pk),
        (d1, 1, ana.pk),
        (d0, 2, bob.pk),
        (d0, 3, bob.pk),
        (d0, 4, bob.pk),  # a review belongs to its reviewer
        (d0, 5, ana.pk),
        (None, None, None),  # its tag is gone: in no feed
    ]
    assert (document_seq(d0), document_seq(d1)) == (5, 1)


@pytest.mark.django_db
def test_a_change_outside_a_recorded_write_is_numbered_too(document, members):
    paragraph = document.paragraphs.get(position=0)
    tag = services.tag_create(
        actor=members["owner"], paragraph=paragraph, start=0, end=4, kind="claim"
    )
    services.versioned.record_history(tag, action="update", actor=members["owner"], before={})
    assert list(HistoryEntry.objects.values_list("seq", flat=True).order_by("seq")) == [1, 2]
    assert ChangeCounter.objects.get(pk=document.pk).last_seq == 2


# --- Concurrent writers (PostgreSQL: SQLite runs one writer at a time) ------------------------

pg_only = pytest.mark.skipif(not POSTGRES, reason="concurrent writers need PostgreSQL")


def run_together(
    jobs: list[Callable[[], None]], names: list[str] | None = None
) -> list[BaseException]:
    """Run each job in its own thread (and connection), started at once; return the errors."""
    barrier = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def run(job: Callable[[], None]) -> None:
        try:
            barrier.wait()
            job()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=(job,), name=None if names is None else names[i])
        for i, job in enumerate(jobs)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


@pg_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_take_every_number_once_in_commit_order():
    document = DocumentFactory()
    paragraph = ParagraphFactory(document=document, position=0, text=LONG)
    writers = [
        MembershipFactory(project=document.project, role=Role.ANNOTATOR).user for _ in range(6)
    ]

    def write(n: int) -> Callable[[], None]:
        def job() -> None:
            for i in range(8):
                start = n * 20 + i * 2
                tag = services.tag_create(
                    actor=writers[n], paragraph=paragraph, start=start, end=start + 1, kind="claim"
                )
                services.tag_update(actor=writers[n], tag=tag, note=f"{n}-{i}")

        return job

    assert run_together([write(n) for n in range(6)]) == []
    rows = list(HistoryEntry.objects.filter(document=document).order_by("pk"))
    # Every number once, no gap; and the entries were stored in their numbers' order.
    assert [e.seq for e in rows] == list(range(1, 6 * 8 * 2 + 1))
    assert document_seq(document.pk) == 96


@pg_only
@pytest.mark.django_db(transaction=True)
def test_deleting_a_tag_while_its_links_are_edited_does_not_deadlock():
    """A tag's delete locks its links after the tag; a link edit locks the link. Whoever takes
    the counter has all its rows already, so the two take turns instead of deadlocking."""
    document = DocumentFactory()
    paragraph = ParagraphFactory(document=document, position=0, text=LONG)
    owner = MembershipFactory(project=document.project, role=Role.OWNER).user
    for round_ in range(5):
        hub = services.tag_create(
            actor=owner, paragraph=paragraph, start=round_, end=round_ + 1, kind="claim"
        )
        links = [
            services.link_create(
                actor=owner,
                source=services.tag_create(
                    actor=owner,
                    paragraph=paragraph,
                    start=40 + round_ * 10 + i,
                    end=41 + round_ * 10 + i,
                    kind="evidence",
                ),
                target=hub,
                relation="supports",
            )
            for i in range(4)
        ]

        def delete(hub=hub) -> None:
            services.tag_delete(actor=owner, tag=hub)

        def edit(link) -> Callable[[], None]:
            def job() -> None:
                # The delete went first: a conflict, as before the counter.
                with contextlib.suppress(services.Conflict):
                    services.link_update(actor=owner, link=link, note="edited meanwhile")

            return job

        errors = run_together([delete, *(edit(link) for link in links)])
        assert errors == [] or all(isinstance(e, services.Conflict) for e in errors), errors
    seqs = list(HistoryEntry.objects.filter(document=document).values_list("seq", flat=True))
    assert sorted(seqs) == list(range(1, len(seqs) + 1))


@pg_only
@pytest.mark.django_db(transaction=True)
def test_a_writes_deferred_foreign_key_checks_come_before_the_counter(monkeypatch):
    """PostgreSQL checks foreign keys at COMMIT, locking the rows they point at. A review edit
    holding the counter must not then wait for its tag, locked by a new link's write that waits
    for the counter: the checks run before the counter is taken."""
    document = DocumentFactory()
    paragraph = ParagraphFactory(document=document, position=0, text=LONG)
    owner = MembershipFactory(project=document.project, role=Role.OWNER).user
    author = MembershipFactory(project=document.project, role=Role.ANNOTATOR).user
    tag = services.tag_create(actor=author, paragraph=paragraph, start=0, end=4, kind="claim")
    review = services.review_submit(actor=owner, tag=tag, verdict="agree")
    holding = threading.Event()
    take = versioned.take_seqs

    def take_slowly(document_id: int, count: int) -> int:
        last = take(document_id, count)
        if threading.current_thread().name == "review":
            holding.set()
            time.sleep(1.5)  # the link's write locks the tag meanwhile
        return last

    monkeypatch.setattr(versioned, "take_seqs", take_slowly)

    def edit_review() -> None:
        services.review_update(actor=owner, review=review, comment="meanwhile")

    def link_to_tag() -> None:
        holding.wait(10)
        # Locks both tags (FOR UPDATE, see links.lock_ends), then waits for the counter.
        services.link_create(actor=author, source=other, target=tag, relation="supports")

    other = services.tag_create(actor=author, paragraph=paragraph, start=5, end=9, kind="claim")
    errors = run_together([edit_review, link_to_tag], names=["review", "link"])
    assert errors == []
    assert HistoryEntry.objects.filter(document=document).count() == 5
