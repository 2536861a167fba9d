"""The live socket: who may open it, what it receives (every committed change, in order, as
the API represents it), presence, and the blind first pass."""

import asyncio

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.db import transaction
from rest_framework.test import APIClient

from annotator.models import Role
from claims import services
from claims.models import Tag
from claims.realtime.consumer import REFUSED
from claims.realtime.events import EVENT_TYPES
from tests.claims.realtime.sockets import (
    open_socket,
    receive,
    receive_change,
    receive_presence,
)
from tests.factories import DocumentFactory, MembershipFactory, ParagraphFactory

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]

LONG = "Cooperation between the two countries on internal security matters. " * 12


@pytest.fixture
def room(document, members) -> dict:
    """The document, its two paragraphs, a long third one, and one user per role."""
    long = ParagraphFactory(document=document, position=2, text=LONG)
    return {"document": document, "paragraph": long, **members}


def api_as(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@sync_to_async
def post(user, url: str, body: dict) -> dict:
    response = api_as(user).post(url, body, format="json")
    assert response.status_code in {200, 201}, response.content
    return response.json()


@sync_to_async
def get(user, url: str) -> dict:
    response = api_as(user).get(url)
    assert response.status_code == 200, response.content
    return response.json()


async def closed_with(socket) -> int:
    output = await socket.receive_output(timeout=3)
    assert output["type"] == "websocket.close", output
    return output["code"]


async def test_a_members_socket_gets_a_tag_created_through_the_api_as_get_shows_it(room):
    socket, connected = await open_socket(room["document"].pk, room["annotator"])
    assert connected
    assert await receive_presence(socket) == ["annotator"]
    body = {"paragraph": room["paragraph"].pk, "start": 0, "end": 11, "kind": "claim"}
    created = await post(room["curator"], "/api/tags/", {**body, "note": "<b>first</b>"})

    event = await receive_change(socket)

    assert set(event) == {"seq", "type", "id", "version", "actor", "data"}
    assert event["type"] == "tag.created"
    assert (event["id"], event["version"], event["actor"]) == (created["id"], 1, "curator")
    assert event["data"] == await get(room["annotator"], f"/api/tags/{created['id']}/")
    assert event["data"] == created
    assert isinstance(event["seq"], int)
    await socket.disconnect()


async def test_each_kind_of_change_has_its_type_and_the_next_seq(room):
    socket, _ = await open_socket(room["document"].pk, room["viewer"])
    owner, annotator, curator = room["owner"], room["annotator"], room["curator"]
    paragraph = room["paragraph"]

    @sync_to_async
    def write_everything() -> None:
        a = services.tag_create(actor=annotator, paragraph=paragraph, start=0, end=11, kind="claim")
        b = services.tag_create(actor=owner, paragraph=paragraph, start=3, end=20, kind="claim")
        c = services.tag_create(actor=owner, paragraph=paragraph, start=30, end=40, kind="evidence")
        services.tag_update(actor=annotator, tag=a, note="edited")
        link = services.link_create(actor=owner, source=c, target=b, relation="supports")
        services.link_update(actor=owner, link=link, note="why")
        review = services.review_submit(actor=annotator, tag=b, verdict="agree")
        services.review_update(actor=annotator, review=review, verdict="disagree")
        services.review_delete(actor=annotator, review=review)
        services.review_restore(actor=annotator, review=review)
        services.link_delete(actor=owner, link=link)
        services.link_restore(actor=owner, link=link)
        services.tag_decide(actor=curator, tag=c, status="accepted")
        services.tag_delete(actor=owner, tag=c)  # and its link with it
        services.tag_restore(actor=owner, tag=c)  # and its link with it
        services.tags_merge(actor=curator, tags=[a, b])

    await write_everything()
    events = []
    # (A receive that times out ends the application: ask whether anything is waiting.)
    while not await socket.receive_nothing(timeout=0.5):
        events.append(await receive_change(socket))
    types = [e["type"] for e in events]
    assert types == [
        "tag.created",
        "tag.created",
        "tag.created",
        "tag.updated",
        "link.created",
        "link.updated",
        "review.created",
        "review.updated",
        "review.deleted",
        "review.restored",
        "link.deleted",
        "link.restored",
        "tag.decided",
        "tag.deleted",
        "link.deleted",
        "tag.restored",
        "link.restored",
        "tag.merged",
        "link.updated",  # c's link to b now points at a
        "tag.merged",
    ]
    assert set(types) == set(EVENT_TYPES)
    seqs = [e["seq"] for e in events]
    assert seqs == list(range(seqs[0], seqs[0] + len(events)))
    deleted = events[types.index("tag.deleted")]
    # Read right after its write committed: the deleted tag, at the event's version.
    assert deleted["data"]["deleted_at"] is not None
    assert deleted["version"] == deleted["data"]["version"]
    merged_away = events[-1]
    assert merged_away["data"]["deleted_by"] == "curator"
    await socket.disconnect()


@pytest.mark.parametrize("who", ["viewer", "owner", "curator", "annotator"])
async def test_every_member_receives(room, who):
    socket, connected = await open_socket(room["document"].pk, room[who])
    assert connected
    await post(
        room["owner"],
        "/api/tags/",
        {"paragraph": room["paragraph"].pk, "start": 5, "end": 9, "kind": "opinion"},
    )
    assert (await receive_change(socket))["type"] == "tag.created"
    await socket.disconnect()


async def test_anonymous_and_outsiders_and_unknown_documents_are_refused(room):
    for user, document_id in [
        (None, room["document"].pk),
        (room["outsider"], room["document"].pk),
        (room["owner"], 10**9),
    ]:
        socket, connected = await open_socket(document_id, user)
        assert connected  # accepted only to say why, then closed: no retrying
        assert await closed_with(socket) == REFUSED
        await socket.wait()


async def test_another_sites_page_cannot_open_a_socket(room):
    _, connected = await open_socket(
        room["document"].pk, room["owner"], origin=b"https://evil.example"
    )
    assert not connected
    _, connected = await open_socket(room["document"].pk, room["owner"], origin=b"")
    assert not connected


async def test_the_socket_only_receives(room):
    socket, _ = await open_socket(room["document"].pk, room["owner"])
    await receive_presence(socket)
    await socket.send_to(text_data='{"type": "ping"}')
    assert await receive(socket) == {"type": "pong"}
    for text in ['{"type": "tag.create", "data": {}}', "not json", "[]"]:
        await socket.send_to(text_data=text)
        answer = await receive(socket)
        assert answer["type"] == "error"
        assert "REST API" in answer["message"]
    assert await sync_to_async(Tag.objects.count)() == 0
    await socket.disconnect()


async def test_a_rolled_back_write_publishes_nothing_and_gives_its_seq_back(room):
    socket, _ = await open_socket(room["document"].pk, room["curator"])
    await receive_presence(socket)
    paragraph, annotator = room["paragraph"], room["annotator"]

    @sync_to_async
    def fail_then_succeed() -> None:
        before = services.tag_create(
            actor=annotator, paragraph=paragraph, start=0, end=4, kind="claim"
        )

        def fail() -> None:
            with transaction.atomic():
                services.tag_update(actor=annotator, tag=before, note="never")
                services.tag_create(
                    actor=annotator, paragraph=paragraph, start=5, end=9, kind="claim"
                )
                raise RuntimeError("the request failed after the writes")

        with pytest.raises(RuntimeError):
            fail()
        services.tag_create(actor=annotator, paragraph=paragraph, start=10, end=14, kind="claim")

    await fail_then_succeed()
    first, second = await receive_change(socket), await receive_change(socket)
    assert (first["type"], second["type"]) == ("tag.created", "tag.created")
    assert second["seq"] == first["seq"] + 1
    assert (first["data"]["start"], second["data"]["start"]) == (0, 10)
    assert first["data"]["note"] == ""
    assert await socket.receive_nothing(timeout=0.3)
    await socket.disconnect()


async def test_presence_lists_who_has_the_document_open(room):
    a, _ = await open_socket(room["document"].pk, room["annotator"])
    assert await receive_presence(a) == ["annotator"]
    b, _ = await open_socket(room["document"].pk, room["viewer"])
    assert await receive_presence(a) == ["annotator", "viewer"]
    # The newcomer hears from everyone already there.
    users = await receive_presence(b)
    while users != ["annotator", "viewer"]:
        users = await receive_presence(b)
    # A second tab of the same person changes nothing.
    c, _ = await open_socket(room["document"].pk, room["viewer"])
    assert await a.receive_nothing(timeout=0.2)
    await c.disconnect()
    assert await a.receive_nothing(timeout=0.2)
    await b.disconnect()
    assert await receive_presence(a) == ["annotator"]
    await a.disconnect()


async def test_presence_is_per_document(room):
    other = await sync_to_async(DocumentFactory)(project=room["document"].project)
    a, _ = await open_socket(room["document"].pk, room["annotator"])
    await receive_presence(a)
    b, _ = await open_socket(other.pk, room["viewer"])
    assert await receive_presence(b) == ["viewer"]
    assert await a.receive_nothing(timeout=0.2)
    await a.disconnect()
    await b.disconnect()


async def test_a_blind_annotator_gets_only_changes_to_their_own_items_until_done(room):
    document = room["document"]

    @sync_to_async
    def setup():
        project = document.project
        project.blind = True
        project.save(update_fields=["blind"])
        ana = MembershipFactory(project=project, role=Role.ANNOTATOR, user__username="ana").user
        return ana

    ana, bob, paragraph = await setup(), room["annotator"], room["paragraph"]
    socket, _ = await open_socket(document.pk, ana)
    await receive_presence(socket)
    viewer, _ = await open_socket(document.pk, room["viewer"])
    await receive_presence(viewer)

    @sync_to_async
    def write(user, start: int) -> Tag:
        return services.tag_create(
            actor=user, paragraph=paragraph, start=start, end=start + 4, kind="claim"
        )

    bobs = await write(bob, 0)
    anas = await write(ana, 10)
    await sync_to_async(services.tag_decide)(actor=room["curator"], tag=anas, status="accepted")
    await sync_to_async(services.review_submit)(actor=bob, tag=anas, verdict="agree")
    await sync_to_async(services.review_submit)(actor=ana, tag=bobs, verdict="agree")

    received = [await receive_change(socket) for _ in range(3)]
    assert [(e["type"], e["id"]) for e in received[:2]] == [
        ("tag.created", anas.pk),
        ("tag.decided", anas.pk),  # a curator's change to her own tag
    ]
    assert received[2]["type"] == "review.created"
    assert received[2]["data"]["reviewer"] == "ana"
    assert await socket.receive_nothing(timeout=0.3)
    # The viewer sees all five.
    assert len([await receive_change(viewer) for _ in range(5)]) == 5

    # Marking the document done shows her everyone's changes from then on.
    await post(ana, f"/api/documents/{document.pk}/state/", {"state": "done"})
    await write(bob, 20)
    assert (await receive_change(socket))["actor"] == "annotator"
    await socket.disconnect()
    await viewer.disconnect()


async def test_a_burst_of_500_writes_arrives_complete_and_in_order(room):
    socket, _ = await open_socket(room["document"].pk, room["viewer"])
    await receive_presence(socket)
    paragraph, writer = room["paragraph"], room["annotator"]

    @sync_to_async
    def burst() -> None:
        for i in range(125):
            tag = services.tag_create(
                actor=writer, paragraph=paragraph, start=i, end=i + 5, kind="claim"
            )
            services.tag_update(actor=writer, tag=tag, note=f"note {i}")
            services.tag_delete(actor=writer, tag=tag)
            services.tag_restore(actor=writer, tag=tag)

    writing = asyncio.ensure_future(burst())
    events = [await receive_change(socket, timeout=60) for _ in range(500)]
    await writing
    assert await socket.receive_nothing(timeout=0.2)

    feed, url = [], f"/api/documents/{room['document'].pk}/changes/?limit=1000"
    while url:
        page = await get(room["viewer"], url)
        feed += page["results"]
        url = page["next"]
    assert len(feed) == 500
    keys = ("seq", "type", "id", "version", "actor")
    assert [[e[k] for k in keys] for e in events] == [[e[k] for k in keys] for e in feed]
    assert [e["seq"] for e in events] == list(range(1, 501))
    await socket.disconnect()


async def test_a_removed_member_is_closed_out_at_the_next_beat(room, monkeypatch):
    from annotator.models import Membership
    from claims.realtime import consumer

    monkeypatch.setattr(consumer, "PRESENCE_BEAT", 0.05)
    socket, _ = await open_socket(room["document"].pk, room["viewer"])
    await receive_presence(socket)
    await sync_to_async(Membership.objects.filter(user=room["viewer"]).delete)()
    assert await closed_with(socket) == REFUSED


async def test_a_socket_on_a_server_that_died_drops_out_of_presence(room, monkeypatch):
    from claims.realtime import consumer

    monkeypatch.setattr(consumer, "PRESENCE_BEAT", 0.05)
    monkeypatch.setattr(consumer, "PRESENCE_TTL", 0.3)
    socket, _ = await open_socket(room["document"].pk, room["viewer"])
    assert await receive_presence(socket) == ["viewer"]
    # A socket elsewhere says it is here once, and is never heard from again.
    ghost = {"type": "presence.here", "channel": "elsewhere!gone", "user": "ghost"}
    await get_channel_layer().group_send(f"document-{room['document'].pk}", ghost)
    assert await receive_presence(socket) == ["ghost", "viewer"]
    assert await receive_presence(socket) == ["viewer"]
    await socket.disconnect()
