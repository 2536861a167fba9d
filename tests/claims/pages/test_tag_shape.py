"""The pages embed the tags exactly as the API gives them: one representation of a tag."""

import json
import re

import pytest
from django.test import Client

from tests.factories import ReviewFactory, TagFactory

pytestmark = pytest.mark.django_db


def embedded(html: str, element_id: str) -> list[dict]:
    found = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', html)
    assert found, element_id
    return json.loads(found[1])


@pytest.fixture
def decided_tag(document, members, client_for):
    paragraph = document.paragraphs.first()
    tag = TagFactory(paragraph=paragraph, start=0, end=4, author=members["annotator"])
    ReviewFactory(tag=tag, reviewer=members["curator"], verdict="agree")
    curator = client_for(members["curator"])
    response = curator.post(f"/api/tags/{tag.pk}/decision/", {"status": "accepted"}, format="json")
    assert response.status_code == 200, response.content
    return tag


def test_the_document_page_embeds_the_api_representation(decided_tag, document, members):
    client = Client()
    client.force_login(members["viewer"])
    page = embedded(client.get(f"/documents/{document.pk}/").content.decode(), "page-tags")
    api = client.get(f"/api/tags/{decided_tag.pk}/").json()
    assert page == [api]
    assert api["decided_by"] == members["curator"].username
    assert api["status"] == "accepted"


def test_the_review_page_embeds_the_same_with_the_users_own_review(decided_tag, document, members):
    client = Client()
    client.force_login(members["curator"])
    [row] = embedded(
        client.get(f"/documents/{document.pk}/review/").content.decode(), "review-tags"
    )
    mine = row.pop("mine")
    assert row == client.get(f"/api/tags/{decided_tag.pk}/").json()
    assert mine["verdict"] == "agree"
