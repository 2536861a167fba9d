"""The kind registry is the one place a kind is defined: a kind added there shows everywhere."""

import json
import re
from pathlib import Path

import pytest

from claims import kinds
from claims.argmap.svg import style
from claims.interchange.exporters.dot_export import _kind_style
from claims.kinds import Kind
from tests.clients import signed_in
from tests.factories import TagFactory

pytestmark = pytest.mark.django_db

REPO = Path(__file__).resolve().parents[3]

QUESTION = Kind(
    value="question",
    label="Open question",
    short="Question",
    plural="questions",
    symbol="?",
    key="q",
    colour="#009e73",
    text_colour="#006b4f",
    tint="rgba(0, 158, 115, 0.15)",
    line="dashed",
    dot_shape="hexagon",
    dot_style="dashed",
)


@pytest.fixture
def with_question(monkeypatch) -> None:
    """The registry with one more kind, and nothing else changed (the migration aside)."""
    monkeypatch.setattr(kinds, "KINDS", (*kinds.KINDS, QUESTION))


def page_config(html: str, element_id: str) -> dict:
    found = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', html)
    assert found, element_id
    return json.loads(found[1])


def test_a_new_kind_shows_on_the_document_page(with_question, document, members):
    html = signed_in(members["annotator"]).get(f"/documents/{document.pk}/").content.decode()
    legend = re.search(r'<ul class="legend".*?</ul>', html, re.S)[0]
    assert 'class="swatch k-question"' in legend
    assert 'data-count="question"' in legend
    assert "Question" in legend
    assert (
        '<button type="button" data-kind="question" class="kind-button k-question" '
        'aria-keyshortcuts="q"><u>Q</u>uestion</button>' in html
    )
    assert '<input type="checkbox" name="kind" value="question" checked> Open question' in html
    assert '<option value="question">Open question</option>' in html
    assert "press c, e, o or q." in html
    config = page_config(html, "page-config")
    assert config["kinds"][-1] == {
        "value": "question",
        "label": "Open question",
        "short": "Question",
        "plural": "questions",
        "symbol": "?",
        "key": "q",
    }


def test_a_new_kind_shows_on_the_review_page_map_and_home(with_question, document, members):
    client = signed_in(members["annotator"])
    review = client.get(f"/documents/{document.pk}/review/").content.decode()
    assert page_config(review, "review-config")["kinds"][-1]["value"] == "question"
    map_page = client.get(f"/documents/{document.pk}/map/").content.decode()
    assert 'class="s-question"/></svg> Question (dashed border)' in map_page
    home = client.get("/").content.decode()
    assert '<th scope="col">Questions</th>' in home


def test_a_new_kind_is_drawn_by_the_stylesheet_the_map_and_the_dot_export(with_question, client):
    css = client.get("/kinds.css").content.decode()
    assert "--question: #009e73;" in css
    assert "mark.hl.k-question { --question-line: linear-gradient(90deg, #009e73 60%" in css
    assert "var(--question-line)" in css
    assert '.kind-label.k-question::before { content: "? "; }' in css
    assert ".sample .s-question { stroke: #009e73; stroke-dasharray: 7 4; }" in css
    assert ".argmap .k-question rect { stroke: #009e73; stroke-dasharray: 7 4; }" in style()
    assert _kind_style("question") == {"shape": "hexagon", "style": "dashed", "color": "#009e73"}


def test_the_stylesheet_url_changes_with_the_registry(with_question, document, members):
    client = signed_in(members["viewer"])
    with_it = re.search(r'href="(/kinds\.css\?v=\w+)"', client.get("/").content.decode())[1]
    kinds.KINDS = kinds.KINDS[:-1]  # monkeypatch puts the original back afterwards
    without = re.search(r'href="(/kinds\.css\?v=\w+)"', client.get("/").content.decode())[1]
    assert with_it != without


def test_home_counts_each_kind_in_registry_order(document, members):
    paragraph = document.paragraphs.first()
    TagFactory(paragraph=paragraph, kind="opinion", start=0, end=3)
    TagFactory(paragraph=paragraph, kind="opinion", start=4, end=6)
    TagFactory(paragraph=paragraph, kind="claim", start=0, end=6)
    html = signed_in(members["viewer"]).get("/").content.decode()
    row = re.search(r"<tbody>.*?</tbody>", html, re.S)[0]
    assert re.findall(r'<td class="num">(\d+)</td>', row) == ["1", "0", "2"]


@pytest.mark.parametrize("folder", ["static", "templates"])
def test_no_file_outside_the_registry_names_a_kind(folder):
    """Kinds are named in claims/kinds.py only; pages and styles read it."""
    named = []
    for path in sorted((REPO / folder).rglob("*")):
        if path.suffix not in {".js", ".css", ".html"}:
            continue
        text = path.read_text(encoding="utf-8")
        for kind in ("claim", "evidence", "opinion"):
            # A kind as a value or a class: "claim", 'claim', k-claim, --claim.
            if re.search(rf"""["'](?:{kind})["']|\bk-{kind}\b|--{kind}\b""", text):
                named.append(f"{path.relative_to(REPO)}: {kind}")
    assert named == []
