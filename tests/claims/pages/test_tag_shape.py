"""The pages embed the tags exactly as the API gives them: one representation of a tag."""

import json
import re
import zoneinfo

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework import serializers

from claims.models import Tag
from claims.selectors import with_review_counts
from claims.serializers import TagSerializer
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


@pytest.fixture
def tags_in_every_state(document, members, decided_tag):
    """A decided span tag, a deleted one, an implicit statement and one with reviews."""
    paragraph = document.paragraphs.last()
    deleted = TagFactory(paragraph=paragraph, start=0, end=5, note="<em>x</em> 😀 数据")
    Tag.all_objects.filter(pk=deleted.pk).update(
        deleted_at=timezone.now(), deleted_by=members["curator"]
    )
    implicit = TagFactory(
        document=document,
        paragraph=None,
        start=None,
        end=None,
        quote="Unstated 🙂",
        prefix="",
        suffix="",
        kind="claim",
    )
    reviewed = TagFactory(paragraph=paragraph, start=6, end=9, author=members["curator"])
    ReviewFactory(tag=reviewed, reviewer=members["annotator"], verdict="disagree")
    return [decided_tag.pk, deleted.pk, implicit.pk, reviewed.pk]


@pytest.mark.parametrize("zone", ["UTC", "Asia/Kolkata", "America/St_Johns"])
def test_the_written_out_shape_is_what_the_declared_fields_give(tags_in_every_state, zone):
    with timezone.override(zoneinfo.ZoneInfo(zone)):
        tags = with_review_counts(Tag.all_objects.filter(pk__in=tags_in_every_state)).order_by("pk")
        serializer = TagSerializer()
        for tag in tags:
            # DRF's own path through the declared fields, which the written-out shape skips.
            declared = dict(serializers.ModelSerializer.to_representation(serializer, tag))
            assert serializer.to_representation(tag) == declared
        assert TagSerializer.rows(tags) == [serializer.to_representation(t) for t in tags]
        assert len(tags) == 4
