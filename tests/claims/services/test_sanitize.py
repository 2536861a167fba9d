"""Notes and comments are user-written HTML; what comes back must be inert."""

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claims.models import Link, Review, Tag
from claims.sanitize import clean_html
from tests.factories import TagFactory

ALLOWED = {"p", "br", "strong", "em", "a", "ul", "ol", "li", "blockquote", "code"}

HOSTILE = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example.net/x.js></SCRIPT>",
    '<p onclick="alert(1)">click</p>',
    '<a href="https://example.org" onmouseover="alert(1)">hover</a>',
    '<a href="javascript:alert(1)">js</a>',
    '<a href="JaVaScRiPt:alert(1)">js</a>',
    '<a href="&#106;avascript:alert(1)">js</a>',
    '<a href=" javascript:alert(1)">js</a>',
    '<a href="vbscript:msgbox(1)">vb</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD4=">data</a>',
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)><script>alert(1)</script></svg>",
    '<iframe src="https://evil.example.net"></iframe>',
    "<style>body{display:none}</style>",
    '<p style="background:url(javascript:alert(1))">styled</p>',
    '<form action="https://evil.example.net"><input name="x"></form>',
    "<math><mi xlink:href='javascript:alert(1)'>m</mi></math>",
    '<a href="https://example.org" target="_blank" rel="opener">new tab</a>',
    "<<script>script>alert(1)<</script>/script>",
    '<p title="x" id="y" class="z">attrs</p>',
]


class _Collector(HTMLParser):
    """Collect every element and attribute an HTML parser (as a browser would) sees."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def assert_inert(html: str) -> None:
    """Fail unless only allowed elements, attributes and URL schemes survive."""
    collector = _Collector()
    collector.feed(html)
    collector.close()
    for tag, attrs in collector.elements:
        assert tag in ALLOWED, (tag, html)
        if tag != "a":
            assert attrs == {}, (tag, attrs, html)
            continue
        assert set(attrs) <= {"href", "title", "rel"}, (attrs, html)
        assert attrs["rel"] == "nofollow noopener", html
        if "href" in attrs:
            scheme = urlsplit(attrs["href"].strip()).scheme.lower()
            assert scheme in {"", "http", "https", "mailto"}, (attrs["href"], html)


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_markup_comes_back_inert(hostile):
    assert_inert(clean_html(hostile))


@pytest.mark.parametrize(
    ("given_html", "expected"),
    [
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ('<p onclick="alert(1)">click</p>', "<p>click</p>"),
        ('<a href="javascript:alert(1)">js</a>', '<a rel="nofollow noopener">js</a>'),
        (
            '<a href="https://example.org" title="t" target="_blank" rel="opener">x</a>',
            '<a href="https://example.org" title="t" rel="nofollow noopener">x</a>',
        ),
        (
            '<a href="mailto:desk@example.org">mail</a>',
            '<a href="mailto:desk@example.org" rel="nofollow noopener">mail</a>',
        ),
        (
            "see https://example.org/report",
            'see <a href="https://example.org/report" rel="nofollow noopener">'
            "https://example.org/report</a>",
        ),
        ("<code>https://example.org</code>", "<code>https://example.org</code>"),
        ("a <!-- hidden --> b", "a  b"),
        ("", ""),
        ("plain & simple", "plain &amp; simple"),
    ],
)
def test_clean_html_output(given_html, expected):
    assert clean_html(given_html) == expected


def test_allowed_tags_stay():
    html = (
        "<p>One<br>two</p><strong>b</strong><em>i</em><ul><li>u</li></ul><ol><li>o</li></ol>"
        "<blockquote>q</blockquote><code>c</code>"
    )
    assert clean_html(html) == html


def test_clean_html_is_idempotent():
    for hostile in HOSTILE:
        once = clean_html(hostile)
        assert clean_html(once) == once


_pieces = st.sampled_from(
    [
        "<",
        ">",
        "/",
        '"',
        "'",
        "=",
        " ",
        "script",
        "a",
        "p",
        "img",
        "svg",
        "href",
        "onclick",
        "onerror",
        "style",
        "javascript:",
        "java\tscript:",
        "&#106;",
        "&#x6A;",
        "https://x.example.com",
        "alert(1)",
        "<!--",
        "-->",
        "<![CDATA[",
        "]]>",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_pieces | st.text(max_size=3), max_size=40).map("".join))
def test_any_mix_of_markup_fragments_comes_back_inert(html):
    assert_inert(clean_html(html))


# --- Through the API -----------------------------------------------------------------------------

HOSTILE_NOTE = (
    '<p onclick="steal()">Read <a href="javascript:steal()">this</a> and '
    '<a href="https://example.org">that</a></p><script>steal()</script><strong>ok</strong>'
)
CLEAN_NOTE = (
    '<p>Read <a rel="nofollow noopener">this</a> and '
    '<a href="https://example.org" rel="nofollow noopener">that</a></p>'
    "&lt;script&gt;steal()&lt;/script&gt;<strong>ok</strong>"
)


@pytest.fixture
def setup(document, members, client_for):
    paragraph = document.paragraphs.get(position=0)
    mine = TagFactory(paragraph=paragraph, author=members["annotator"], start=15, end=23)
    theirs = TagFactory(paragraph=paragraph, author=members["curator"])
    return client_for(members["annotator"]), paragraph, mine, theirs


@pytest.mark.django_db
def test_tag_note_is_sanitised_on_create_and_update(setup):
    client, paragraph, mine, _ = setup
    body = {"paragraph": paragraph.pk, "start": 0, "end": 11, "kind": "claim"}
    response = client.post("/api/tags/", {**body, "note": HOSTILE_NOTE}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["note"] == CLEAN_NOTE
    assert Tag.objects.get(pk=response.json()["id"]).note == CLEAN_NOTE
    response = client.patch(f"/api/tags/{mine.pk}/", {"note": HOSTILE_NOTE}, format="json")
    assert response.json()["note"] == CLEAN_NOTE
    assert client.get(f"/api/tags/{mine.pk}/").json()["note"] == CLEAN_NOTE


@pytest.mark.django_db
def test_link_note_is_sanitised_on_create_and_update(setup):
    client, _, mine, theirs = setup
    body = {"source": mine.pk, "target": theirs.pk, "relation": "attacks", "note": HOSTILE_NOTE}
    response = client.post("/api/links/", body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["note"] == CLEAN_NOTE
    link_id = response.json()["id"]
    response = client.patch(f"/api/links/{link_id}/", {"note": "<img src=x onerror=1>"})
    assert response.json()["note"] == "&lt;img src=x onerror=1&gt;"
    assert Link.objects.get(pk=link_id).note == "&lt;img src=x onerror=1&gt;"


@pytest.mark.django_db
def test_review_comment_is_sanitised_on_create_and_update(setup):
    client, _, _, theirs = setup
    body = {"tag": theirs.pk, "verdict": "disagree", "comment": HOSTILE_NOTE}
    response = client.post("/api/reviews/", body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["comment"] == CLEAN_NOTE
    review_id = response.json()["id"]
    response = client.patch(f"/api/reviews/{review_id}/", {"comment": HOSTILE_NOTE})
    assert response.json()["comment"] == CLEAN_NOTE
    assert Review.objects.get(pk=review_id).comment == CLEAN_NOTE


@pytest.mark.parametrize("href", ["/admin/", "//evil.example/", "relative/path", "#frag"])
def test_relative_and_scheme_relative_links_lose_their_href(href):
    assert "href" not in clean_html(f'<a href="{href}">x</a>')
