"""Importing our json export: the service, POST /api/projects/{id}/import/, the command."""

import dataclasses
import io
import json
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command

from annotator.models import Document, Membership, Project
from claims.interchange.importing import annotations_import, duplicate_of
from claims.models import HistoryEntry, Link, Review, Tag
from claims.selectors import document_snapshot
from claims.snapshot import LinkRow
from tests.claims.exporters.test_export_formats import make_snapshot
from tests.claims.importers.test_import_aif import OVA_HTML, aifdb, ova, with_numeric_ids
from tests.claims.importers.test_import_aif import TEXT as AIF_TEXT
from tests.claims.importers.test_import_brat import ANN as BRAT_ANN
from tests.claims.importers.test_import_brat import MAPPING as BRAT_MAPPING
from tests.claims.importers.test_import_brat import TXT as BRAT_TXT
from tests.claims.importers.test_import_roundtrip import map_snapshot
from tests.factories import (
    LinkFactory,
    MembershipFactory,
    ParagraphFactory,
    ProjectFactory,
    ReviewFactory,
    TagFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

#: A no-break space, CJK, an emoji outside the BMP, a combining accent and curly quotes.
TEXT_0 = "Delhi\u00a0and 北京 agreed 🤝 to share intelligence, “quickly”, at the café\u0301."
TEXT_1 = "Critics 🙄 call it 空谈: talk without action."


@pytest.fixture
def source(client_for) -> dict:
    """A document in one project, tagged, linked and reviewed by two annotators."""
    owner = UserFactory(username="source-owner")
    alice, bob = UserFactory(username="alice"), UserFactory(username="bob")
    project = MembershipFactory(user=owner, role="owner").project
    for person in (alice, bob):
        MembershipFactory(user=person, project=project, role="annotator")
    p0 = ParagraphFactory(document__project=project, position=0, text=TEXT_0)
    p1 = ParagraphFactory(document=p0.document, position=1, text=TEXT_1)
    document = p0.document
    document.title, document.byline, document.caption = "中印 cooperation 🤝", "S. Singh", "A photo"
    document.source_url = "https://example.org/oped"
    document.save()
    emoji = TEXT_0.index("agreed")
    claim = TagFactory(paragraph=p0, start=emoji, end=emoji + 8, author=alice)
    cjk = TEXT_1.index("空谈")
    evidence = TagFactory(
        paragraph=p1,
        start=cjk,
        end=cjk + 2,
        kind="evidence",
        author=bob,
        note='<p>See <a href="https://example.org/r" rel="nofollow noopener">this</a>.</p>',
    )
    opinion = TagFactory(paragraph=p0, start=0, end=len(TEXT_0), kind="opinion", author=alice)
    LinkFactory(source=evidence, target=claim, relation="attacks", author=bob)
    LinkFactory(source=opinion, target=claim, author=alice, note="<em>same words</em>")
    ReviewFactory(tag=claim, reviewer=bob, verdict="disagree", comment="Too strong.")
    ReviewFactory(tag=evidence, reviewer=alice)
    return {"document": document, "owner": owner, "client": client_for(owner)}


@pytest.fixture
def target(client_for) -> dict:
    """An empty project owned by someone who is not in the source project."""
    importer = UserFactory(username="importer")
    project = MembershipFactory(user=importer, role="owner").project
    return {"project": project, "importer": importer, "client": client_for(importer)}


def export_json(client, document_id: int) -> dict:
    response = client.get(f"/api/documents/{document_id}/export/?format=json")
    assert response.status_code == 200
    return json.loads(response.getvalue())


def post_import(client, project: Project, data: object):
    return client.post(f"/api/projects/{project.pk}/import/", data, format="json")


def without_ids(data: dict) -> dict:
    """Replace the database ids of an export by positions, keeping what they refer to."""
    data = json.loads(json.dumps(data))
    tag_number = {tag["id"]: i for i, tag in enumerate(data["tags"])}
    for rows, refs in (("tags", ()), ("links", ("source", "target")), ("reviews", ("tag",))):
        number = {row["id"]: i for i, row in enumerate(data[rows])}
        for row in data[rows]:
            row["id"] = number[row["id"]]
            for ref in refs:
                row[ref] = tag_number[row[ref]]
    return data


def counts() -> tuple[int, ...]:
    return (
        Document.all_objects.count(),
        Tag.all_objects.count(),
        Link.all_objects.count(),
        Review.all_objects.count(),
        Membership.objects.count(),
    )


# --- Round trip ------------------------------------------------------------------------------


def test_export_import_export_gives_the_same_file_apart_from_ids(source, target):
    first = export_json(source["client"], source["document"].pk)
    response = post_import(target["client"], target["project"], first)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["report"] == {
        "paragraphs": 2,
        "tags": 3,
        "implicit": 0,
        "links": 2,
        "reviews": 2,
        "members_added": ["alice", "bob"],
        "skipped": [],
        "adjusted": [],
    }
    new = Document.objects.get(pk=body["document"])
    assert new.project == target["project"]
    assert new.pk != source["document"].pk
    assert new.created_by == target["importer"]
    second = export_json(target["client"], new.pk)
    assert [t["id"] for t in second["tags"]] != [t["id"] for t in first["tags"]]
    # Times too: the import keeps created_at and updated_at from the file.
    assert without_ids(second) == without_ids(first)


def test_imported_text_and_offsets_are_exact(source, target):
    response = post_import(
        target["client"], target["project"], export_json(source["client"], source["document"].pk)
    )
    new = Document.objects.get(pk=response.json()["document"])
    assert [p.text for p in new.paragraphs.order_by("position")] == [TEXT_0, TEXT_1]
    for tag in Tag.objects.filter(document=new):
        assert tag.paragraph.text[tag.start : tag.end] == tag.quote
    assert Tag.objects.get(document=new, kind="evidence").quote == "空谈"


def test_authors_who_are_not_members_become_annotators(source, target):
    MembershipFactory(project=target["project"], user__username="bob", role="viewer")
    response = post_import(
        target["client"], target["project"], export_json(source["client"], source["document"].pk)
    )
    assert response.json()["report"]["members_added"] == ["alice"]
    roles = dict(
        Membership.objects.filter(project=target["project"]).values_list("user__username", "role")
    )
    # bob keeps the role he had; alice is new.
    assert roles == {"importer": "owner", "alice": "annotator", "bob": "viewer"}


def test_import_of_one_authors_export(source, target):
    response = source["client"].get(
        f"/api/documents/{source['document'].pk}/export/?format=json&author=alice"
    )
    data = json.loads(response.getvalue())
    result = post_import(target["client"], target["project"], data)
    assert result.status_code == 201
    assert result.json()["report"]["tags"] == 2
    assert result.json()["report"]["links"] == 1


# --- Who may import --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [("owner", 201), ("curator", 201), ("annotator", 403), ("viewer", 403), (None, 404)],
)
def test_only_curators_and_owners_import(source, target, client_for, role, status):
    data = export_json(source["client"], source["document"].pk)
    person = UserFactory()
    if role is not None:
        MembershipFactory(project=target["project"], user=person, role=role)
    before = counts()
    response = post_import(client_for(person), target["project"], data)
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    if status != 201:
        assert counts() == before


def test_anonymous_import_is_refused(api_client, target):
    response = post_import(api_client, target["project"], {})
    assert response.status_code == 401


def test_viewer_hears_about_the_role_before_the_file(target, client_for):
    viewer = MembershipFactory(project=target["project"], role="viewer").user
    response = post_import(client_for(viewer), target["project"], {"format": "nonsense"})
    assert response.status_code == 403


# --- Bad input: 400 naming the problem, nothing written ----------------------------------------


def _refused(target, data, expected: dict) -> None:
    before = counts()
    response = post_import(target["client"], target["project"], data)
    assert response.status_code == 400
    assert response.json() == expected
    assert counts() == before


def test_invalid_json_body(target):
    before = counts()
    response = target["client"].post(
        f"/api/projects/{target['project'].pk}/import/",
        '{"format": "claim-annotator",',
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["detail"].startswith("JSON parse error")
    assert counts() == before


def test_body_that_is_not_json_at_all(target):
    response = target["client"].post(
        f"/api/projects/{target['project'].pk}/import/", "a,b\n1,2\n", content_type="text/csv"
    )
    assert response.status_code == 415


def test_wrong_version(source, target):
    data = export_json(source["client"], source["document"].pk)
    data["version"] = 2
    _refused(
        target, data, {"version": ["Version 2 is not supported; this server reads version 1."]}
    )


def test_quote_that_does_not_match(source, target):
    data = export_json(source["client"], source["document"].pk)
    i = next(i for i, tag in enumerate(data["tags"]) if tag["kind"] == "claim")
    data["tags"][i]["quote"] = "agreed 🤝 to"
    start, end = data["tags"][i]["start"], data["tags"][i]["end"]
    _refused(
        target,
        data,
        {
            f"tags[{i}].quote": [
                f"The quote 'agreed 🤝 to' does not match paragraph 0 at {start}-{end}, which "
                "reads 'agreed 🤝'."
            ]
        },
    )


def test_unknown_user(source, target):
    data = export_json(source["client"], source["document"].pk)
    for link in data["links"]:
        if link["author"] == "bob":
            link["author"] = "ghost"
    place = next(i for i, link in enumerate(data["links"]) if link["author"] == "ghost")
    _refused(
        target,
        data,
        {
            f"links[{place}].author": [
                "There is no user named 'ghost'; create the account first, then import again."
            ]
        },
    )
    # alice and bob were not made members either.
    assert not Membership.objects.filter(project=target["project"], user__username="alice")


def test_link_to_a_missing_tag(source, target):
    data = export_json(source["client"], source["document"].pk)
    data["links"][1]["target"] = 999_999
    _refused(target, data, {"links[1].target": ["There is no tag with id 999999 in this file."]})


def test_document_fields_are_checked_by_the_model(source, target):
    data = export_json(source["client"], source["document"].pk)
    data["document"]["title"] = "t" * 501
    data["document"]["source_url"] = "not a url"
    _refused(
        target,
        data,
        {
            "document.title": ["Ensure this value has at most 500 characters (it has 501)."],
            "document.source_url": ["Enter a valid URL."],
        },
    )


def test_notes_are_sanitised_again(source, target):
    data = export_json(source["client"], source["document"].pk)
    data["tags"][0]["note"] = '<p onclick="x()">hi</p><script>alert(1)</script>'
    response = post_import(target["client"], target["project"], data)
    assert response.status_code == 201
    tag = Tag.objects.filter(document_id=response.json()["document"]).first()
    assert tag.note == "<p>hi</p>&lt;script&gt;alert(1)&lt;/script&gt;"


# --- The service on snapshots that did not come through the importer ---------------------------


@pytest.fixture
def people() -> None:
    UserFactory(username="alice")
    UserFactory(username="bob")


def test_service_names_the_row_the_model_refuses(people):
    project = ProjectFactory()
    snapshot = make_snapshot()
    bad = dataclasses.replace(snapshot.tags[2], quote="quickly")
    snapshot = dataclasses.replace(snapshot, tags=(*snapshot.tags[:2], bad))
    before = counts()
    with pytest.raises(ValidationError) as caught:
        annotations_import(actor=None, project=project, snapshot=snapshot)
    assert list(caught.value.message_dict) == ["tags[2].quote"]
    assert "does not match" in caught.value.message_dict["tags[2].quote"][0]
    # The first two tags and the new members were rolled back with it.
    assert counts() == before


def test_service_refuses_a_review_of_ones_own_tag(people):
    snapshot = make_snapshot()
    own = dataclasses.replace(snapshot.reviews[0], reviewer="bob")
    snapshot = dataclasses.replace(snapshot, reviews=(own,))
    with pytest.raises(ValidationError) as caught:
        annotations_import(actor=None, project=ProjectFactory(), snapshot=snapshot)
    assert caught.value.message_dict == {"reviews[0].tag": ["You cannot review your own tag."]}


def test_service_checks_the_actors_role(people):
    annotator = MembershipFactory(role="annotator")
    with pytest.raises(PermissionDenied):
        annotations_import(
            actor=annotator.user, project=annotator.project, snapshot=make_snapshot()
        )


def test_service_keeps_the_times_of_the_file(people):
    snapshot = make_snapshot()
    result = annotations_import(actor=None, project=ProjectFactory(), snapshot=snapshot)
    tags = Tag.objects.filter(document=result.document).order_by("start", "paragraph__position")
    by_quote = {t.quote: t for t in tags}
    for row in snapshot.tags:
        assert by_quote[row.quote].created_at == row.created_at
        assert by_quote[row.quote].updated_at == row.updated_at
    review = Review.objects.get(tag__document=result.document, verdict="disagree")
    assert review.updated_at == snapshot.reviews[1].updated_at
    assert result.document.created_by is None


# --- Implicit statements, undercuts and linked arguments ---------------------------------------


def test_service_recreates_implicit_statements_undercuts_and_groups(people):
    result = annotations_import(actor=None, project=ProjectFactory(), snapshot=map_snapshot())
    assert result.report()["implicit"] == 1
    implicit = Tag.objects.get(document=result.document, paragraph__isnull=True)
    assert (implicit.start, implicit.end, implicit.quote) == (
        None,
        None,
        "Sharing intelligence is cooperation.",
    )
    links = {
        lk.source.quote[:7]: lk for lk in Link.objects.filter(source__document=result.document)
    }
    grouped = Link.objects.filter(source__document=result.document, group="both")
    assert {lk.source.quote[:7] for lk in grouped} == {"India a", "Sharing"}
    first = grouped.get(source__quote__startswith="India")
    undercut = Link.objects.get(target_link=first)
    assert (undercut.relation, undercut.target, undercut.source.quote[:7]) == (
        "undercuts",
        None,
        "Critics",
    )
    assert undercut.note == "<em>why?</em>"
    deeper = Link.objects.get(target_link=undercut)
    assert deeper.source == implicit
    assert len(links) == 3  # by source: the implicit statement makes two links


def test_service_gives_back_the_same_snapshot(people):
    snapshot = map_snapshot()
    result = annotations_import(actor=None, project=ProjectFactory(), snapshot=snapshot)
    again = document_snapshot(result.document)
    tag_of = {t.id: t.quote for t in again.tags}
    link_of = {lk.id: lk for lk in again.links}

    def link_key(lk: LinkRow, quote_of: dict, links: dict) -> tuple:
        target = (
            quote_of[lk.target_id]
            if lk.target_id is not None
            else link_key(links[lk.target_link_id], quote_of, links)
        )
        return (quote_of[lk.source_id], lk.relation, target, lk.group, lk.note, lk.author)

    want_tags = {t.id: t.quote for t in snapshot.tags}
    want_links = {lk.id: lk for lk in snapshot.links}
    assert sorted(
        (t.quote, t.paragraph_position, t.start, t.end, t.kind, t.implicit) for t in again.tags
    ) == sorted(
        (t.quote, t.paragraph_position, t.start, t.end, t.kind, t.implicit) for t in snapshot.tags
    )
    assert sorted(link_key(lk, tag_of, link_of) for lk in again.links) == sorted(
        link_key(lk, want_tags, want_links) for lk in snapshot.links
    )


def test_service_records_the_import_in_the_history(people):
    project = ProjectFactory()
    curator = MembershipFactory(project=project, role="curator").user
    result = annotations_import(actor=curator, project=project, snapshot=map_snapshot())
    entries = HistoryEntry.objects.filter(project=project)
    assert sorted(entries.values_list("entity", flat=True)) == ["link"] * 4 + ["tag"] * 3
    assert {(e.action, e.actor_id, e.comment) for e in entries} == {
        ("create", curator.pk, "Imported.")
    }
    undercut = Link.objects.get(
        source__document=result.document, target_link__isnull=False, source__paragraph__isnull=False
    )
    entry = entries.get(entity="link", object_id=undercut.pk)
    assert entry.after["target_link_id"] == undercut.target_link_id


@pytest.mark.parametrize(
    ("links", "expected"),
    [
        (
            (LinkRow(10, 1, None, "undercuts", "", "alice", target_link_id=99),),
            {"links[0].target_link": ["There is no link with id 99 here."]},
        ),
        (
            (
                LinkRow(10, 1, 2, "supports", "", "alice"),
                LinkRow(11, 3, None, "undercuts", "", "alice", target_link_id=12),
                LinkRow(12, 2, None, "undercuts", "", "alice", target_link_id=11),
            ),
            {
                "links[1].target_link": [
                    "These links undercut each other in a circle: links[1], links[2]."
                ],
                "links[2].target_link": [
                    "These links undercut each other in a circle: links[2], links[1]."
                ],
            },
        ),
        (
            (LinkRow(10, 1, None, "undercuts", "", "alice", target_link_id=10),),
            {"links[0].target_link": ["A link cannot undercut itself."]},
        ),
        (
            (
                LinkRow(10, 1, 2, "supports", "", "alice", group="g"),
                LinkRow(11, 3, 1, "supports", "", "alice", group="g"),
            ),
            {
                "links[1].group": [
                    "Group 'g' of links[0] has another target or relation; the premises of a "
                    "linked argument share their target and relation."
                ]
            },
        ),
        (
            (
                LinkRow(10, 1, 2, "supports", "", "alice", group="g"),
                LinkRow(11, 1, 2, "supports", "", "bob", group="g"),
            ),
            {"links[1].group": ["This tag is already a premise of that linked argument."]},
        ),
        (
            (
                LinkRow(10, 1, 2, "supports", "", "alice"),
                LinkRow(11, 1, 2, "supports", "", "alice"),
            ),
            {"links[1]": ["links[0] already makes this link."]},
        ),
        (
            (LinkRow(10, 1, None, "supports", "", "alice"),),
            {"links[0]": ["A link needs a target tag, or (an undercut) a target link."]},
        ),
        (
            (LinkRow(10, 1, 2, "undercuts", "", "alice", target_link_id=10),),
            {"links[0]": ["Give a target tag or a target link, not both."]},
        ),
        (
            (
                LinkRow(10, 1, 2, "supports", "", "alice"),
                LinkRow(11, 3, 2, "attacks", "", "alice"),
                LinkRow(12, 3, None, "supports", "", "alice", target_link_id=10),
            ),
            {"links[2].target": ["A link that supports needs a target tag."]},
        ),
    ],
    ids=[
        "missing link",
        "circle",
        "itself",
        "group with two targets",
        "premise twice in a group",
        "same link twice",
        "no target",
        "two targets",
        "supports a link",
    ],
)
def test_service_refuses_bad_links_and_writes_nothing(people, links, expected):
    before = counts()
    with pytest.raises(ValidationError) as caught:
        annotations_import(actor=None, project=ProjectFactory(), snapshot=map_snapshot(links))
    assert caught.value.message_dict == expected
    assert counts() == before


def test_service_refuses_the_same_span_twice_and_an_empty_implicit_statement(people):
    snapshot = map_snapshot(links=())
    twice = dataclasses.replace(snapshot.tags[0], id=4)
    empty = dataclasses.replace(snapshot.tags[2], id=5, quote="  ")
    before = counts()
    with pytest.raises(ValidationError) as caught:
        annotations_import(
            actor=None,
            project=ProjectFactory(),
            snapshot=dataclasses.replace(snapshot, tags=(*snapshot.tags, twice)),
        )
    assert caught.value.message_dict == {
        "tags[3]": ["tags[0] already tags this span with this kind."]
    }
    with pytest.raises(ValidationError) as caught:
        annotations_import(
            actor=None,
            project=ProjectFactory(),
            snapshot=dataclasses.replace(snapshot, tags=(*snapshot.tags, empty)),
        )
    assert caught.value.message_dict == {"tags[3].quote": ["An implicit statement needs its text."]}
    assert counts() == before


# --- manage.py import_annotations --------------------------------------------------------------


def _write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "export.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_command_imports_a_file(source, tmp_path):
    path = _write(tmp_path, export_json(source["client"], source["document"].pk))
    project = ProjectFactory(slug="copy")
    out = io.StringIO()
    call_command("import_annotations", str(path), "--project", "copy", stdout=out)
    document = Document.objects.get(project=project)
    assert out.getvalue() == (
        f"Imported '中印 cooperation 🤝' as document {document.pk} into copy: 2 paragraphs, "
        "3 tags, 2 links, 2 reviews.\nAdded as annotators of copy: alice, bob.\n"
    )
    assert Tag.objects.filter(document=document).count() == 3


def test_command_reads_a_file_with_a_byte_order_mark(source, tmp_path):
    data = export_json(source["client"], source["document"].pk)
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(data).encode("utf-8"))
    ProjectFactory(slug="copy")
    call_command("import_annotations", str(path), "--project", "copy", stdout=io.StringIO())
    assert Document.objects.filter(project__slug="copy").count() == 1


def test_command_lists_each_problem_and_writes_nothing(source, tmp_path):
    data = export_json(source["client"], source["document"].pk)
    data["tags"][0]["kind"] = "rumour"
    data["reviews"][0]["verdict"] = "maybe"
    path = _write(tmp_path, data)
    ProjectFactory(slug="copy")
    before = counts()
    with pytest.raises(CommandError) as caught:
        call_command("import_annotations", str(path), "--project", "copy")
    assert str(caught.value) == (
        f"{path} was not imported:\n"
        "tags[0].kind: 'rumour' is not one of: claim, evidence, opinion.\n"
        "reviews[0].verdict: 'maybe' is not one of: agree, disagree."
    )
    assert counts() == before


def test_command_reports_an_unknown_user(source, tmp_path):
    data = export_json(source["client"], source["document"].pk)
    get_user_model().objects.filter(username="bob").update(username="robert")
    path = _write(tmp_path, data)
    ProjectFactory(slug="copy")
    with pytest.raises(CommandError, match="There is no user named 'bob'"):
        call_command("import_annotations", str(path), "--project", "copy")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfe\x00binary", "is not UTF-8 text"),
        (b"{not json", "This is not valid JSON: Expecting property name"),
        (b"[" * 100_000, "This is not valid JSON"),
    ],
    ids=["binary", "broken", "too deep"],
)
def test_command_refuses_unreadable_files(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    ProjectFactory(slug="copy")
    with pytest.raises(CommandError, match=message):
        call_command("import_annotations", str(path), "--project", "copy")


def test_command_needs_an_existing_file_and_project(tmp_path):
    ProjectFactory(slug="copy")
    with pytest.raises(CommandError, match=r"Cannot read .*missing\.json: No such file"):
        call_command("import_annotations", str(tmp_path / "missing.json"), "--project", "copy")
    path = _write(tmp_path, {})
    with pytest.raises(CommandError, match="There is no project with slug 'nope'"):
        call_command("import_annotations", str(path), "--project", "nope")


# --- Multipart: json, aif and brat files with their source text -------------------------------


def upload(content: str | bytes, name: str) -> io.BytesIO:
    file = io.BytesIO(content.encode() if isinstance(content, str) else content)
    file.name = name
    return file


def post_files(client, project: Project, **fields):
    return client.post(f"/api/projects/{project.pk}/import/", fields, format="multipart")


def aif_file(data: dict | None = None, name: str = "smoking.json") -> io.BytesIO:
    return upload(json.dumps(aifdb() if data is None else data), name)


def test_multipart_aif_with_the_text_as_a_field(target):
    response = post_files(
        target["client"], target["project"], format="aif", file=aif_file(), text=AIF_TEXT
    )
    assert response.status_code == 201, response.content
    body = response.json()
    report = body["report"]
    assert (report["paragraphs"], report["tags"], report["implicit"], report["links"]) == (
        3,
        5,
        1,
        4,
    )
    assert report["members_added"] == []
    assert {n["what"]: n["count"] for n in report["skipped"]} == {
        "L nodes": 2,
        "YA nodes": 2,
        "TA nodes": 1,
        "MA nodes": 1,
        "edges": 8,
    }
    [l_nodes] = [n for n in report["skipped"] if n["what"] == "L nodes"]
    assert l_nodes["ids"] == ["30", "33"]
    assert "dialogue" in l_nodes["why"]
    assert [(n["what"], n["count"]) for n in report["adjusted"]] == [("I-nodes", 1)]
    document = Document.objects.get(pk=body["document"])
    assert (document.title, document.project) == ("smoking", target["project"])
    tags = Tag.objects.filter(document=document)
    assert {t.author.username for t in tags} == {"importer"}
    undercut = Link.objects.get(source__document=document, relation="undercuts")
    assert undercut.target_link.group == "RA 20"


@pytest.mark.parametrize("ids", ["strings", "numbers"])
def test_multipart_ova_file_with_its_own_text(target, ids):
    aif = aifdb() if ids == "strings" else with_numeric_ids(aifdb())
    response = post_files(
        target["client"],
        target["project"],
        format="aif",
        file=aif_file(ova(aif, {"txt": OVA_HTML})),
        title="From OVA",
    )
    assert response.status_code == 201, response.content
    document = Document.objects.get(pk=response.json()["document"])
    assert document.title == "From OVA"
    assert document.paragraphs.count() == 3


def test_multipart_brat_with_a_text_file(target):
    response = post_files(
        target["client"],
        target["project"],
        format="brat",
        file=upload(BRAT_ANN, "essay.ann"),
        text_file=upload(BRAT_TXT, "essay.txt"),
        mapping=BRAT_MAPPING,
        relation_mapping="supports=supports,Attack=attacks",
    )
    assert response.status_code == 201, response.content
    report = response.json()["report"]
    assert (report["tags"], report["links"]) == (4, 3)
    assert [n["what"] for n in report["skipped"]] == [
        "attributes (A lines)",
        "notes (# lines)",
        "notes (# lines)",
        "relations (R lines)",
    ]


def test_multipart_json_export_with_a_new_title(source, target):
    data = export_json(source["client"], source["document"].pk)
    response = post_files(
        target["client"],
        target["project"],
        format="json",
        file=upload(json.dumps(data), "export.json"),
        title="Renamed",
    )
    assert response.status_code == 201, response.content
    assert response.json()["report"]["reviews"] == 2
    assert Document.objects.get(pk=response.json()["document"]).title == "Renamed"


@pytest.mark.parametrize(
    ("role", "status"),
    [("owner", 201), ("curator", 201), ("annotator", 403), ("viewer", 403), (None, 404)],
)
@pytest.mark.parametrize("format_name", ["aif", "brat"])
def test_only_curators_and_owners_import_files(target, client_for, role, status, format_name):
    person = UserFactory()
    if role is not None:
        MembershipFactory(project=target["project"], user=person, role=role)
    if format_name == "aif":
        fields = {"file": aif_file(), "text": AIF_TEXT}
    else:
        fields = {"file": upload(BRAT_ANN, "e.ann"), "text": BRAT_TXT, "mapping": BRAT_MAPPING}
    before = counts()
    response = post_files(client_for(person), target["project"], format=format_name, **fields)
    assert response.status_code == status, response.content
    if status != 201:
        assert counts() == before
    else:
        document = Document.objects.get(pk=response.json()["document"])
        assert {t.author for t in Tag.objects.filter(document=document)} == {person}


def test_anonymous_file_import_is_refused(api_client, target):
    response = post_files(api_client, target["project"], format="aif", file=aif_file())
    assert response.status_code == 401


def test_viewer_hears_about_the_role_before_the_fields(target, client_for):
    viewer = MembershipFactory(project=target["project"], role="viewer").user
    response = post_files(client_for(viewer), target["project"], format="nonsense")
    assert response.status_code == 403


def _refused_files(target, expected: dict, **fields) -> None:
    before = counts()
    response = post_files(target["client"], target["project"], **fields)
    assert response.status_code == 400, response.content
    assert response.json() == expected
    assert counts() == before


def test_a_file_import_needs_a_format_and_a_file(target):
    _refused_files(
        target,
        {
            "format": ["Say which format the file is in: json, aif, brat, text, markdown, html."],
            "file": ["Attach the file to import as the field file."],
        },
        title="x",
    )
    _refused_files(
        target,
        {"format": ["Unknown format 'csv'; use one of: aif, brat, html, json, markdown, text."]},
        format="csv",
        file=aif_file(),
    )


def test_fields_that_do_not_fit_the_format_are_refused(target):
    _refused_files(
        target,
        {
            "text": ["A json export carries its own text."],
            "mapping": ["A json export carries its own mapping."],
        },
        format="json",
        file=aif_file(),
        text="x",
        mapping="A=claim",
    )
    _refused_files(
        target,
        {"mapping": ["Mappings are for brat files; AIF says what each node is."]},
        format="aif",
        file=aif_file(),
        text=AIF_TEXT,
        mapping="A=claim",
    )
    _refused_files(
        target,
        {"text": ["Give the source text once: as text or as text_file, not both."]},
        format="aif",
        file=aif_file(),
        text=AIF_TEXT,
        text_file=upload(AIF_TEXT, "t.txt"),
    )


def test_files_that_are_not_utf8_or_too_large(target, monkeypatch):
    _refused_files(
        target,
        {"file": ["map.json is not UTF-8 text."]},
        format="aif",
        file=upload(b"\xff\xfe{", "map.json"),
        text=AIF_TEXT,
    )
    _refused_files(
        target,
        {"text_file": ["t.txt is not UTF-8 text."]},
        format="aif",
        file=aif_file(),
        text_file=upload(b"caf\xe9", "t.txt"),
    )
    monkeypatch.setattr("claims.interchange.uploads.MAX_IMPORT_BYTES", 1024 * 1024)
    _refused_files(
        target,
        {"file": ["This file is larger than 1 MB."]},
        format="aif",
        file=upload(b" " * (1024 * 1024 + 1), "big.json"),
        text=AIF_TEXT,
    )


def test_an_empty_text_file_is_an_empty_source_text_not_a_missing_one(target):
    _refused_files(
        target,
        {"text": ["The source text is empty."]},
        format="aif",
        file=aif_file(),
        text_file=upload("", "t.txt"),
    )


def test_bad_aif_and_brat_files_are_refused_by_node_and_line(target):
    broken = aifdb()
    broken["edges"].append({"edgeID": "99", "fromID": "11", "toID": "nowhere"})
    _refused_files(
        target,
        {"edge 99": ["toID nowhere: there is no node with this id."]},
        format="aif",
        file=aif_file(broken),
        text=AIF_TEXT,
    )
    _refused_files(
        target,
        {
            "non_field_errors": [
                "This is not AIF: expected an object with nodes and edges lists (AIFdb JSON), "
                "or an OVA file holding one under AIF."
            ]
        },
        format="aif",
        file=upload("{}", "empty.json"),
        text=AIF_TEXT,
    )
    _refused_files(
        target,
        {
            "text": [
                "An AIF file holds the statements but not the text they come from: give the "
                "source text."
            ]
        },
        format="aif",
        file=aif_file(),
    )
    _refused_files(
        target,
        {
            "line 1": [
                "T1 has type 'MajorClaim', which the mapping does not name; add "
                "MajorClaim=claim, MajorClaim=evidence or MajorClaim=opinion to it."
            ],
            "line 3": [
                "T3 has type 'Claim', which the mapping does not name; add Claim=claim, "
                "Claim=evidence or Claim=opinion to it."
            ],
        },
        format="brat",
        file=upload(BRAT_ANN, "e.ann"),
        text=BRAT_TXT,
        mapping="Premise=evidence",
    )


def test_the_document_is_checked_like_any_other(target):
    before = counts()
    response = post_files(
        target["client"],
        target["project"],
        format="aif",
        file=aif_file(),
        text=AIF_TEXT,
        title="t" * 501,
    )
    assert response.status_code == 400
    assert response.json() == {
        "document.title": ["Ensure this value has at most 500 characters (it has 501)."]
    }
    assert counts() == before


# --- Articles without annotations: text, Markdown, HTML --------------------------------------


@pytest.mark.parametrize(
    ("format_name", "name", "content", "paragraphs"),
    [
        (
            "text",
            "note.txt",
            "First line.\n\n  Second\u00a0line. \n",
            ["First line.", "  Second\u00a0line. "],
        ),
        ("markdown", "note.md", "# Heading\n\nSome *text*.\n", ["Heading", "Some text."]),
        (
            "html",
            "note.html",
            "<h1>Heading</h1><p>Some <b>text</b>.</p><script>x()</script>",
            ["Heading", "Some text."],
        ),
    ],
)
def test_an_article_becomes_a_document_named_after_its_file(
    target, format_name, name, content, paragraphs
):
    response = post_files(
        target["client"], target["project"], format=format_name, file=upload(content, name)
    )
    assert response.status_code == 201, response.content
    body = response.json()
    document = Document.objects.get(pk=body["document"])
    assert (body["url"], body["title"]) == (f"/documents/{document.pk}/", "note")
    assert document.title == "note"
    assert [p.text for p in document.paragraphs.order_by("position")] == paragraphs
    assert body["report"] == {
        "paragraphs": len(paragraphs),
        "tags": 0,
        "implicit": 0,
        "links": 0,
        "reviews": 0,
        "members_added": [],
        "skipped": [],
        "adjusted": [],
    }


def test_bad_articles_are_refused_by_field(target):
    _refused_files(
        target,
        {"file": ["The file is empty: there is nothing to import."]},
        format="text",
        file=upload("", "empty.txt"),
    )
    _refused_files(
        target,
        {"file": ["The file holds no paragraph of text (only markup or scripts)."]},
        format="html",
        file=upload("<script>alert(1)</script>", "page.html"),
    )
    _refused_files(
        target,
        {"file": ["latin1.txt is not UTF-8 text."]},
        format="text",
        file=upload(b"caf\xe9", "latin1.txt"),
    )
    _refused_files(
        target,
        {
            "text_file": [
                "The file is the document's text; a source text goes with an AIF or brat file."
            ],
            "mapping": ["Mappings are for brat files; this file holds no annotations."],
        },
        format="markdown",
        file=upload("# Hi", "hi.md"),
        text_file=upload("Hi", "hi.txt"),
        mapping="A=claim",
    )


# --- The same document twice ------------------------------------------------------------------


def test_a_file_already_imported_is_answered_409_and_imported_when_allowed(target):
    def send(**extra):
        return post_files(
            target["client"],
            target["project"],
            format="aif",
            file=aif_file(),
            text=AIF_TEXT,
            **extra,
        )

    first = send()
    assert first.status_code == 201, first.content
    existing = first.json()["document"]
    before = counts()
    again = send()
    assert again.status_code == 409
    assert again.json() == {
        "detail": "A document with this title and text is already in this project "
        f"(document {existing}).",
        "existing": {"document": existing, "title": "smoking", "url": f"/documents/{existing}/"},
    }
    assert counts() == before
    assert send(allow_duplicate="false").status_code == 409
    allowed = send(allow_duplicate="true")
    assert allowed.status_code == 201, allowed.content
    assert allowed.json()["document"] != existing
    assert Document.objects.filter(project=target["project"], title="smoking").count() == 2


def test_only_the_same_title_and_the_same_text_make_a_duplicate(target):
    def send(content: str, name: str = "note.txt", **extra):
        return post_files(
            target["client"],
            target["project"],
            format="text",
            file=upload(content, name),
            **extra,
        )

    first = send("One.\nTwo.\n")
    assert first.status_code == 201
    assert send("One.\nTwo!\n").status_code == 201  # other text
    assert send("One.\nTwo.\n", name="other.txt").status_code == 201  # other title
    assert send("One.\n\nTwo.", title="note").status_code == 409  # same paragraphs
    # A deleted document, or one in another project, is no duplicate.
    Document.objects.filter(pk=first.json()["document"]).update(deleted_at="2026-01-01T00:00Z")
    other = MembershipFactory(user=target["importer"], role="owner").project
    post_files(target["client"], other, format="text", file=upload("A.\n", "a.txt"))
    assert send("A.\n", name="a.txt").status_code == 201
    assert send("A.\n", name="a.txt").status_code == 409


def test_a_json_body_already_imported_is_409_unless_the_query_allows_it(source, target):
    data = export_json(source["client"], source["document"].pk)
    assert post_import(target["client"], target["project"], data).status_code == 201
    again = post_import(target["client"], target["project"], data)
    assert again.status_code == 409
    assert again.json()["existing"]["title"] == "中印 cooperation 🤝"
    url = f"/api/projects/{target['project'].pk}/import/?allow_duplicate=true"
    assert target["client"].post(url, data, format="json").status_code == 201
    bad = target["client"].post(url.replace("true", "perhaps"), data, format="json")
    assert bad.status_code == 400
    assert bad.json() == {"allow_duplicate": ["Must be a valid boolean."]}


def test_the_duplicate_check_takes_two_queries_however_many_documents(
    target, django_assert_num_queries
):
    project = target["project"]
    for n in range(5):
        post_files(target["client"], project, format="text", file=upload(f"{n}\n", "same.txt"))
    with django_assert_num_queries(2):
        found = duplicate_of(project=project, title="same", paragraphs=["3"])
    assert found is not None
    assert found.paragraphs.get().text == "3"
    with django_assert_num_queries(1):
        assert duplicate_of(project=project, title="other", paragraphs=["3"]) is None


def test_the_schema_documents_the_flag_and_the_409(api_client):
    schema = api_client.get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/projects/{id}/import/"]["post"]
    assert "allow_duplicate" in [p["name"] for p in operation["parameters"]]
    form = operation["requestBody"]["content"]["multipart/form-data"]["schema"]["$ref"]
    fields = schema["components"]["schemas"][form.rsplit("/", 1)[-1]]["properties"]
    assert fields["allow_duplicate"]["type"] == "boolean"
    assert "409" in operation["responses"]


# --- manage.py import_map --------------------------------------------------------------------


def test_import_map_reads_an_aif_file(tmp_path):
    UserFactory(username="owner-1")
    project = MembershipFactory(user__username="owner-1", role="owner").project
    path = tmp_path / "smoking.json"
    path.write_text(json.dumps(aifdb()), encoding="utf-8")
    text = tmp_path / "smoking.txt"
    text.write_text(AIF_TEXT, encoding="utf-8")
    out = io.StringIO()
    call_command(
        "import_map", str(path), "--project", project.slug, "--format", "aif",
        "--text", str(text), stdout=out,
    )  # fmt: skip
    document = Document.objects.get(project=project)
    lines = out.getvalue().splitlines()
    assert lines[0] == (
        f"Imported 'smoking' as document {document.pk} into {project.slug}: 3 paragraphs, "
        "5 tags (1 implicit), 4 links."
    )
    assert lines[1].startswith("Skipped 2 L nodes (30, 33): locutions")
    assert (
        "Skipped 8 edges (47, 48, 49, 50, 51, 52, 53, 54): they join nodes that were skipped."
        in lines
    )
    assert {t.author.username for t in Tag.objects.filter(document=document)} == {"owner-1"}


def test_import_map_reads_a_brat_file_for_a_named_author(tmp_path):
    project = ProjectFactory(slug="essays")
    UserFactory(username="annotator-7")
    ann, txt = tmp_path / "essay.ann", tmp_path / "essay.txt"
    ann.write_text(BRAT_ANN, encoding="utf-8")
    txt.write_bytes(BRAT_TXT.encode("utf-8"))
    out = io.StringIO()
    call_command(
        "import_map", str(ann), "--project", "essays", "--format", "brat", "--text", str(txt),
        "--title", "Essay 1", "--mapping", BRAT_MAPPING, "--author", "annotator-7", stdout=out,
    )  # fmt: skip
    document = Document.objects.get(project=project, title="Essay 1")
    assert Tag.objects.filter(document=document, author__username="annotator-7").count() == 4
    assert out.getvalue().splitlines()[-1] == "Added as annotators of essays: annotator-7."


def test_import_map_lists_each_problem_and_writes_nothing(tmp_path):
    project = ProjectFactory(slug="essays")
    MembershipFactory(project=project, role="owner")
    ann, txt = tmp_path / "essay.ann", tmp_path / "essay.txt"
    ann.write_text("T1\tClaim 0 4\tNope\nR1\tsupports Arg1:T1 Arg2:T2\n", encoding="utf-8")
    txt.write_text(BRAT_TXT, encoding="utf-8")
    before = counts()
    with pytest.raises(CommandError) as caught:
        call_command(
            "import_map", str(ann), "--project", "essays", "--format", "brat",
            "--text", str(txt), "--mapping", BRAT_MAPPING,
        )  # fmt: skip
    assert str(caught.value) == (
        f"{ann} was not imported:\n"
        "line 1: T1: the text at 0 4 reads '\\ufeffCom', not 'Nope'.\n"
        "line 2: R1: Arg2 T2 is not an entity of this file (missing)."
    )
    assert counts() == before


def test_import_map_needs_an_author_files_and_a_project(tmp_path):
    ProjectFactory(slug="empty")
    path = tmp_path / "smoking.json"
    path.write_text(json.dumps(aifdb()), encoding="utf-8")
    text = tmp_path / "smoking.txt"
    text.write_text(AIF_TEXT, encoding="utf-8")
    args = [str(path), "--project", "empty", "--format", "aif", "--text", str(text)]
    with pytest.raises(CommandError, match="author: Project empty has no owner"):
        call_command("import_map", *args)
    # The service names the row in the file's terms: the node.
    with pytest.raises(CommandError) as caught:
        call_command("import_map", *args, "--author", "ghost")
    assert str(caught.value).endswith(
        "node 10.author: There is no user named 'ghost'; create the account first, then "
        "import again."
    )
    with pytest.raises(CommandError, match="There is no project with slug 'nope'"):
        call_command("import_map", str(path), "--project", "nope", "--format", "aif")
    with pytest.raises(CommandError, match=r"Cannot read .*missing\.txt: No such file"):
        call_command("import_map", *args[:5], "--text", str(tmp_path / "missing.txt"))
    (tmp_path / "latin1.txt").write_bytes(b"caf\xe9")
    with pytest.raises(CommandError, match=r"latin1\.txt is not UTF-8 text"):
        call_command("import_map", *args[:5], "--text", str(tmp_path / "latin1.txt"))


def test_the_commands_refuse_a_duplicate_unless_allowed(tmp_path, source):
    project = source["document"].project
    export = tmp_path / "export.json"
    export.write_text(
        json.dumps(export_json(source["client"], source["document"].pk)), encoding="utf-8"
    )
    with pytest.raises(CommandError) as caught:
        call_command("import_annotations", str(export), "--project", project.slug)
    assert str(caught.value) == (
        f"{export} was not imported: A document with this title and text is already in this "
        f"project (document {source['document'].pk}). --allow-duplicate imports it all the same."
    )
    out = io.StringIO()
    call_command(
        "import_annotations", str(export), "--project", project.slug, "--allow-duplicate",
        stdout=out,
    )  # fmt: skip
    assert out.getvalue().startswith("Imported ")
    path, text = tmp_path / "smoking.json", tmp_path / "smoking.txt"
    path.write_text(json.dumps(aifdb()), encoding="utf-8")
    text.write_text(AIF_TEXT, encoding="utf-8")
    args = [str(path), "--project", project.slug, "--format", "aif", "--text", str(text)]
    call_command("import_map", *args, stdout=io.StringIO())
    with pytest.raises(CommandError, match="already in this project"):
        call_command("import_map", *args)
    call_command("import_map", *args, "--allow-duplicate", stdout=io.StringIO())
    assert Document.objects.filter(project=project, title="smoking").count() == 2
