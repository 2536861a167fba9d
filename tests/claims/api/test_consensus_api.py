"""?consensus=k on the map API and every map export: what at least k annotators agree on."""

import pytest

from tests.factories import (
    DocumentFactory,
    LinkFactory,
    MembershipFactory,
    ParagraphFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db

TEXT = "Sanctions work. They cut revenue by a third last year, the ministry says."


@pytest.fixture
def world(client_for) -> dict:
    """alice and bob agree on a claim and the evidence for it (bounds a word apart); only
    bob tagged "the ministry says" as an opinion."""
    document = DocumentFactory()
    paragraph = ParagraphFactory(document=document, position=0, text=TEXT)
    people = {
        name: MembershipFactory(
            project=document.project, role="annotator", user__username=name
        ).user
        for name in ("alice", "bob")
    }

    def tag(who, start, end, kind="claim"):
        return TagFactory(paragraph=paragraph, author=people[who], start=start, end=end, kind=kind)

    a_claim, b_claim = tag("alice", 0, 15), tag("bob", 0, 9)
    a_ev, b_ev = tag("alice", 16, 53, "evidence"), tag("bob", 16, 43, "evidence")
    tag("bob", 55, 72, "opinion")
    LinkFactory(source=a_ev, target=a_claim, author=people["alice"])
    LinkFactory(source=b_ev, target=b_claim, author=people["bob"])
    return {"document": document, "client": client_for(people["alice"]), "claim": a_claim}


def test_the_map_api_keeps_what_two_agree_on(world):
    url = f"/api/documents/{world['document'].pk}/map/"
    everyone = world["client"].get(url).json()
    assert len(everyone["nodes"]) == 5
    both = world["client"].get(f"{url}?consensus=2").json()
    assert sorted(n["text"] for n in both["nodes"]) == [
        "Sanctions",
        "They cut revenue by a third",
    ]
    [edge] = both["edges"]
    assert edge["relation"] == "supports"
    one = world["client"].get(f"{url}?consensus=1").json()
    assert sorted(n["text"] for n in one["nodes"]) == [
        "Sanctions work.",
        "They cut revenue by a third last year",
        "the ministry says",
    ]


@pytest.mark.parametrize("value", ["0", "-1", "two", "1.5"])
def test_a_bad_k_is_a_400_naming_it(world, value):
    url = f"/api/documents/{world['document'].pk}/map/?consensus={value}"
    response = world["client"].get(url)
    assert response.status_code == 400
    assert "consensus" in response.json()


@pytest.mark.parametrize("fmt", ["aif", "argdown", "graphml", "dot", "svg"])
def test_every_map_export_takes_consensus(world, fmt):
    url = f"/api/documents/{world['document'].pk}/export/?format={fmt}&consensus=2"
    response = world["client"].get(url)
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    assert "They cut revenue by a third" in body
    assert "the ministry says" not in body
    assert "last year" not in body
    assert "consensus-2" in response["Content-Disposition"]
    everyone = b"".join(
        world["client"].get(url.replace("&consensus=2", "")).streaming_content
    ).decode()
    assert "the ministry says" in everyone
