"""The server-rendered pages: who may open them and what they show."""

import pytest
from django.test import Client

from annotator.models import Role
from tests.clients import signed_in
from tests.factories import MembershipFactory, TagFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_are_sent_to_sign_in(document):
    for url in ["/", f"/documents/{document.pk}/"]:
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_sign_in_page_signs_in_and_wrong_password_says_so(user):
    client = Client()
    bad = client.post("/accounts/login/", {"username": user.username, "password": "nope"})
    assert bad.status_code == 200
    assert "did not match" in bad.content.decode()
    good = client.post("/accounts/login/", {"username": user.username, "password": "pw-for-tests"})
    assert good.status_code == 302


def test_home_lists_only_my_projects_with_tag_counts_per_kind(document, members):
    TagFactory(paragraph=document.paragraphs.first(), kind="claim")
    TagFactory(paragraph=document.paragraphs.first(), kind="evidence", end=5)
    other = MembershipFactory(role=Role.OWNER).project
    html = signed_in(members["viewer"]).get("/").content.decode()
    assert document.title in html
    assert other.name not in html
    assert '<td class="num">1</td>' in html


def test_non_member_gets_404_on_a_document_page(document, members):
    assert signed_in(members["outsider"]).get(f"/documents/{document.pk}/").status_code == 404
    assert signed_in(members["viewer"]).get("/documents/999999/").status_code == 404


def test_document_page_holds_exact_paragraph_text_and_live_tags(document, members):
    paragraph = document.paragraphs.first()
    paragraph.text = "A <b>bold</b> 😀 claim\u00a0here."
    paragraph.save()
    live = TagFactory(paragraph=paragraph, start=0, end=1)
    TagFactory(paragraph=paragraph, start=2, end=5, deleted_at="2026-01-01T00:00:00Z")
    response = signed_in(members["annotator"]).get(f"/documents/{document.pk}/")
    html = response.content.decode()
    assert "A &lt;b&gt;bold&lt;/b&gt; 😀 claim\u00a0here." in html
    tags = response.context["tags"]
    assert [t["id"] for t in tags] == [live.pk]
    assert response.context["config"]["canContribute"] is True
    assert response.context["config"]["canCurate"] is False


@pytest.mark.parametrize(
    ("role", "contribute", "curate"),
    [
        ("owner", True, True),
        ("curator", True, True),
        ("annotator", True, False),
        ("viewer", False, False),
    ],
)
def test_page_config_follows_the_role(document, role, contribute, curate):
    user = UserFactory()
    MembershipFactory(user=user, project=document.project, role=role)
    config = signed_in(user).get(f"/documents/{document.pk}/").context["config"]
    assert (config["canContribute"], config["canCurate"]) == (contribute, curate)


def test_document_page_query_count_does_not_grow_with_tags(
    document, members, django_assert_max_num_queries
):
    client = signed_in(members["annotator"])
    paragraph = document.paragraphs.first()
    for _ in range(3):
        TagFactory(paragraph=paragraph)
    with django_assert_max_num_queries(8):
        client.get(f"/documents/{document.pk}/")
    for _ in range(60):
        TagFactory(paragraph=paragraph)
    with django_assert_max_num_queries(8):
        client.get(f"/documents/{document.pk}/")


def test_pages_forbid_inline_script_with_a_content_security_policy(document, members):
    response = signed_in(members["viewer"]).get(f"/documents/{document.pk}/")
    policy = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    assert policy["script-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert "<script>" not in response.content.decode()


def test_the_page_names_its_socket_feed_and_the_seq_its_tags_are_at(document, members):
    from claims import services

    paragraph = document.paragraphs.get(position=0)
    for start in (0, 5):
        services.tag_create(
            actor=members["annotator"],
            paragraph=paragraph,
            start=start,
            end=start + 3,
            kind="claim",
        )
    config = signed_in(members["viewer"]).get(f"/documents/{document.pk}/").context["config"]
    assert config["live"] == {
        "seq": 2,
        "socket": f"/ws/documents/{document.pk}/",
        "changes": f"/api/documents/{document.pk}/changes/",
    }
