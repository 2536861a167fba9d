"""Reviewing and curating through the API: who may do what, the status rule, the discussion."""

import pytest

from claims.models import HistoryEntry, Review, Tag
from claims.selectors import with_review_counts
from tests.factories import MembershipFactory, ReviewFactory, TagFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def paragraph(document):
    return document.paragraphs.get(position=0)


@pytest.fixture
def reviewers(document) -> list:
    """Four more annotators of the project, to pile up verdicts."""
    return [
        MembershipFactory(project=document.project, role="annotator", user__username=f"r{i}").user
        for i in range(4)
    ]


@pytest.fixture
def tag(paragraph, members) -> Tag:
    return TagFactory(paragraph=paragraph, author=members["annotator"])


def status_of(tag: Tag) -> str:
    return with_review_counts(Tag.objects.filter(pk=tag.pk)).get().status


def verdicts(tag: Tag, reviewers: list, *given: str) -> None:
    for reviewer, verdict in zip(reviewers, given, strict=False):
        ReviewFactory(tag=tag, reviewer=reviewer, verdict=verdict)


# --- Who may review and decide --------------------------------------------------------------


def test_a_viewer_cannot_review(client_for, members, tag):
    response = client_for(members["viewer"]).post(
        "/api/reviews/", {"tag": tag.pk, "verdict": "agree"}, format="json"
    )
    assert response.status_code == 403
    assert "Viewers cannot" in response.json()["detail"]
    assert not Review.objects.exists()


@pytest.mark.parametrize("role", ["annotator", "curator", "owner"])
def test_contributors_review_other_peoples_tags(client_for, members, paragraph, role):
    someone_elses = TagFactory(paragraph=paragraph, author=members["viewer"])
    response = client_for(members[role]).post(
        "/api/reviews/",
        {"tag": someone_elses.pk, "verdict": "disagree", "comment": "Not a claim."},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["reviewer"] == role


def test_nobody_reviews_their_own_tag(client_for, members, tag):
    response = client_for(members["annotator"]).post(
        "/api/reviews/", {"tag": tag.pk, "verdict": "agree"}, format="json"
    )
    assert response.status_code == 400
    assert "your own tag" in str(response.json())


@pytest.mark.parametrize("status", ["accepted", "rejected", "pending"])
def test_an_annotator_cannot_decide_even_on_their_own_tag(client_for, members, tag, status):
    response = client_for(members["annotator"]).post(
        f"/api/tags/{tag.pk}/decision/", {"status": status}, format="json"
    )
    assert response.status_code == 403
    assert "curator or an owner" in response.json()["detail"]
    tag.refresh_from_db()
    assert tag.decision == ""


@pytest.mark.parametrize("role", ["curator", "owner"])
def test_curators_and_owners_accept_reject_and_reset(client_for, members, tag, role):
    client = client_for(members[role])
    url = f"/api/tags/{tag.pk}/decision/"
    accepted = client.post(
        url, {"status": "accepted", "comment": "Clearly a claim."}, format="json"
    )
    assert accepted.status_code == 200, accepted.content
    assert (accepted.json()["status"], accepted.json()["decision"]) == ("accepted", "accepted")
    rejected = client.post(url, {"status": "rejected"}, format="json")
    assert rejected.json()["status"] == "rejected"
    reset = client.post(url, {"status": "pending"}, format="json")
    assert (reset.json()["status"], reset.json()["decision"]) == ("pending", "")
    entries = HistoryEntry.objects.filter(entity="tag", object_id=tag.pk, action="decide")
    assert [(e.actor.username, e.after["decision"], e.comment) for e in entries] == [
        (role, "accepted", "Clearly a claim."),
        (role, "rejected", ""),
        (role, "", ""),
    ]


def test_an_unknown_decision_is_refused_by_name(client_for, members, tag):
    response = client_for(members["curator"]).post(
        f"/api/tags/{tag.pk}/decision/", {"status": "gold"}, format="json"
    )
    assert response.status_code == 400
    assert "status" in response.json()


# --- The status rule --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ((), "pending"),
        (("agree",), "pending"),
        (("agree", "agree"), "accepted"),
        (("agree", "agree", "agree"), "accepted"),
        (("agree", "disagree"), "disputed"),
        (("agree", "agree", "agree", "disagree"), "disputed"),
        (("disagree",), "pending"),
        (("disagree", "disagree"), "rejected"),
    ],
)
def test_default_rule_two_agrees_accept_two_disagrees_reject(tag, reviewers, given, expected):
    verdicts(tag, reviewers, *given)
    assert status_of(tag) == expected


@pytest.mark.parametrize(
    ("accept", "reject", "given", "expected"),
    [
        (0, 2, ("agree",) * 4, "pending"),  # 0 switches the accept rule off
        (2, 0, ("disagree",) * 4, "pending"),  # ...and the reject rule
        (1, 2, ("agree",), "accepted"),
        (3, 2, ("agree", "agree"), "pending"),
        (3, 2, ("agree", "agree", "agree"), "accepted"),
        (2, 1, ("disagree",), "rejected"),
        (0, 0, ("agree", "disagree"), "disputed"),
    ],
)
def test_project_thresholds(document, tag, reviewers, accept, reject, given, expected):
    project = document.project
    project.accept_after_agrees, project.reject_after_disagrees = accept, reject
    project.save()
    verdicts(tag, reviewers, *given)
    assert status_of(tag) == expected


@pytest.mark.parametrize(
    ("given", "decision", "after_reset"),
    [
        (("agree", "agree"), "rejected", "accepted"),
        (("agree", "disagree"), "accepted", "disputed"),
        (("disagree", "disagree"), "accepted", "rejected"),
        ((), "rejected", "pending"),
    ],
)
def test_a_decision_overrides_the_reviews(
    client_for, members, tag, reviewers, given, decision, after_reset
):
    verdicts(tag, reviewers, *given)
    client = client_for(members["curator"])
    url = f"/api/tags/{tag.pk}/decision/"
    assert client.post(url, {"status": decision}, format="json").json()["status"] == decision
    assert status_of(tag) == decision
    # A review after the decision changes nothing until the decision is withdrawn.
    ReviewFactory(
        tag=tag, reviewer=reviewers[3], verdict="agree" if decision == "rejected" else "disagree"
    )
    assert status_of(tag) == decision
    Review.objects.filter(reviewer=reviewers[3]).delete()
    reset = client.post(url, {"status": "pending"}, format="json").json()
    assert reset["status"] == status_of(tag) == after_reset


def test_deleted_reviews_do_not_count(tag, reviewers):
    verdicts(tag, reviewers, "agree", "agree")
    Review.objects.filter(reviewer=reviewers[0]).update(deleted_at="2026-01-01T00:00:00Z")
    assert status_of(tag) == "pending"


def test_the_tags_list_filters_by_status(client_for, members, paragraph, reviewers):
    accepted = TagFactory(paragraph=paragraph, author=members["annotator"], start=0, end=5)
    disputed = TagFactory(paragraph=paragraph, author=members["annotator"], start=6, end=9)
    pending = TagFactory(paragraph=paragraph, author=members["annotator"], start=10, end=14)
    verdicts(accepted, reviewers, "agree", "agree")
    verdicts(disputed, reviewers, "agree", "disagree")
    client = client_for(members["viewer"])

    def ids(status: str) -> list[int]:
        return [t["id"] for t in client.get(f"/api/tags/?status={status}").json()["results"]]

    assert ids("accepted") == [accepted.pk]
    assert ids("disputed") == [disputed.pk]
    assert ids("pending") == [pending.pk]
    assert ids("rejected") == []
    assert client.get("/api/tags/?status=gold").status_code == 400


# --- The project's thresholds through the API ----------------------------------------------


def test_owner_changes_the_thresholds_and_the_status_follows(client_for, members, tag, reviewers):
    verdicts(tag, reviewers, "agree")
    assert status_of(tag) == "pending"
    url = f"/api/projects/{tag.document.project_id}/"
    response = client_for(members["owner"]).patch(url, {"accept_after_agrees": 1}, format="json")
    assert response.status_code == 200, response.content
    assert (response.json()["accept_after_agrees"], response.json()["reject_after_disagrees"]) == (
        1,
        2,
    )
    assert status_of(tag) == "accepted"
    listed = client_for(members["viewer"]).get(f"/api/tags/{tag.pk}/").json()
    assert listed["status"] == "accepted"


@pytest.mark.parametrize("role", ["curator", "annotator", "viewer"])
def test_only_owners_change_the_thresholds(client_for, members, document, role):
    url = f"/api/projects/{document.project_id}/"
    response = client_for(members[role]).patch(url, {"accept_after_agrees": 5}, format="json")
    assert response.status_code == 403
    document.project.refresh_from_db()
    assert document.project.accept_after_agrees == 2


@pytest.mark.parametrize("value", [-1, 51, "many", None])
@pytest.mark.parametrize("field", ["accept_after_agrees", "reject_after_disagrees"])
def test_thresholds_are_0_to_50(client_for, members, document, field, value):
    url = f"/api/projects/{document.project_id}/"
    response = client_for(members["owner"]).patch(url, {field: value}, format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_a_new_project_takes_thresholds_or_the_defaults(client_for, user):
    client = client_for(user)
    given = client.post(
        "/api/projects/", {"name": "Strict", "accept_after_agrees": 50}, format="json"
    ).json()
    assert (given["accept_after_agrees"], given["reject_after_disagrees"]) == (50, 2)
    default = client.post("/api/projects/", {"name": "Default"}, format="json").json()
    assert (default["accept_after_agrees"], default["reject_after_disagrees"]) == (2, 2)


# --- Discussion -------------------------------------------------------------------------------


def test_discussion_lists_comments_and_decisions_in_order(client_for, members, tag, reviewers):
    for reviewer, verdict, comment in [
        (reviewers[2], "disagree", "This is evidence."),
        (reviewers[0], "agree", "Yes."),
        (reviewers[1], "agree", ""),
    ]:
        client_for(reviewer).post(
            "/api/reviews/", {"tag": tag.pk, "verdict": verdict, "comment": comment}, format="json"
        )
    curator = client_for(members["curator"])
    curator.post(f"/api/tags/{tag.pk}/decision/", {"status": "rejected"}, format="json")
    curator.post(
        f"/api/tags/{tag.pk}/decision/", {"status": "accepted", "comment": "Claim."}, format="json"
    )
    # A withdrawn review leaves the discussion.
    Review.objects.filter(reviewer=reviewers[1]).update(deleted_at="2026-01-01T00:00:00Z")

    response = client_for(members["viewer"]).get(f"/api/tags/{tag.pk}/discussion/")
    assert response.status_code == 200
    body = response.json()
    assert (body["tag"], body["status"], body["agree"], body["disagree"]) == (
        tag.pk,
        "accepted",
        1,
        1,
    )
    assert [(r["reviewer"], r["verdict"], r["comment"]) for r in body["reviews"]] == [
        ("r2", "disagree", "This is evidence."),
        ("r0", "agree", "Yes."),
    ]
    assert [(d["actor"], d["action"], d["status"], d["comment"]) for d in body["decisions"]] == [
        ("curator", "decide", "rejected", ""),
        ("curator", "decide", "accepted", "Claim."),
    ]
    assert all(r["created_at"] for r in body["reviews"])
    assert all(d["at"] for d in body["decisions"])


def test_discussion_comments_are_sanitised(client_for, members, tag, reviewers):
    client_for(reviewers[0]).post(
        "/api/reviews/",
        {"tag": tag.pk, "verdict": "agree", "comment": "<script>x()</script><em>ok</em>"},
        format="json",
    )
    body = client_for(members["viewer"]).get(f"/api/tags/{tag.pk}/discussion/").json()
    assert "<script>" not in body["reviews"][0]["comment"]
    assert "<em>ok</em>" in body["reviews"][0]["comment"]


def test_discussion_is_for_members_only(client_for, members, api_client, tag):
    url = f"/api/tags/{tag.pk}/discussion/"
    assert client_for(members["outsider"]).get(url).status_code == 404
    assert api_client.get(url).status_code == 401
    assert client_for(members["viewer"]).get("/api/tags/999999/discussion/").status_code == 404
