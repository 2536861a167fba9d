"""Optimistic concurrency: versions, ETags, If-Match, 412, and a real race of two writers."""

import contextlib
import threading
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from rest_framework.test import APIClient

from claims import services
from claims.models import HistoryEntry, Link, Review, Tag
from claims.services import links, versioned
from tests.factories import LinkFactory, ReviewFactory, TagFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tag(document, members) -> Tag:
    return TagFactory(paragraph=document.paragraphs.get(position=0), author=members["annotator"])


@pytest.fixture
def annotator(members, client_for) -> APIClient:
    return client_for(members["annotator"])


def etag(entity: str, pk: int, version: int) -> str:
    return f'"{entity}-{pk}-v{version}"'


def stored(model, pk: int):
    return model.all_objects.get(pk=pk)


# --- ETags and versions ----------------------------------------------------------------------


def test_the_detail_carries_the_version_and_its_etag(annotator, tag):
    response = annotator.get(f"/api/tags/{tag.pk}/")
    assert response.json()["version"] == 1
    assert response["ETag"] == etag("tag", tag.pk, 1)


def test_lists_carry_versions_but_no_etag(annotator, tag):
    response = annotator.get("/api/tags/")
    assert [row["version"] for row in response.json()["results"]] == [1]
    assert not response.has_header("ETag")


def test_the_etag_changes_after_each_write(annotator, members, client_for, document):
    curator = client_for(members["curator"])
    paragraph = document.paragraphs.get(position=0)
    created = annotator.post(
        "/api/tags/",
        {"paragraph": paragraph.pk, "start": 0, "end": 11, "kind": "claim"},
        format="json",
    )
    pk = created.json()["id"]
    url = f"/api/tags/{pk}/"
    seen = [created["ETag"]]
    seen.append(annotator.patch(url, {"kind": "evidence"}, format="json")["ETag"])
    seen.append(curator.post(f"{url}decision/", {"status": "accepted"}, format="json")["ETag"])
    seen.append(annotator.delete(url, HTTP_IF_MATCH=seen[-1])["ETag"])
    seen.append(annotator.post(f"{url}restore/", HTTP_IF_MATCH=seen[-1])["ETag"])
    assert seen == [etag("tag", pk, version) for version in range(1, 6)]
    assert annotator.get(url)["ETag"] == seen[-1]
    assert stored(Tag, pk).version == 5


def test_links_and_reviews_have_etags_too(annotator, tag, members):
    link = LinkFactory(source=tag, author=members["annotator"])
    curators = TagFactory(paragraph=tag.paragraph, author=members["curator"], start=12, end=20)
    review = ReviewFactory(tag=curators, reviewer=members["annotator"])
    assert annotator.get(f"/api/links/{link.pk}/")["ETag"] == etag("link", link.pk, 1)
    response = annotator.patch(f"/api/reviews/{review.pk}/", {"verdict": "disagree"})
    assert response["ETag"] == etag("review", review.pk, 2)
    assert response.json()["version"] == 2


def test_cascades_and_merges_take_new_versions(annotator, tag, members, client_for):
    link = LinkFactory(source=tag, author=members["annotator"])
    annotator.delete(f"/api/tags/{tag.pk}/")
    assert stored(Link, link.pk).version == 2  # deleted with the tag
    annotator.post(f"/api/tags/{tag.pk}/restore/")
    assert (stored(Tag, tag.pk).version, stored(Link, link.pk).version) == (3, 3)
    twin = TagFactory(paragraph=tag.paragraph, author=members["curator"], start=5, end=11)
    merged = client_for(members["curator"]).post(
        "/api/tags/merge/", {"tags": [tag.pk, twin.pk]}, format="json"
    )
    assert merged.json()["version"] == 4
    assert stored(Tag, twin.pk).version == 2


# --- If-Match --------------------------------------------------------------------------------


def test_a_current_if_match_lets_the_change_through(annotator, tag):
    response = annotator.patch(
        f"/api/tags/{tag.pk}/",
        {"kind": "opinion"},
        format="json",
        HTTP_IF_MATCH=etag("tag", tag.pk, 1),
    )
    assert response.status_code == 200, response.content
    assert stored(Tag, tag.pk).kind == "opinion"


def test_without_if_match_the_change_applies_to_the_stored_version(annotator, tag):
    services.tag_update(actor=tag.author, tag=tag, note="changed meanwhile")
    response = annotator.patch(f"/api/tags/{tag.pk}/", {"kind": "opinion"}, format="json")
    assert response.status_code == 200, response.content
    assert (response.json()["version"], response.json()["note"]) == (3, "changed meanwhile")


@pytest.mark.parametrize(
    "header",
    [
        '"tag-{pk}-v1", "tag-{pk}-v2"',  # one of several
        "*",  # any version
    ],
)
def test_if_match_lists_and_the_wildcard(annotator, tag, header):
    services.tag_update(actor=tag.author, tag=tag, note="v2")
    response = annotator.patch(
        f"/api/tags/{tag.pk}/",
        {"kind": "opinion"},
        format="json",
        HTTP_IF_MATCH=header.format(pk=tag.pk),
    )
    assert response.status_code == 200, response.content
    tag.refresh_from_db()
    assert (tag.kind, tag.note, tag.version) == ("opinion", "v2", 3)
    assert response["ETag"] == f'"tag-{tag.pk}-v3"'


def _refused(response, entity: str, version: int) -> None:
    assert response.status_code == 412, response.content
    body = response.json()
    assert body["detail"] == (
        f"This {entity} was changed by someone else since you loaded it (now version {version}); "
        "reload it and apply your change again."
    )
    assert body["current_version"] == version


def _snapshot() -> tuple:
    """Everything a refused write could have touched."""
    rows = [
        list(model._base_manager.order_by("pk").values())
        for model in (Tag, Link, Review, HistoryEntry)
    ]
    return tuple(map(repr, rows))


def test_a_stale_patch_answers_412_and_changes_nothing(annotator, tag):
    annotator.patch(f"/api/tags/{tag.pk}/", {"note": "first"}, format="json")
    before = _snapshot()
    response = annotator.patch(
        f"/api/tags/{tag.pk}/",
        {"kind": "opinion"},
        format="json",
        HTTP_IF_MATCH=etag("tag", tag.pk, 1),
    )
    _refused(response, "tag", 2)
    assert _snapshot() == before


def test_a_stale_delete_answers_412_and_changes_nothing(annotator, tag, members):
    LinkFactory(source=tag, author=members["annotator"])
    services.tag_update(actor=tag.author, tag=tag, note="changed meanwhile")
    before = _snapshot()
    response = annotator.delete(f"/api/tags/{tag.pk}/", HTTP_IF_MATCH=etag("tag", tag.pk, 1))
    _refused(response, "tag", 2)
    assert _snapshot() == before


def test_a_stale_restore_answers_412_and_changes_nothing(annotator, tag):
    deleted = annotator.delete(f"/api/tags/{tag.pk}/")
    before = _snapshot()
    response = annotator.post(f"/api/tags/{tag.pk}/restore/", HTTP_IF_MATCH=etag("tag", tag.pk, 1))
    _refused(response, "tag", 2)
    assert _snapshot() == before
    assert (
        annotator.post(f"/api/tags/{tag.pk}/restore/", HTTP_IF_MATCH=deleted["ETag"]).status_code
        == 200
    )


def test_a_stale_decision_answers_412(members, client_for, tag):
    curator = client_for(members["curator"])
    services.tag_update(actor=tag.author, tag=tag, note="changed meanwhile")
    before = _snapshot()
    response = curator.post(
        f"/api/tags/{tag.pk}/decision/",
        {"status": "accepted"},
        format="json",
        HTTP_IF_MATCH=etag("tag", tag.pk, 1),
    )
    _refused(response, "tag", 2)
    assert _snapshot() == before


@pytest.mark.parametrize("entity", ["link", "review"])
def test_stale_link_and_review_writes_answer_412(annotator, tag, members, entity):
    if entity == "link":
        item = LinkFactory(source=tag, author=members["annotator"])
        change, update = {"note": "mine"}, {"note": "theirs"}
        services.link_update(actor=members["annotator"], link=item, **update)
    else:
        curators = TagFactory(paragraph=tag.paragraph, author=members["curator"], start=12, end=20)
        item = ReviewFactory(tag=curators, reviewer=members["annotator"])
        change, update = {"comment": "mine"}, {"comment": "theirs"}
        services.review_update(actor=members["annotator"], review=item, **update)
    before = _snapshot()
    url, stale = f"/api/{entity}s/{item.pk}/", etag(entity, item.pk, 1)
    _refused(annotator.patch(url, change, format="json", HTTP_IF_MATCH=stale), entity, 2)
    _refused(annotator.delete(url, HTTP_IF_MATCH=stale), entity, 2)
    assert _snapshot() == before


@pytest.mark.parametrize(
    "header",
    [
        'W/"tag-{pk}-v1"',  # a weak validator never matches a strong one
        '"link-{pk}-v1"',  # another kind of item
        '"tag-{other}-v1"',  # another tag
        "tag-{pk}-v1",  # unquoted
        "1",
    ],
)
def test_an_if_match_naming_no_version_of_the_item_answers_412(annotator, tag, header):
    other = TagFactory(paragraph=tag.paragraph, author=tag.author, start=12, end=20)
    before = _snapshot()
    response = annotator.patch(
        f"/api/tags/{tag.pk}/",
        {"kind": "opinion"},
        format="json",
        HTTP_IF_MATCH=header.format(pk=tag.pk, other=other.pk),
    )
    assert response.status_code == 412, response.content
    assert f'such as "tag-{tag.pk}-v1"' in response.json()["detail"]
    assert _snapshot() == before


def test_the_service_refuses_a_stale_version_without_writing(tag):
    services.tag_update(actor=tag.author, tag=tag, note="v2")
    stale = Tag.objects.get(pk=tag.pk)
    stale.version = 1  # as read before the change above
    with pytest.raises(services.StaleVersion) as refused:
        services.tag_update(actor=tag.author, tag=stale, kind="opinion", expected_version=1)
    assert refused.value.current == 2
    assert stored(Tag, tag.pk).kind == "claim"


# --- A real race -----------------------------------------------------------------------------


def race(monkeypatch, writers: list[Callable[[], object]]) -> list[object]:
    """Run the writers in threads that all read the item before any of them writes it.

    On PostgreSQL each thread waits after the service's version check (the item read, the
    early check passed) until every thread got there, so the conditional UPDATE is what
    decides. SQLite cannot race: a writing transaction begins IMMEDIATE (settings), taking the
    write lock before it reads, so writers run one after another, each reading what the one
    before it wrote; there the threads take turns.
    """
    if connection.vendor == "sqlite":
        return _take_turns(writers)
    barrier = threading.Barrier(len(writers), timeout=10)
    holding = threading.local()
    check = versioned.check_version

    def check_then_wait(obj, expected_version):
        check(obj, expected_version)
        if getattr(holding, "waited", False):  # the service checks again as it writes
            return
        holding.waited = True
        barrier.wait()

    monkeypatch.setattr(versioned, "check_version", check_then_wait)
    return _in_threads(writers, contextlib.nullcontext)


def _take_turns(writers: list[Callable[[], object]]) -> list[object]:
    # The in-memory test database answers a second writer "table is locked" at once instead
    # of letting it wait as a database file does, so the turns are taken here.
    turns = threading.Lock()
    return _in_threads(writers, lambda: turns)


def _in_threads(writers: list[Callable[[], object]], guard) -> list[object]:
    """Run each writer in a thread of its own (its own connection), inside ``guard()``."""
    results: list[object] = [None] * len(writers)

    def run(i: int) -> None:
        with guard():
            try:
                results[i] = writers[i]()
            finally:
                connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(writers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    return results


@pytest.mark.django_db(transaction=True)
def test_of_two_racing_writers_with_if_match_exactly_one_succeeds(members, document, monkeypatch):
    tag = TagFactory(paragraph=document.paragraphs.get(position=0), author=members["annotator"])
    url, loaded = f"/api/tags/{tag.pk}/", etag("tag", tag.pk, 1)

    def writer(kind: str) -> Callable[[], object]:
        def write():
            client = APIClient()
            client.force_authenticate(members["annotator"])
            return client.patch(url, {"kind": kind}, format="json", HTTP_IF_MATCH=loaded)

        return write

    responses = race(monkeypatch, [writer("evidence"), writer("opinion")])
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200, 412], [r.content for r in responses]
    winner = next(r for r in responses if r.status_code == 200)
    saved = stored(Tag, tag.pk)
    assert (saved.kind, saved.version) == (winner.json()["kind"], 2)
    assert HistoryEntry.objects.filter(entity="tag", object_id=tag.pk).count() == 1


@pytest.mark.django_db(transaction=True)
def test_racing_writers_without_if_match_never_lose_a_change_silently(
    members, document, monkeypatch
):
    tag = TagFactory(paragraph=document.paragraphs.get(position=0), author=members["annotator"])

    def writer(change: dict) -> Callable[[], object]:
        def write():
            client = APIClient()
            client.force_authenticate(members["annotator"])
            return client.patch(f"/api/tags/{tag.pk}/", change, format="json")

        return write

    responses = race(monkeypatch, [writer({"kind": "evidence"}), writer({"note": "why"})])
    saved = stored(Tag, tag.pk)
    if connection.vendor == "sqlite":
        # One after the other: the second applies its change to what the first wrote.
        assert [r.status_code for r in responses] == [200, 200], [r.content for r in responses]
        assert (saved.kind, saved.note, saved.version) == ("evidence", "why", 3)
        return
    assert sorted(r.status_code for r in responses) == [200, 409], [r.content for r in responses]
    loser = next(r for r in responses if r.status_code == 409)
    assert "changed by someone else at the same moment" in loser.json()["detail"]
    winner = next(r for r in responses if r.status_code == 200).json()
    assert (saved.kind, saved.note, saved.version) == (winner["kind"], winner["note"], 2)


# --- A link and the delete of its end --------------------------------------------------------


def _in_thread(work: Callable[[], object]) -> tuple[threading.Thread, list]:
    """Start ``work`` in a thread of its own (its own connection); its result or error lands
    in the returned list."""
    outcome: list = []

    def run() -> None:
        try:
            outcome.append(work())
        except Exception as exc:  # handed to the test to assert on
            outcome.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def _ends(document, members) -> tuple[Tag, Tag]:
    if connection.vendor == "sqlite":
        pytest.skip("SQLite runs one writing transaction at a time: these two cannot overlap")
    p0 = document.paragraphs.get(position=0)
    source = TagFactory(paragraph=p0, start=0, end=11, author=members["annotator"])
    target = TagFactory(paragraph=p0, start=12, end=20, author=members["curator"])
    return source, target


@pytest.mark.django_db(transaction=True)
def test_a_link_made_after_its_target_was_deleted_meanwhile_is_refused(
    members, document, monkeypatch
):
    """The request checked the target was live; it was deleted before the link was written."""
    source, target = _ends(document, members)
    lock_ends = links.lock_ends

    def delete_first(link):
        thread, outcome = _in_thread(
            lambda: services.tag_delete(actor=members["curator"], tag=stored(Tag, target.pk))
        )
        thread.join(timeout=20)
        assert outcome == [None], outcome
        return lock_ends(link)

    monkeypatch.setattr(links, "lock_ends", delete_first)
    with pytest.raises(ValidationError) as refused:
        services.link_create(
            actor=members["annotator"], source=source, target=target, relation="supports"
        )
    assert "was deleted while this link was being made" in str(refused.value)
    assert not Link.all_objects.exists()


@pytest.mark.django_db(transaction=True)
def test_deleting_the_target_of_a_link_being_made_waits_and_takes_the_link_along(
    members, document, monkeypatch
):
    """The link locked its ends first: the delete waits for it, then deletes it too."""
    source, target = _ends(document, members)
    lock_ends = links.lock_ends
    deleting: list = []

    def then_delete(link):
        gone = lock_ends(link)
        deleting.append(
            _in_thread(
                lambda: services.tag_delete(actor=members["curator"], tag=stored(Tag, target.pk))
            )
        )
        # On PostgreSQL the delete now waits for this transaction's lock on the target; on
        # SQLite it waits for the database's one writer. Either way it must not finish first.
        deleting[0][0].join(timeout=0.5)
        assert deleting[0][0].is_alive(), "the delete did not wait for the link"
        return gone

    monkeypatch.setattr(links, "lock_ends", then_delete)
    link = services.link_create(
        actor=members["annotator"], source=source, target=target, relation="supports"
    )
    thread, outcome = deleting[0]
    thread.join(timeout=20)
    assert outcome == [None], outcome
    assert stored(Tag, target.pk).deleted_at is not None
    assert stored(Link, link.pk).deleted_at == stored(Tag, target.pk).deleted_at


# --- Deleted the moment after it was written -------------------------------------------------


def test_a_review_whose_tag_is_deleted_right_after_it_was_saved_is_still_a_201(
    members, tag, client_for, monkeypatch
):
    submit = services.review_submit

    def then_tag_deleted(**kwargs):
        review = submit(**kwargs)
        services.tag_delete(actor=members["owner"], tag=stored(Tag, tag.pk))
        return review

    monkeypatch.setattr(services, "review_submit", then_tag_deleted)
    response = client_for(members["curator"]).post(
        "/api/reviews/", {"tag": tag.pk, "verdict": "agree"}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["verdict"] == "agree"
    assert Review.all_objects.filter(pk=response.json()["id"]).exists()


def test_a_tag_deleted_right_after_its_edit_answers_with_the_edit(
    members, tag, annotator, monkeypatch
):
    update = services.tag_update

    def then_deleted(**kwargs):
        updated = update(**kwargs)
        services.tag_delete(actor=members["owner"], tag=stored(Tag, tag.pk))
        return updated

    monkeypatch.setattr(services, "tag_update", then_deleted)
    ReviewFactory(tag=tag, reviewer=members["curator"], verdict="agree")
    response = annotator.patch(f"/api/tags/{tag.pk}/", {"kind": "evidence"}, format="json")
    assert response.status_code == 200, response.content
    assert (response.json()["kind"], response.json()["agree"]) == ("evidence", 1)
