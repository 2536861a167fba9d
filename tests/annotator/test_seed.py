"""manage.py load_seed: the shipped op-ed, character for character, loaded once."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from annotator.importing import SEED_FILE, seed_read
from annotator.models import Document, Membership, Project, Role
from annotator.paragraphs import ImportFileError
from tests.factories import MembershipFactory, ProjectFactory, UserFactory

NBSP = "\u00a0"
HEADLINE = "Opinion: China and India make a breakthrough in internal security cooperation"
CAPTION = "Indian and Chinese troops take part in the India-China joint training exercise"


def seed_lines() -> list[str]:
    # Read independently of the code under test: the file's non-empty lines, as bytes decoded.
    return [line for line in SEED_FILE.read_bytes().decode("utf-8").split("\n") if line]


def load_seed(*args: str) -> str:
    out = StringIO()
    call_command("load_seed", *args, stdout=out)
    return out.getvalue()


def test_shipped_seed_is_the_shared_file_byte_for_byte(shared_dir):
    shared = shared_dir / "seed" / SEED_FILE.name
    assert SEED_FILE.read_bytes() == shared.read_bytes()


def test_seed_file_has_caption_headline_and_16_paragraphs():
    lines = seed_lines()
    assert len(lines) == 18
    assert lines[0] == CAPTION
    assert lines[1] == HEADLINE


def test_seed_read_rejects_a_damaged_file(tmp_path):
    path = tmp_path / "seed.txt"
    path.write_bytes(SEED_FILE.read_bytes().replace(b"\n\nSo this bold", b" So this bold"))
    with pytest.raises(ImportFileError, match=r"expected 18 non-blank lines .* found 17"):
        seed_read(path)


@pytest.mark.django_db
def test_load_seed_creates_user_project_and_document():
    out = load_seed()
    user = get_user_model().objects.get(username="demo")
    assert user.check_password("demo")
    project = Project.objects.get(slug="demo")
    assert project.name == "Demo project"
    assert Membership.objects.get(project=project, user=user).role == Role.OWNER
    document = Document.objects.get(project=project)
    assert document.title == HEADLINE
    assert document.byline == "Swaran Singh"
    assert document.caption == CAPTION
    assert document.created_by == user
    assert "Created user 'demo'" in out
    assert f"document {document.pk}" in out


@pytest.mark.django_db
def test_seed_paragraphs_equal_their_lines_character_for_character():
    load_seed()
    document = Document.objects.get(project__slug="demo")
    paragraphs = list(document.paragraphs.order_by("position").values_list("text", flat=True))
    assert len(paragraphs) == 16
    assert paragraphs == seed_lines()[2:]
    assert paragraphs[-1].startswith("Swaran Singh is a professor")


@pytest.mark.django_db
def test_seed_keeps_no_break_spaces_in_body_paragraph_3():
    load_seed()
    third = Document.objects.get(project__slug="demo").paragraphs.get(position=2).text
    assert third.count(NBSP) == 2
    assert f"resetting{NBSP}their bilateral relations.{NBSP}Now, moving" in third


@pytest.mark.django_db
def test_seed_keeps_every_character_outside_ascii():
    load_seed()
    texts = Document.objects.get(project__slug="demo").paragraphs.values_list("text", flat=True)
    non_ascii = sorted(c for text in texts for c in text if ord(c) > 127)
    assert non_ascii == sorted([NBSP, NBSP, "\u2013", "\u2013"])


@pytest.mark.django_db
def test_load_seed_twice_creates_nothing_new():
    load_seed()
    counts = (
        get_user_model().objects.count(),
        Project.objects.count(),
        Membership.objects.count(),
        Document.all_objects.count(),
    )
    out = load_seed()
    assert out.startswith("Nothing to do")
    assert (
        get_user_model().objects.count(),
        Project.objects.count(),
        Membership.objects.count(),
        Document.all_objects.count(),
    ) == counts
    assert Document.objects.get(project__slug="demo").paragraphs.count() == 16


@pytest.mark.django_db
def test_existing_demo_password_is_never_reset():
    UserFactory(username="demo", password="changed-by-the-admin")
    load_seed()
    user = get_user_model().objects.get(username="demo")
    assert user.check_password("changed-by-the-admin")
    assert not user.check_password("demo")


@pytest.mark.django_db
def test_existing_demo_project_gets_the_document_and_demo_as_owner():
    project = ProjectFactory(slug="demo", name="Kept name")
    other_owner = MembershipFactory(project=project, role=Role.OWNER).user
    MembershipFactory(project=project, user__username="demo", role=Role.VIEWER)
    load_seed()
    project.refresh_from_db()
    assert project.name == "Kept name"
    assert set(
        Membership.objects.filter(project=project, role=Role.OWNER).values_list("user", flat=True)
    ) == {other_owner.pk, get_user_model().objects.get(username="demo").pk}
    assert Document.objects.filter(project=project, title=HEADLINE).count() == 1


@pytest.mark.django_db
def test_deleted_seed_document_is_not_loaded_again():
    load_seed()
    document = Document.objects.get(project__slug="demo")
    Document.all_objects.filter(pk=document.pk).update(deleted_at="2024-01-01T00:00:00Z")
    assert load_seed().startswith("Nothing to do")
    assert Document.all_objects.count() == 1


@pytest.mark.django_db
def test_owner_option_uses_an_existing_user_and_makes_no_demo_user():
    UserFactory(username="alice")
    load_seed("--owner", "alice")
    assert not get_user_model().objects.filter(username="demo").exists()
    membership = Membership.objects.get(project__slug="demo")
    assert (membership.user.username, membership.role) == ("alice", Role.OWNER)


@pytest.mark.django_db
def test_owner_option_with_unknown_user_fails_and_writes_nothing():
    with pytest.raises(CommandError, match="no user named 'ghost'"):
        load_seed("--owner", "ghost")
    assert not Project.objects.exists()
