"""Offsets are Unicode code points of the paragraph's text, stored exactly as imported."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claims.models import CONTEXT_CHARS, Tag
from tests.factories import DocumentFactory, ParagraphFactory

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"
FAMILY = "\U0001f469\u200d\U0001f469\u200d\U0001f467"  # woman, ZWJ, woman, ZWJ, girl: 5 points
FLAG = "\U0001f1ee\U0001f1f3"  # regional indicators I + N (astral plane)
GRINNING = "\U0001f600"
CAFE = "cafe\u0301"  # "café" with a combining acute accent, not the precomposed é
FRAKTUR = "\U0001d518\U0001d52b\U0001d526\U0001d52c\U0001d52b"  # "Union" in astral-plane letters
TEXT = (
    f"{GRINNING} Delhi {FLAG} and 北京 agreed: {FAMILY} families, 10{NBSP}km apart, "
    f"met at a {CAFE} in {FRAKTUR} Square."
)


def span(needle: str) -> tuple[int, int]:
    start = TEXT.index(needle)
    return start, start + len(needle)


@pytest.fixture
def paragraph(members, document):
    return ParagraphFactory(document=document, position=2, text=TEXT)


@pytest.fixture
def annotator(members, client_for):
    return client_for(members["annotator"])


def post_tag(client, paragraph, start, end, **extra):
    return client.post(
        "/api/tags/",
        {"paragraph": paragraph.pk, "start": start, "end": end, "kind": "claim", **extra},
        format="json",
    )


@pytest.mark.parametrize(
    "needle",
    [
        "北京",
        FAMILY,
        FLAG,
        GRINNING,
        f"10{NBSP}km",
        CAFE,
        FRAKTUR,
        f"{FAMILY} families, 10{NBSP}km",
        TEXT,
    ],
)
def test_tag_by_code_point_offsets_quotes_the_right_text(annotator, paragraph, needle):
    start, end = span(needle)
    response = post_tag(annotator, paragraph, start, end)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["quote"] == needle
    assert body["prefix"] == TEXT[max(0, start - CONTEXT_CHARS) : start]
    assert body["suffix"] == TEXT[end : end + CONTEXT_CHARS]
    assert Tag.objects.get(pk=body["id"]).quote == needle


def test_code_point_offsets_are_not_utf16_offsets(annotator, paragraph):
    # The grinning face is one code point but two UTF-16 units, so a client counting UTF-16
    # lands one character late; the quote it sends gives the mistake away.
    start, end = span("Delhi")
    utf16_start = len(TEXT[:start].encode("utf-16-le")) // 2
    assert utf16_start == start + 1
    response = post_tag(annotator, paragraph, utf16_start, utf16_start + 5, quote="Delhi")
    assert response.status_code == 400
    assert "'elhi '" in response.json()["quote"][0]
    assert Tag.objects.count() == 0
    assert post_tag(annotator, paragraph, start, end, quote="Delhi").status_code == 201


def test_a_span_may_split_a_grapheme_cluster(annotator, paragraph):
    # Code points are the unit: half a ZWJ family is a valid (if odd) span, kept exactly.
    start, _ = span(FAMILY)
    response = post_tag(annotator, paragraph, start, start + 2)
    assert response.status_code == 201
    assert response.json()["quote"] == "\U0001f469\u200d"


def test_offsets_past_the_code_point_length_are_refused(annotator, paragraph):
    too_far = len(TEXT.encode("utf-16-le")) // 2
    assert too_far > len(TEXT)
    response = post_tag(annotator, paragraph, 0, too_far)
    assert response.status_code == 400
    assert f"({len(TEXT)} characters)" in response.json()["end"][0]


def test_paragraph_text_is_stored_exactly(members, client_for, document):
    curator = client_for(members["curator"])
    paragraphs = [TEXT, f"  indented{NBSP}\tand trailing  ", "e\u0301 \ufeffBOM \u2028 line sep"]
    response = curator.post(
        "/api/documents/",
        {"project": document.project_id, "title": "Unicode", "paragraphs": paragraphs},
        format="json",
    )
    assert response.status_code == 201, response.content
    detail = curator.get(f"/api/documents/{response.json()['id']}/").json()
    assert [p["text"] for p in detail["paragraphs"]] == paragraphs


# --- Property: any text, any valid span --------------------------------------------------------

# Surrogates cannot be encoded and PostgreSQL refuses NUL; every other code point is fair game,
# with the awkward ones drawn more often.
characters = st.one_of(
    st.characters(exclude_categories=("Cs",), exclude_characters="\x00"),
    st.sampled_from([NBSP, "\u200d", "\u0301", "\r", "\n", "\ufeff", GRINNING, "中"]),
)


@st.composite
def text_and_span(draw) -> tuple[str, int, int]:
    text = draw(st.text(characters, min_size=1, max_size=120))
    start = draw(st.integers(min_value=0, max_value=len(text) - 1))
    end = draw(st.integers(min_value=start + 1, max_value=len(text)))
    return text, start, end


def test_any_text_and_span_round_trips(members, client_for, document):
    client = client_for(members["annotator"])
    project = document.project

    @settings(
        max_examples=60,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(example=text_and_span(), send_quote=st.booleans())
    def check(example: tuple[str, int, int], send_quote: bool) -> None:
        text, start, end = example
        paragraph = ParagraphFactory(document=DocumentFactory(project=project), text=text)
        extra = {"quote": text[start:end]} if send_quote else {}
        response = post_tag(client, paragraph, start, end, **extra)
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["quote"] == text[start:end]
        assert body["prefix"] == text[max(0, start - CONTEXT_CHARS) : start]
        assert body["suffix"] == text[end : end + CONTEXT_CHARS]
        stored = Tag.objects.get(pk=body["id"])
        assert (stored.quote, stored.prefix, stored.suffix) == (
            body["quote"],
            body["prefix"],
            body["suffix"],
        )
        assert stored.paragraph.text == text

    check()
