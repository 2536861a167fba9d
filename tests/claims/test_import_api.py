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
from claims.importing import annotations_import
from claims.models import HistoryEntry, Link, Review, Tag
from claims.selectors import document_snapshot
from claims.snapshot import DocumentSnapshot, LinkRow, ParagraphRow, TagRow
from tests.claims.test_export_formats import make_snapshot
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

MAP_TEXT = "India and China agreed to share intelligence. Critics call it talk."


def map_snapshot(links: tuple[LinkRow, ...] | None = None) -> DocumentSnapshot:
    """One paragraph, two passages and an implicit statement, a linked argument of two
    premises, an undercut of its first link and an undercut of that undercut. The undercuts
    come first, so the service has to create the links they attack before them."""
    text = MAP_TEXT
    claim_end = text.index(".") + 1
    critics = text.index("Critics")

    def tag(tag_id: int, start: int | None, end: int | None, kind: str, quote: str = "") -> TagRow:
        passage = start is not None
        return TagRow(
            id=tag_id,
            paragraph_id=7 if passage else None,
            paragraph_position=0 if passage else None,
            start=start,
            end=end,
            quote=text[start:end] if passage else quote,
            prefix=text[max(0, start - 32) : start] if passage else "",
            suffix=text[end : end + 32] if passage else "",
            kind=kind,
            note="",
            author="alice",
        )

    if links is None:
        links = (
            LinkRow(40, 3, None, "undercuts", "", "bob", target_link_id=30),
            LinkRow(30, 2, None, "undercuts", "<em>why?</em>", "bob", target_link_id=10),
            LinkRow(10, 1, 2, "supports", "", "alice", group="both"),
            LinkRow(20, 3, 2, "supports", "", "alice", group="both"),
        )
    return DocumentSnapshot(
        id=None,
        title="A map",
        paragraphs=(ParagraphRow(id=7, position=0, text=text),),
        tags=(
            tag(1, 0, claim_end, "evidence"),
            tag(2, critics, len(text), "claim"),
            tag(3, None, None, "evidence", quote="Sharing intelligence is cooperation."),
        ),
        links=links,
    )


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
