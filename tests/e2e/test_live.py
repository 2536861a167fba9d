"""Live collaboration in a real Chromium: two people on the seed op-ed, each in their own browser.

Over the ASGI server (Daphne, as `make run` serves it) the pages follow each other through the
document's socket: what ben tags, links, edits, deletes and restores appears on ana's page
within a second without a reload, her reading position does not move, both see who is reading,
her open details follow ben's edit, and when both edit one note the conflict dialog shows both
and "Keep mine" saves hers with If-Match of his version. That test needs a server process of its
own on the test's database, so it runs on PostgreSQL (CI's PostgreSQL pass); SQLite's in-memory
test database cannot be shared.

Under the WSGI entry (pytest-django's live server) there is no socket: the page polls the change
feed, and the tests here check that fallback on any database.
"""

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from playwright.sync_api import Browser, BrowserContext, Page, expect

from annotator.models import Document, Role
from claims import services
from claims.models import Link, Tag
from tests.e2e.map_seed import tag_phrase
from tests.e2e.pages import open_document, screenshot, select_phrase
from tests.factories import MembershipFactory, UserFactory
from tests.load.servers import database_url, free_port, wait_until_up

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
CLAIM = "This agreement is unprecedented for both bilateral relations"
EVIDENCE = "so far, has no such agreement with any other nation"
#: How long a change may take to reach the other page: a second.
SOON = {"timeout": 1000}
#: ... and without a socket: the feed is read every 5 s.
POLLED = {"timeout": 8000}
#: The JavaScript errors and CSP violations of each page a test opened itself.
PAGE_ERRORS: dict[Page, list[str]] = {}

on_postgres = pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="the ASGI server shares the test database over the network: PostgreSQL only "
    "(CI's PostgreSQL pass)",
)


# --- Servers, people and browsers --------------------------------------------------------------


@pytest.fixture
def asgi_server(transactional_db, tmp_path: Path) -> Iterator[str]:
    """`manage.py runserver` (Daphne: HTTP and WebSocket) on a free port, on the test database;
    its base URL. Static files are served by it (--insecure) as DEBUG is off."""
    port = free_port()
    log = tmp_path / "asgi.log"
    env = {
        **os.environ,
        "DATABASE_URL": database_url(connection.settings_dict),
        "DJANGO_DEBUG": "0",
        "DJANGO_HTTPS": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "REDIS_URL": "",  # one process: the in-memory channel layer
    }
    with log.open("w") as out:
        process = subprocess.Popen(  # noqa: S603 - fixed arguments
            [
                sys.executable,
                "manage.py",
                "runserver",
                f"127.0.0.1:{port}",
                "--noreload",
                "--insecure",
                "--skip-checks",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url, process, seconds=60, log=log)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        server_log = log.read_text(errors="replace")
        assert "Traceback" not in server_log, server_log[-6000:]


def _add_session(context: BrowserContext, base_url: str, user: User) -> None:
    """Sign the browser in as ``user``: a session made here, in the shared database."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": base_url}])


def _signed_in(browser: Browser, base_url: str, user: User, width: int = 1280) -> Page:
    """A browser of its own, signed in as ``user``; its JavaScript errors and CSP violations
    are collected in ``PAGE_ERRORS``."""
    context: BrowserContext = browser.new_context(
        viewport={"width": width, "height": 900}, base_url=base_url
    )
    _add_session(context, base_url, user)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "console",
        lambda msg: (
            errors.append(msg.text)
            if msg.type == "error" and "Content Security Policy" in msg.text
            else None
        ),
    )
    PAGE_ERRORS[page] = errors
    return page


def _close(*pages: Page) -> None:
    for page in pages:
        # Let the page's requests finish before the database is flushed under them.
        with contextlib.suppress(Exception):
            page.wait_for_load_state("networkidle", timeout=3000)
        page.context.close()
    for page in pages:
        errors = PAGE_ERRORS.pop(page)
        assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.fixture
def people(seed: Document) -> dict[str, User]:
    """ana, a curator (she may edit anyone's tag), and ben, an annotator, in the demo project."""
    ana = UserFactory(username="ana")
    ben = UserFactory(username="ben")
    MembershipFactory(user=ana, project=seed.project, role=Role.CURATOR)
    MembershipFactory(user=ben, project=seed.project, role=Role.ANNOTATOR)
    return {"ana": ana, "ben": ben}


def _mark(page: Page, tag: Tag):
    return page.locator(f"mark.hl[data-tags~='{tag.pk}']").first


def _clear_toasts(page: Page) -> None:
    """Take the messages off the page, so the next one waited for is the next one shown."""
    page.evaluate("document.getElementById('toasts').replaceChildren()")


def _tag_by_hand(page: Page, phrase: str, key: str) -> Tag:
    _clear_toasts(page)
    select_phrase(page, 0, phrase)
    expect(page.locator("#toolbar")).to_be_visible()
    page.keyboard.press(key)
    expect(page.locator(".toast").last).to_contain_text("saved")
    return Tag.objects.latest("pk")


# --- Over the socket ---------------------------------------------------------------------------


@on_postgres
def test_two_people_follow_each_others_changes_live(browser: Browser, asgi_server, seed, people):
    ana = _signed_in(browser, asgi_server, people["ana"])
    ben = _signed_in(browser, asgi_server, people["ben"])
    try:
        _follow_each_other(ana, ben, seed)
    except Exception:
        screenshot(ana, "failed-live-ana")
        screenshot(ben, "failed-live-ben")
        raise
    finally:
        _close(ana, ben)


def _follow_each_other(ana: Page, ben: Page, seed: Document) -> None:
    ana_patches: list[dict[str, str]] = []
    ana.on(
        "request",
        lambda r: ana_patches.append(r.headers) if r.method == "PATCH" else None,
    )
    for page in (ana, ben):
        open_document(page, seed.pk)

    # Both are there, each for the other; the live line says nothing else.
    for page in (ana, ben):
        presence = page.locator("#presence-list li")
        expect(presence).to_have_text(
            ["ana (you)", "ben"] if page is ana else ["ben (you)", "ana"], timeout=5000
        )
        expect(page.locator("#live-status")).to_be_hidden()
    # A list a screen reader names, of usernames.
    expect(ana.get_by_role("list", name="Reading now:")).to_be_visible()

    # Ana reads further down; what ben does above her must not move her text.
    ana.locator("#p-9").scroll_into_view_if_needed()
    ana.evaluate("window.scrollBy(0, 150)")
    scrolled = ana.evaluate("window.scrollY")
    reading = ana.evaluate("document.querySelector('#p-9').getBoundingClientRect().top")

    # Ben tags a claim: it is painted on ana's page, counted, listed, and told.
    claim = _tag_by_hand(ben, CLAIM, "c")
    expect(_mark(ana, claim)).to_be_visible(**SOON)
    expect(ana.locator('[data-count="claim"]')).to_have_text("1", **SOON)
    expect(ana.locator(f"#tag-list button[data-tag='{claim.pk}']")).to_contain_text("ben")
    expect(ana.locator(".toast-live")).to_have_text("ben added a claim tag ✕")
    assert ana.evaluate("window.scrollY") == scrolled
    assert ana.evaluate("document.querySelector('#p-9').getBoundingClientRect().top") == reading

    # Ana opens the claim; ben adds evidence and links it to the claim: her card shows the link.
    ana.evaluate("window.scrollTo(0, 0)")
    _mark(ana, claim).click()
    card = ana.locator(f"#details .tag-card[data-tag='{claim.pk}']")
    expect(card.locator(".card-links")).to_contain_text("No links yet.")
    evidence = _tag_by_hand(ben, EVIDENCE, "e")
    expect(_mark(ana, evidence)).to_be_visible(**SOON)
    _mark(ben, evidence).click()
    ben.locator("#details").get_by_role("button", name="Link from this tag").click()
    _mark(ben, claim).click()
    _clear_toasts(ben)
    ben.locator("#link-dialog").get_by_role("button", name="Save link").click()
    expect(ben.locator(".toast").last).to_contain_text("Link saved")
    expect(card.locator(".card-links")).to_contain_text(f"supported by: “{EVIDENCE}”", **SOON)
    link = Link.objects.get()

    # Ben edits his claim's note: ana's open card shows it and says who did it.
    ben.keyboard.press("Escape")
    _mark(ben, claim).click()
    ben.locator("#details").get_by_label("Note", exact=True).fill("Ben's first note")
    _clear_toasts(ben)
    ben.locator("#details").get_by_role("button", name="Save changes").click()
    expect(ben.locator(".toast").last).to_contain_text("Changes saved")
    expect(card.locator(".tag-card-summary .note")).to_have_text("Ben's first note", **SOON)
    expect(card.locator(".card-notice")).to_have_text("Changed by ben just now.")
    # Her form was untouched: it now edits his version.
    expect(card.get_by_label("Note", exact=True)).to_have_value("Ben's first note")

    # Both edit the note: hers is kept while his arrives, and saving shows both.
    card.get_by_label("Note", exact=True).fill("Ana's note")
    ben.locator("#details").get_by_label("Note", exact=True).fill("Ben's second note")
    _clear_toasts(ben)
    ben.locator("#details").get_by_role("button", name="Save changes").click()
    expect(ben.locator(".toast").last).to_contain_text("Changes saved")
    expect(card.locator(".tag-card-summary .note")).to_have_text("Ben's second note", **SOON)
    expect(card.locator(".card-notice")).to_contain_text("Your unsaved edit is kept")
    expect(card.get_by_label("Note", exact=True)).to_have_value("Ana's note")
    claim.refresh_from_db()
    bens_version = claim.version
    card.get_by_role("button", name="Save changes").click()
    conflict = ana.locator("#details .conflict")
    expect(conflict).to_contain_text("ben changed this tag while you were editing it")
    note_row = conflict.locator('tr[data-field="note"]')
    expect(note_row.locator("td")).to_have_text(["Ana's note", "Ben's second note"])
    expect(conflict.locator('tr[data-field="kind"]')).to_contain_text("unchanged")
    screenshot(ana, "live-conflict")
    _clear_toasts(ana)
    conflict.get_by_role("button", name="Keep mine").click()
    expect(ana.locator(".toast").last).to_contain_text("Your version saved")
    claim.refresh_from_db()
    assert claim.note == "Ana's note"
    assert ana_patches[-2]["if-match"] == f'"tag-{claim.pk}-v{bens_version - 1}"'
    assert ana_patches[-1]["if-match"] == f'"tag-{claim.pk}-v{bens_version}"'
    # ... and ben sees hers, in his open card.
    expect(ben.locator("#details .tag-card-summary .note")).to_have_text("Ana's note", **SOON)
    expect(ben.locator("#details .card-notice")).to_have_text("Changed by ana just now.")

    # Ben deletes the evidence: gone from ana's text and from her card's links.
    ben.keyboard.press("Escape")
    _mark(ben, evidence).click()
    _clear_toasts(ben)
    ben.locator("#details").get_by_role("button", name="Delete tag").click()
    expect(ben.locator(".toast").last).to_contain_text("Evidence deleted")
    expect(ana.locator(f"mark.hl[data-tags~='{evidence.pk}']")).to_have_count(0, **SOON)
    expect(ana.locator('[data-count="evidence"]')).to_have_text("0", **SOON)
    expect(card.locator(".card-links")).to_contain_text("No links yet.", **SOON)

    # ... and restores it (Undo): back on ana's page, with its link.
    ben.locator(".toast").get_by_role("button", name="Undo").click()
    expect(ben.locator(".toast").last).to_contain_text("Evidence restored")
    expect(_mark(ana, evidence)).to_be_visible(**SOON)
    expect(card.locator(".card-links")).to_contain_text(f"supported by: “{EVIDENCE}”", **SOON)
    assert Link.objects.get().pk == link.pk

    # Ben leaves: ana's presence list follows.
    ben.context.close()
    expect(ana.locator("#presence-list li")).to_have_text(["ana (you)"], timeout=5000)


# --- Without a socket: polling the change feed -------------------------------------------------


def test_a_page_served_without_sockets_polls_the_change_feed(page: Page, live_server, seed, people):
    """Under the WSGI entry: no socket, the feed every few seconds. At 360 px and by keyboard,
    a conflict is resolved by merging the two notes by hand."""
    ben = people["ben"]
    _add_session(page.context, live_server.url, people["ana"])
    page.set_viewport_size({"width": 360, "height": 800})
    edits: list[dict[str, str]] = []
    page.on("request", lambda r: edits.append(r.headers) if r.method == "PATCH" else None)
    open_document(page, seed.pk)
    expect(page.locator("#live-status-text")).to_have_text("Checking for changes every 5 s")
    expect(page.locator("#presence")).to_be_hidden()

    claim = tag_phrase(ben, seed, 0, CLAIM, "claim")
    expect(_mark(page, claim)).to_be_visible(**POLLED)
    expect(page.locator(".toast-live")).to_contain_text("ben added a claim tag")
    expect(page.locator('[data-count="claim"]')).to_have_text("1")

    # Ana starts a note; ben's arrives meanwhile: hers stays in the form.
    _mark(page, claim).click()
    card = page.locator(f"#details .tag-card[data-tag='{claim.pk}']")
    note = card.get_by_label("Note", exact=True)
    note.fill("Ana's note")
    services.tag_update(actor=ben, tag=claim, note="Ben's note")
    expect(card.locator(".tag-card-summary .note")).to_have_text("Ben's note", **POLLED)
    expect(card.locator(".card-notice")).to_contain_text("Changed by ben just now.")
    expect(note).to_have_value("Ana's note")

    # Saving shows both; she merges them by hand, by keyboard.
    card.get_by_role("button", name="Save changes").focus()
    page.keyboard.press("Enter")
    conflict = card.locator(".conflict")
    expect(conflict.get_by_role("heading")).to_be_focused()
    expect(conflict.locator('tr[data-field="note"] td')).to_have_text(["Ana's note", "Ben's note"])
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page is {width} px wide at 360 px"
    screenshot(page, "live-conflict-360")
    merge = conflict.get_by_role("button", name="Merge the notes…")
    for _ in range(3):
        if merge.evaluate("el => el === document.activeElement"):
            break
        page.keyboard.press("Tab")
    expect(merge).to_be_focused()
    page.keyboard.press("Enter")
    merged = conflict.get_by_label("Merged note", exact=False)
    expect(merged).to_be_focused()
    expect(merged).to_have_value("Ana's note\n\nBen's note")
    merged.fill("Ana's and Ben's note")
    page.keyboard.press("Tab")
    expect(conflict.get_by_role("button", name="Save merged note")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(".toast").last).to_contain_text("Merged note saved")
    claim.refresh_from_db()
    assert claim.note == "Ana's and Ben's note"
    assert edits[-1]["if-match"] == f'"tag-{claim.pk}-v{claim.version - 1}"'
    assert len(edits) == 2  # the refused save and the merged one: nothing else was written


def test_review_and_map_pages_follow_without_redrawing_under_the_reader(
    page: Page, live_server, seed, people, member_of
):
    """The review page drops a tag deleted meanwhile and one a curator decided meanwhile, each
    with a polite note; the map page offers "N changes: redraw" and redraws only when asked."""
    ben = people["ben"]
    first = tag_phrase(ben, seed, 0, CLAIM, "claim")
    second = tag_phrase(ben, seed, 0, EVIDENCE, "evidence")
    viewer, _ = member_of("annotator", "cy")
    _add_session(page.context, live_server.url, User.objects.get(username=viewer))
    page.goto(f"/documents/{seed.pk}/review/")
    page.wait_for_selector("body[data-ready=true]")
    queue = page.locator("#queue-list li")
    expect(queue).to_have_count(2)
    expect(page.locator("#card")).to_have_attribute("data-tag", str(first.pk))

    # A curator accepts the tag shown: it needs no review; it stays until cy moves on.
    services.tag_decide(actor=people["ana"], tag=first, status="accepted")
    note = page.locator("#live-note")
    expect(note).to_have_text(
        "ana accepted this tag just now: it needs no review and leaves your queue when you "
        "move on.",
        **POLLED,
    )
    expect(page.locator("#announce")).to_have_text(note.inner_text())
    expect(page.locator("#card-status")).to_have_text("accepted")
    page.get_by_role("button", name="Next / skip").click()
    expect(queue).to_have_count(1)
    expect(page.locator("#card")).to_have_attribute("data-tag", str(second.pk))

    # Ben deletes the tag shown: it leaves, and the page says so.
    services.tag_delete(actor=ben, tag=second)
    expect(note).to_have_text(
        "ben deleted the tag you were looking at; it has left the queue.", **POLLED
    )
    expect(queue).to_have_count(0)
    expect(page.locator("#done")).to_be_visible()

    # The map counts changes and redraws when asked.
    page.goto(f"/documents/{seed.pk}/map/")
    page.wait_for_selector("body[data-ready=true]")
    expect(page.locator("#map-summary")).to_contain_text("1 statement")
    redraw = page.get_by_role("button", name="redraw")
    expect(redraw).to_be_hidden()
    third = tag_phrase(ben, seed, 1, "Marking the immediate backdrop", "claim")
    services.link_create(actor=ben, source=third, target=first, relation="supports")
    expect(redraw).to_have_text("2 changes: redraw", **POLLED)
    expect(page.locator("#map-summary")).to_contain_text("1 statement")  # not under the reader
    redraw.click()
    page.wait_for_selector("body[data-ready=true]")
    expect(page.locator("#map-summary")).to_contain_text("2 statements and 1 link")
    expect(page.get_by_role("button", name="redraw")).to_be_hidden()
