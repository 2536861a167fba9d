"""Hostile and malformed input: each answers a clear 4xx and writes nothing.

Oversized and deeply nested bodies, bytes that are not UTF-8, NUL characters and lone
surrogates in every text field, offsets out of range, values of the wrong JSON type, unknown
fields, and NUL in URLs.
"""

import io
import json
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.exceptions import ParseError

from annotator.models import Document, Membership, Paragraph, Project
from annotator.parsers import LimitedJSONParser, RequestTooLarge
from claims.models import HistoryEntry, Link, Review, Tag
from tests.factories import LinkFactory, ReviewFactory, TagFactory

pytestmark = pytest.mark.django_db

MODELS = [Project, Membership, Document, Paragraph, Tag, Link, Review, HistoryEntry]
NUL = "before\x00after"
SURROGATE = "before\ud800after"


def rows() -> dict[str, list]:
    """Every row of every model, to show a refused request changed nothing."""
    return {m.__name__: list(m._base_manager.order_by("pk").values()) for m in MODELS}


@pytest.fixture
def world(document, members) -> dict:
    first = document.paragraphs.get(position=0)
    tag = TagFactory(paragraph=first, author=members["owner"])
    others = TagFactory(paragraph=first, author=members["curator"], start=12, end=20)
    link = LinkFactory(source=tag, target=others, author=members["owner"])
    review = ReviewFactory(tag=others, reviewer=members["owner"])
    return {
        "project": document.project_id,
        "document": document.pk,
        "paragraph": first.pk,
        "tag": tag.pk,
        "others": others.pk,
        "link": link.pk,
        "review": review.pk,
    }


@pytest.fixture
def owner(members, client_for):
    return client_for(members["owner"])


def send(client, method: str, url: str, body=None, content_type: str = "application/json"):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return client.generic(method.upper(), url, raw, content_type=content_type)


def refused(response, status: int = 400) -> dict:
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def names(body: dict, path: tuple[str, ...]) -> list[str]:
    """Return the messages a (nested) error body has for ``path``."""
    node = body
    for part in path:
        assert isinstance(node, dict), body
        assert part in node, f"{path} not named in {body}"
        node = node[part]
    assert isinstance(node, list), body
    assert node, body
    return node


# --- Size and shape of the body --------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/api/tags/", "/api/documents/", "/api/projects/{project}/import/"]
)
def test_a_10_mb_json_body_answers_413(owner, world, url):
    before = rows()
    body = b'{"kind": "claim", "note": "' + b"x" * (10 * 1024 * 1024) + b'"}'
    detail = refused(send(owner, "post", url.format(**world), body), 413)["detail"]
    assert "too large" in detail
    assert "5,242,880 bytes" in detail
    assert rows() == before


def test_the_json_parser_limits_a_body_sent_without_its_length(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    parser = LimitedJSONParser()
    with pytest.raises(RequestTooLarge):
        parser.parse(io.BytesIO(b'{"note": "' + b"x" * 200 + b'"}'), parser_context={})
    assert parser.parse(io.BytesIO(b'{"note": "fits"}'), parser_context={}) == {"note": "fits"}


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 1000 + b"]" * 1000,
        b'{"a": ' * 1000 + b"1" + b"}" * 1000,
        b'{"note": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
        b'{"kind": "claim", "note": "x", "nested": ' + b"[" * 40 + b"]" * 40 + b"}",
    ],
    ids=["arrays-1000", "objects-1000", "arrays-100000", "just-over-the-limit"],
)
@pytest.mark.parametrize("url", ["/api/tags/", "/api/projects/{project}/import/"])
def test_deep_nesting_answers_400_not_a_recursion_error(owner, world, body, url):
    before = rows()
    detail = refused(send(owner, "post", url.format(**world), body))["detail"]
    assert "nested more than 32 levels deep" in detail
    assert rows() == before


@pytest.mark.parametrize(
    ("body", "content_type", "fragment"),
    [
        (b'{"kind": "claim", "note": "\xff\xfe"}', "application/json", "not valid UTF-8"),
        (b'{"kind": "claim", "note": "caf\xe9"}', "application/json", "not valid UTF-8"),
        (b"kind=claim&note=%ff%fe", "application/x-www-form-urlencoded", "not valid UTF-8"),
        (b'{"kind": "claim"', "application/json", "JSON parse error"),
        (b'{"start": NaN, "kind": "claim"}', "application/json", "JSON parse error"),
        (b'{"start": Infinity, "kind": "claim"}', "application/json", "JSON parse error"),
        (b'{"start": ' + b"9" * 5000 + b"}", "application/json", "JSON parse error"),
    ],
    ids=["bad-utf8", "latin1", "form-bad-utf8", "truncated", "nan", "infinity", "long"],
)
def test_bodies_that_are_not_json_text(owner, world, body, content_type, fragment):
    before = rows()
    response = send(owner, "post", "/api/tags/", body, content_type=content_type)
    assert fragment in refused(response)["detail"]
    assert rows() == before


@pytest.mark.parametrize("body", [[1, 2], "a string", 42, None, True])
def test_a_body_that_is_not_an_object(owner, world, body):
    before = rows()
    errors = refused(send(owner, "post", "/api/tags/", body))["non_field_errors"]
    assert ("No data provided" if body is None else "Expected a dictionary") in errors[0]
    assert rows() == before


def test_an_unknown_media_type_answers_415(owner, world):
    response = send(owner, "post", "/api/tags/", b"<tag/>", content_type="application/xml")
    assert "Unsupported media type" in refused(response, 415)["detail"]


# --- NUL and lone surrogates in every text field ---------------------------------------------

Body = Callable[[dict, str], dict]


def _tag(w: dict, text: str, **fields) -> dict:
    return {"paragraph": w["paragraph"], "start": 0, "end": 11, "kind": "claim", **fields}


TEXT_FIELDS: list[tuple[str, str, Body, tuple[str, ...]]] = [
    ("post", "/api/tags/", lambda w, t: _tag(w, t, note=t), ("note",)),
    ("post", "/api/tags/", lambda w, t: _tag(w, t, quote=t), ("quote",)),
    (
        "post",
        "/api/tags/",
        lambda w, t: {"document": w["document"], "quote": t, "kind": "claim"},
        ("quote",),
    ),
    ("patch", "/api/tags/{tag}/", lambda w, t: {"note": t}, ("note",)),
    (
        "post",
        "/api/tags/{tag}/decision/",
        lambda w, t: {"status": "accepted", "comment": t},
        ("comment",),
    ),
    (
        "post",
        "/api/links/",
        lambda w, t: {"source": w["others"], "target": w["tag"], "relation": "attacks", "note": t},
        ("note",),
    ),
    (
        "post",
        "/api/links/",
        lambda w, t: {"source": w["others"], "target": w["tag"], "relation": "attacks", "group": t},
        ("group",),
    ),
    ("patch", "/api/links/{link}/", lambda w, t: {"note": t}, ("note",)),
    ("patch", "/api/reviews/{review}/", lambda w, t: {"comment": t}, ("comment",)),
    (
        "post",
        "/api/documents/",
        lambda w, t: {"project": w["project"], "title": t, "text": "One."},
        ("title",),
    ),
    (
        "post",
        "/api/documents/",
        lambda w, t: {"project": w["project"], "title": "T", "byline": t, "text": "One."},
        ("byline",),
    ),
    (
        "post",
        "/api/documents/",
        lambda w, t: {"project": w["project"], "title": "T", "caption": t, "text": "One."},
        ("caption",),
    ),
    (
        "post",
        "/api/documents/",
        lambda w, t: {"project": w["project"], "title": "T", "text": t},
        ("text",),
    ),
    (
        "post",
        "/api/documents/",
        lambda w, t: {"project": w["project"], "title": "T", "paragraphs": ["One.", t]},
        ("paragraphs", "1"),
    ),
    ("patch", "/api/documents/{document}/", lambda w, t: {"title": t}, ("title",)),
    ("patch", "/api/paragraphs/{paragraph}/", lambda w, t: {"text": t}, ("text",)),
    ("post", "/api/projects/", lambda w, t: {"name": t}, ("name",)),
    ("post", "/api/projects/", lambda w, t: {"name": "P", "description": t}, ("description",)),
    ("patch", "/api/projects/{project}/", lambda w, t: {"description": t}, ("description",)),
    (
        "post",
        "/api/projects/{project}/members/",
        lambda w, t: {"user": t, "role": "viewer"},
        ("user",),
    ),
    ("post", "/api/auth/token/", lambda w, t: {"username": t, "password": "pw"}, ("username",)),
]


@pytest.mark.parametrize("text", [NUL, SURROGATE], ids=["nul", "surrogate"])
@pytest.mark.parametrize(
    ("method", "url", "body", "path"),
    TEXT_FIELDS,
    ids=[f"{m} {u} {'.'.join(p)}" for m, u, _, p in TEXT_FIELDS],
)
def test_nul_and_lone_surrogates_are_refused_naming_the_field(
    owner, world, method, url, body, path, text
):
    before = rows()
    response = send(owner, method, url.format(**world), body(world, text))
    messages = " ".join(names(refused(response), path))
    assert ("null characters" if text == NUL else "surrogate") in messages.lower()
    assert rows() == before


def _export(owner, world) -> dict:
    response = owner.get(f"/api/documents/{world['document']}/export/?format=json")
    return json.loads(b"".join(response.streaming_content))


@pytest.mark.parametrize("text", [NUL, SURROGATE], ids=["nul", "surrogate"])
def test_the_json_import_body_is_checked_too(owner, world, text):
    export = _export(owner, world)
    export["document"]["title"] = text
    before = rows()
    response = send(owner, "post", f"/api/projects/{world['project']}/import/", export)
    names(refused(response), ("document", "title"))
    assert rows() == before


@pytest.mark.parametrize("text", [NUL, SURROGATE], ids=["nul", "surrogate"])
@pytest.mark.parametrize("format_name", ["json", "aif"])
def test_an_imported_json_file_with_nul_or_surrogates_is_refused(owner, world, text, format_name):
    if format_name == "json":
        data = _export(owner, world)
        data["tags"][0]["note"] = text
        place = "tags.0.note"
    else:
        data = {"nodes": [{"nodeID": "1", "text": text, "type": "I"}], "edges": []}
        place = "nodes.0.text"
    raw = json.dumps(data).encode()  # NUL and surrogates travel as \u escapes
    before = rows()
    response = owner.post(
        f"/api/projects/{world['project']}/import/",
        {"format": format_name, "file": SimpleUploadedFile("x.json", raw)}
        | ({"text": "Some text."} if format_name == "aif" else {}),
        format="multipart",
    )
    message = " ".join(names(refused(response), ("file",)))
    assert f"(at {place})" in message
    assert rows() == before


@pytest.mark.parametrize("field", ["file", "text_file"])
def test_an_imported_file_with_a_raw_nul_is_refused(owner, world, field):
    ann = b"T1\tClaim 0 4\tWord\n"
    text = b"Word here."
    if field == "file":
        ann = b"T1\tClaim 0 4\tWo\x00d\n"
    else:
        text = b"Wo\x00d here."
    before = rows()
    response = owner.post(
        f"/api/projects/{world['project']}/import/",
        {
            "format": "brat",
            "mapping": "Claim=claim",
            "file": SimpleUploadedFile("x.ann", ann),
            "text_file": SimpleUploadedFile("x.txt", text),
        },
        format="multipart",
    )
    assert "NUL" in " ".join(names(refused(response), (field,)))
    assert rows() == before


@pytest.mark.parametrize(
    "url",
    [
        "/api/tags/?author=a%00b",
        "/api/documents/{document}/export/?author=a%00b",
        "/api/documents/{document}/map/?author=a%00b",
        "/api/documents/{document}/agreement/?x%00=1",
        "/api/projects/{project}/members/a%00b/",
    ],
)
@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_nul_in_the_url_answers_400(owner, world, url, method):
    before = rows()
    response = getattr(owner, method)(url.format(**world))
    assert "NUL" in refused(response)["detail"]
    assert rows() == before


def test_nul_in_a_page_url_answers_400(client):
    response = client.get("/accounts/login/?next=/a%00b")
    assert response.status_code == 400
    assert b"NUL" in response.content


# --- Offsets and wrong types -----------------------------------------------------------------

BAD_VALUES = [
    ({"start": -1}, "start", "greater than or equal to 0"),
    ({"end": -5}, "end", "greater than or equal to 1"),
    ({"end": 2**31}, "end", "less than or equal to 2147483647"),
    ({"start": 2**63, "end": 2**64}, "start", "less than or equal to"),
    ({"end": 10**30}, "end", "less than or equal to"),
    ({"start": 1.5}, "start", "valid integer"),
    ({"start": "3"}, "start", "valid integer"),
    ({"start": True}, "start", "valid integer"),
    ({"end": [11]}, "end", "valid integer"),
    ({"end": {"value": 11}}, "end", "valid integer"),
    ({"kind": {"name": "claim"}}, "kind", "not an object"),
    ({"kind": ["claim"]}, "kind", "not a list"),
    ({"kind": True}, "kind", "true or false"),
    ({"kind": 1}, "kind", "not a number"),
    ({"kind": None}, "kind", "may not be null"),
    ({"note": 5}, "note", "not a number"),
    ({"note": ["a"]}, "note", "not a list"),
    ({"note": False}, "note", "true or false"),
    ({"quote": {"text": "x"}}, "quote", "not an object"),
    ({"paragraph": [1]}, "paragraph", "not a list"),
    ({"paragraph": "1"}, "paragraph", "not text"),
    ({"paragraph": True}, "paragraph", "true or false"),
    ({"paragraph": 2**70}, "paragraph", "does not exist"),
    ({"paragraph": -3}, "paragraph", "does not exist"),
]


@pytest.mark.parametrize(("changes", "field", "fragment"), BAD_VALUES)
def test_creating_a_tag_with_bad_offsets_or_types(owner, world, changes, field, fragment):
    body = {"paragraph": world["paragraph"], "start": 0, "end": 11, "kind": "claim", **changes}
    before = rows()
    messages = " ".join(names(refused(send(owner, "post", "/api/tags/", body)), (field,)))
    assert fragment in messages
    assert rows() == before


@pytest.mark.parametrize(
    ("changes", "field", "fragment"),
    [row for row in BAD_VALUES if row[1] in {"start", "end", "kind", "note"}],
)
def test_changing_a_tag_with_bad_offsets_or_types(owner, world, changes, field, fragment):
    before = rows()
    response = send(owner, "patch", f"/api/tags/{world['tag']}/", changes)
    assert fragment in " ".join(names(refused(response), (field,)))
    assert rows() == before


@pytest.mark.parametrize(
    ("url", "body", "field", "fragment"),
    [
        ("/api/links/", {"source": "{tag}", "target": ["{others}"]}, "target", "not a list"),
        ("/api/links/", {"source": "{tag}", "target": "{others}", "relation": 1}, "relation", ""),
        ("/api/reviews/", {"tag": "{others}", "verdict": True}, "verdict", "true or false"),
        ("/api/reviews/", {"tag": "{others}", "verdict": "agree", "comment": {}}, "comment", ""),
        ("/api/tags/merge/", {"tags": ["1", "2"]}, "tags", "Item 0"),
        ("/api/tags/merge/", {"tags": "{tag}"}, "tags", "list"),
        ("/api/tags/{tag}/decision/", {"status": ["accepted"]}, "status", "not a list"),
        ("/api/documents/", {"project": "{project}", "title": 7, "text": "x"}, "title", "number"),
        (
            "/api/documents/",
            {"project": "{project}", "title": "T", "paragraphs": [1]},
            "paragraphs",
            "Item 0",
        ),
        (
            "/api/documents/",
            {"project": "{project}", "title": "T", "paragraphs": "x"},
            "paragraphs",
            "list",
        ),
        (
            "/api/projects/",
            {"name": "P", "accept_after_agrees": "2"},
            "accept_after_agrees",
            "valid integer",
        ),
        (
            "/api/projects/",
            {"name": "P", "accept_after_agrees": 2**70},
            "accept_after_agrees",
            "less than",
        ),
    ],
)
def test_wrong_types_elsewhere(owner, world, url, body, field, fragment):
    def fill(value):
        if isinstance(value, str) and value.startswith("{"):
            return world[value.strip("{}")]
        if isinstance(value, list):
            return [fill(item) for item in value]
        return value

    before = rows()
    body = {key: fill(value) for key, value in body.items()}
    if "relation" not in body and url == "/api/links/":
        body["relation"] = "attacks"
    response = send(owner, "post", url.format(**world), body)
    assert fragment in " ".join(names(refused(response), (field,)))
    assert rows() == before


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("post", "/api/tags/", {"paragraph": "{paragraph}", "start": 0, "end": 11, "knd": "claim"}),
        ("patch", "/api/tags/{tag}/", {"kind": "opinion", "colour": "red"}),
        ("patch", "/api/links/{link}/", {"relaton": "attacks"}),
        ("patch", "/api/reviews/{review}/", {"verdict": "disagree", "coment": "typo"}),
        ("patch", "/api/documents/{document}/", {"titel": "Typo"}),
        ("post", "/api/tags/{tag}/decision/", {"status": "accepted", "reason": "x"}),
    ],
)
def test_unknown_fields_are_refused_not_ignored(owner, world, method, url, body):
    body = {k: world[v.strip("{}")] if v == "{paragraph}" else v for k, v in body.items()}
    before = rows()
    response = send(owner, method, url.format(**world), body)
    unknown = next(key for key in body if key in refused(response))
    assert "Unknown field" in refused(response)[unknown][0]
    assert rows() == before


def test_read_only_fields_sent_back_are_ignored(owner, world):
    """A representation can go back as it came: only its writable fields count."""
    tag = owner.get(f"/api/tags/{world['tag']}/").json()
    response = send(owner, "patch", f"/api/tags/{world['tag']}/", {**tag, "kind": "opinion"})
    assert response.status_code == 200, response.content
    assert response.json()["kind"] == "opinion"


@pytest.mark.parametrize("pk", ["99999999999999999999999", "0", "abc", "-1"])
def test_ids_in_the_url_that_cannot_exist_answer_404(owner, world, pk):
    before = rows()
    for url in (f"/api/tags/{pk}/", f"/api/documents/{pk}/", f"/api/tags/{pk}/history/"):
        assert owner.get(url).status_code == 404
    assert owner.patch(f"/api/tags/{pk}/", {"note": "x"}, format="json").status_code == 404
    assert rows() == before


def test_the_parser_itself_refuses_depth_without_a_server(settings):
    parser = LimitedJSONParser()
    with pytest.raises(ParseError):
        parser.parse(io.BytesIO(b"[" * 33 + b"]" * 33), parser_context={})
    assert parser.parse(io.BytesIO(b"[" * 32 + b"]" * 32), parser_context={})
