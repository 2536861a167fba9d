"""A blind first pass: an annotator sees only their own work on a document until they mark it
done; owners, curators and viewers always see everyone's. Checked on every route that shows
tags, links or reviews."""

import json

import pytest

from annotator.models import DocumentProgress, ProgressState, Role
from tests.factories import (
    LinkFactory,
    MembershipFactory,
    ReviewFactory,
    TagFactory,
    UserFactory,
)

ALICE, BOB = "alice_blind", "bob_blind"


@pytest.fixture
def blind(document, client_for):
    """A blind project where alice and bob each tagged and linked; bob reviewed alice's tag."""
    project = document.project
    project.blind = True
    project.save()
    people = {
        name: MembershipFactory(project=project, role=role, user__username=name).user
        for name, role in [
            (ALICE, Role.ANNOTATOR),
            (BOB, Role.ANNOTATOR),
            ("owner_blind", Role.OWNER),
            ("curator_blind", Role.CURATOR),
            ("viewer_blind", Role.VIEWER),
        ]
    }
    paragraph = document.paragraphs.get(position=0)
    tags = {}
    for name in (ALICE, BOB):
        source = TagFactory(paragraph=paragraph, author=people[name], start=0, end=5)
        target = TagFactory(paragraph=paragraph, author=people[name], start=6, end=11)
        LinkFactory(source=source, target=target, author=people[name])
        tags[name] = source
    review = ReviewFactory(tag=tags[ALICE], reviewer=people[BOB], verdict="disagree")
    return {
        "document": document,
        "project": project,
        "people": people,
        "tags": tags,
        "review": review,
        "client": lambda name: client_for(people[name]),
    }


def _routes(w) -> list[str]:
    """Every route whose answer carries tags, links or reviews of the document."""
    d, p = w["document"].pk, w["project"].pk
    return [
        f"/api/tags/?document={d}",
        f"/api/links/?document={d}",
        f"/api/reviews/?document={d}",
        f"/api/tags/{w['tags'][ALICE].pk}/discussion/",
        f"/api/documents/{d}/map/",
        f"/api/documents/{d}/agreement/",
        f"/api/documents/{d}/disagreements/?settled=true",
        f"/api/documents/{d}/export/?format=json",
        f"/api/documents/{d}/export/?format=w3c",
        f"/api/projects/{p}/export/?format=json",
    ]


def _text(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return body.decode()


def test_an_annotator_sees_only_their_own_work_until_done(blind):
    alice = blind["client"](ALICE)
    for route in _routes(blind):
        response = alice.get(route)
        assert response.status_code == 200, route
        text = _text(response)
        assert BOB not in text, route
    # Their own work is all there.
    tags = alice.get(f"/api/tags/?document={blind['document'].pk}").json()["results"]
    assert {t["author"] for t in tags} == {ALICE}
    assert len(tags) == 2
    assert len(alice.get(f"/api/links/?document={blind['document'].pk}").json()["results"]) == 1
    # Someone else's tag is not found, as if it did not exist.
    assert alice.get(f"/api/tags/{blind['tags'][BOB].pk}/").status_code == 404
    assert alice.get(f"/api/reviews/{blind['review'].pk}/").status_code == 404


def test_done_shows_everyone_and_reopening_hides_them_again(blind):
    alice = blind["client"](ALICE)
    url = f"/api/documents/{blind['document'].pk}/state/"
    response = alice.post(url, {"state": "done"}, format="json")
    assert response.status_code == 200
    assert response.json()["blinded"] is False
    for route in _routes(blind):
        assert BOB in _text(alice.get(route)), route
    alice.post(url, {"state": "in_progress"}, format="json")
    for route in _routes(blind):
        assert BOB not in _text(alice.get(route)), route
    # Bob, still blind, never saw alice's work meanwhile.
    assert ALICE not in _text(
        blind["client"](BOB).get(f"/api/projects/{blind['project'].pk}/export/?format=json")
    )


@pytest.mark.parametrize("who", ["owner_blind", "curator_blind", "viewer_blind"])
def test_owners_curators_and_viewers_always_see_everyone(blind, who):
    client = blind["client"](who)
    for route in _routes(blind):
        assert BOB in _text(client.get(route)), route
    tags = client.get(f"/api/tags/?document={blind['document'].pk}").json()["results"]
    assert {t["author"] for t in tags} == {ALICE, BOB}


def test_without_blind_everyone_sees_everyone(blind):
    blind["project"].blind = False
    blind["project"].save()
    alice = blind["client"](ALICE)
    for route in _routes(blind):
        assert BOB in _text(alice.get(route)), route


def test_the_export_page_hides_others_work_too(blind, client):
    client.force_login(blind["people"][ALICE])
    d, p = blind["document"].pk, blind["project"].pk
    for query in (
        {"scope": "document", "document": d, "format": "json", "author": ""},
        {"scope": "project", "format": "json"},
    ):
        response = client.get(f"/projects/{p}/export/", query)
        assert response.status_code == 200
        text = _text(response)
        assert ALICE in text
        assert BOB not in text


def test_the_pages_hide_others_work_too(blind, client):
    client.force_login(blind["people"][ALICE])
    d = blind["document"].pk
    for url in [f"/documents/{d}/", f"/documents/{d}/map/", f"/documents/{d}/review/"]:
        html = client.get(url).content.decode()
        assert BOB not in html, url
    page = client.get(f"/documents/{d}/").content.decode()
    assert 'id="blind-notice"' in page
    DocumentProgress.objects.create(
        document=blind["document"], user=blind["people"][ALICE], state=ProgressState.DONE
    )
    page = client.get(f"/documents/{d}/").content.decode()
    assert BOB in page
    assert 'id="blind-notice"' not in page


def test_turning_blind_on_through_the_api_is_for_owners(blind):
    url = f"/api/projects/{blind['project'].pk}/"
    assert blind["client"](ALICE).patch(url, {"blind": False}, format="json").status_code == 403
    response = blind["client"]("owner_blind").patch(url, {"blind": False}, format="json")
    assert response.status_code == 200
    assert response.json()["blind"] is False


def test_progress_lists_each_annotator_with_state_and_counts(blind):
    DocumentProgress.objects.create(
        document=blind["document"], user=blind["people"][BOB], state=ProgressState.DONE
    )
    idle = MembershipFactory(project=blind["project"], role=Role.ANNOTATOR).user
    response = blind["client"]("owner_blind").get(
        f"/api/documents/{blind['document'].pk}/progress/"
    )
    assert response.status_code == 200
    rows = {row["user"]: row for row in response.json()["annotators"]}
    assert rows[ALICE] == {
        "user": ALICE,
        "state": "in_progress",
        "tags": 2,
        "links": 1,
        "reviews": 0,
    }
    assert rows[BOB] == {"user": BOB, "state": "done", "tags": 2, "links": 1, "reviews": 1}
    assert rows[idle.username]["state"] == "not_started"
    assert "outsider" not in rows


def test_a_first_tag_starts_the_document(document, client_for):
    person = MembershipFactory(project=document.project, role=Role.ANNOTATOR).user
    paragraph = document.paragraphs.get(position=0)
    response = client_for(person).post(
        "/api/tags/",
        {"paragraph": paragraph.pk, "start": 0, "end": 4, "kind": "claim"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert DocumentProgress.objects.get(document=document, user=person).state == "in_progress"
    # Done stays done when they tag again.
    DocumentProgress.objects.filter(document=document, user=person).update(state="done")
    client_for(person).post(
        "/api/tags/",
        {"paragraph": paragraph.pk, "start": 5, "end": 9, "kind": "claim"},
        format="json",
    )
    assert DocumentProgress.objects.get(document=document, user=person).state == "done"


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"state": "finished"}, 400, "is not a valid choice"),
        ({"state": "not_started"}, 400, "is not a valid choice"),
        ({}, 400, "This field is required"),
        ({"state": "done", "extra": 1}, 400, "extra"),
    ],
)
def test_bad_states_are_refused(blind, body, status, message):
    response = blind["client"](ALICE).post(
        f"/api/documents/{blind['document'].pk}/state/", body, format="json"
    )
    assert response.status_code == status
    assert message in json.dumps(response.json())


def test_who_may_set_a_state(blind, client_for):
    url = f"/api/documents/{blind['document'].pk}/state/"
    body = {"state": "done"}
    assert blind["client"]("viewer_blind").post(url, body, format="json").status_code == 403
    outsider = UserFactory()
    assert client_for(outsider).post(url, body, format="json").status_code == 404
    assert client_for(outsider).get(url.replace("state", "progress")).status_code == 404
    for who in ("owner_blind", "curator_blind", BOB):
        assert blind["client"](who).post(url, body, format="json").status_code == 200
