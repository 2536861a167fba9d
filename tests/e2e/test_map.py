"""The argument map in a real Chromium: link tags on the document page (supports, attacks, a
linked premise, an implicit statement, an undercut), see the links on the map page, follow a
node back to its passage, switch the map's views, read the map check, pan and zoom."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from claims import services
from claims.models import Link, Tag
from tests.e2e.map_seed import argue_about_the_seed, tag_phrase
from tests.e2e.pages import open_document, screenshot, sign_in

pytestmark = pytest.mark.e2e

CLAIM = "This agreement is unprecedented for both bilateral relations"
EVIDENCE = "so far, has no such agreement with any other nation"
OTHER = "China and India launched their first joint training program for 10 Afghan diplomats"


def demo_user():
    return get_user_model().objects.get(username="demo")


def mark_of(page: Page, tag: Tag):
    return page.locator(f"mark.hl[data-tags~='{tag.pk}']").first


def open_map(page: Page, document_id: int, query: str = "") -> None:
    page.goto(f"/documents/{document_id}/map/{query}")
    page.wait_for_selector("body[data-ready=true]")


def view_box(page: Page) -> list[float]:
    return [float(v) for v in page.locator("svg.argmap").get_attribute("viewBox").split()]


def test_link_two_tags_see_the_edge_on_the_map_and_click_back_to_the_passage(page: Page, seed):
    claim = tag_phrase(demo_user(), seed, 0, CLAIM, "claim")
    evidence = tag_phrase(demo_user(), seed, 0, EVIDENCE, "evidence")
    sign_in(page, "demo", "demo")
    open_document(page, seed.pk)
    page.wait_for_selector("body[data-links-ready=true]")

    mark_of(page, evidence).click()
    details = page.locator("#details")
    expect(details).to_contain_text("No links yet.")
    details.get_by_role("button", name="Link from this tag").click()
    expect(details).to_be_hidden()
    banner = page.locator("#link-banner")
    expect(banner).to_contain_text("Pick the tag this one supports or attacks (Esc cancels)")

    mark_of(page, claim).click()
    dialog = page.locator("#link-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(EVIDENCE[:30])
    expect(dialog.get_by_label("supports")).to_be_checked()
    dialog.get_by_label("Note (optional)").fill("No other nation has one")
    dialog.get_by_role("button", name="Save link").click()

    # Shown at once, in the source's details, and saved.
    expect(dialog).to_be_hidden()
    expect(banner).to_be_hidden()
    expect(details.locator(".link-item")).to_contain_text(f"supports: “{CLAIM}”")
    link = Link.objects.get()
    assert (link.source_id, link.target_id, link.relation) == (evidence.pk, claim.pk, "supports")
    assert link.note == "No other nation has one"
    # ... and in the target's details.
    page.keyboard.press("Escape")
    mark_of(page, claim).click()
    expect(details.locator(".link-item")).to_contain_text("supported by: “so far, has no such")

    # The map shows the edge; a node leads back to its passage.
    with page.expect_navigation():
        details.get_by_role("link", name="Show on map").click()
    page.wait_for_selector("body[data-ready=true]")
    assert page.url.endswith(f"/documents/{seed.pk}/map/?tag={claim.pk}")
    edge = page.locator(f"g.edge.supports[data-source='{evidence.pk}'][data-target='{claim.pk}']")
    expect(edge).to_have_count(1)
    expect(page.locator(f"#node-{claim.pk}")).to_have_class(re.compile("focused"))
    expect(page.locator("#map-focus-note")).to_contain_text(CLAIM)

    with page.expect_navigation():
        page.locator(f"#node-{evidence.pk}").click()
    page.wait_for_selector("body[data-ready=true]")
    assert page.url.endswith(f"/documents/{seed.pk}/#tag-{evidence.pk}")
    expect(mark_of(page, evidence)).to_have_class(re.compile("selected"))
    expect(mark_of(page, evidence)).to_be_in_viewport()
    expect(page.locator("#details blockquote")).to_have_text(EVIDENCE)
    expect(page.locator(f"#tag-list li.selected button[data-tag='{evidence.pk}']")).to_have_count(1)


def test_link_by_keyboard_as_a_linked_premise_then_delete_and_undo(page: Page, seed):
    demo = demo_user()
    claim = tag_phrase(demo, seed, 0, CLAIM, "claim")
    first = tag_phrase(demo, seed, 0, EVIDENCE, "evidence")
    second = tag_phrase(demo, seed, 1, OTHER, "evidence")
    services.link_create(actor=demo, source=first, target=claim, relation="supports")
    sign_in(page, "demo", "demo")
    open_document(page, seed.pk)
    page.wait_for_selector("body[data-links-ready=true]")

    page.locator(f"#tag-list button[data-tag='{second.pk}']").focus()
    page.keyboard.press("Enter")
    start = page.locator("#details").get_by_role("button", name="Link from this tag")
    start.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#link-banner-text")).to_be_focused()
    page.locator(f"#tag-list button[data-tag='{claim.pk}']").focus()
    page.keyboard.press("Enter")
    dialog = page.locator("#link-dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Linked premise (optional)").select_option(
        label=f"together with “{EVIDENCE}” (which supports it)"
    )
    expect(dialog.get_by_label("attacks")).to_be_disabled()
    dialog.get_by_role("button", name="Save link").focus()
    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()

    links = list(Link.objects.order_by("id"))
    assert [(lk.source_id, lk.target_id, lk.relation) for lk in links] == [
        (first.pk, claim.pk, "supports"),
        (second.pk, claim.pk, "supports"),
    ]
    assert links[0].group == links[1].group != ""
    item = page.locator("#details .link-item").first
    expect(item).to_contain_text("a linked premise")

    item.get_by_role("button", name="Delete link").click()
    expect(page.locator("#details")).to_contain_text("No links yet.")
    assert not Link.objects.filter(pk=links[1].pk).exists()
    page.locator(".toast").get_by_role("button", name="Undo").click()
    expect(page.locator("#details .link-item")).to_have_count(1)
    assert Link.objects.filter(pk=links[1].pk).exists()


def test_attacks_and_escape_cancels_linking(page: Page, seed):
    claim = tag_phrase(demo_user(), seed, 0, CLAIM, "claim")
    other = tag_phrase(demo_user(), seed, 1, OTHER, "evidence")
    sign_in(page, "demo", "demo")
    open_document(page, seed.pk)
    mark_of(page, other).click()
    page.locator("#details").get_by_role("button", name="Link from this tag").click()
    page.keyboard.press("Escape")
    expect(page.locator("#link-banner")).to_be_hidden()
    # Clicking a highlight now opens its details again, not a link form.
    mark_of(page, claim).click()
    expect(page.locator("#link-dialog")).to_be_hidden()
    expect(page.locator("#details blockquote")).to_have_text(CLAIM)

    page.keyboard.press("Escape")
    mark_of(page, other).click()
    page.locator("#details").get_by_role("button", name="Link from this tag").click()
    mark_of(page, other).click()  # itself: refused
    expect(page.locator(".toast-warning")).to_contain_text("cannot support or attack itself")
    mark_of(page, claim).click()
    page.locator("#link-dialog").get_by_label("attacks").check()
    page.locator("#link-dialog").get_by_role("button", name="Save link").click()
    expect(page.locator("#details .link-item")).to_contain_text(f"attacks: “{CLAIM}”")
    assert Link.objects.get().relation == "attacks"


def test_add_an_implicit_statement_and_link_it(page: Page, seed):
    claim = tag_phrase(demo_user(), seed, 0, CLAIM, "claim")
    sign_in(page, "demo", "demo")
    open_document(page, seed.pk)
    page.get_by_role("button", name="Add an unstated premise/conclusion").click()
    form = page.locator("#implicit-form")
    form.get_by_label("Kind").select_option("evidence")
    form.get_by_label("The unstated statement").fill("No treaty like it exists elsewhere.")
    form.get_by_role("button", name="Add statement").click()
    expect(form).to_be_hidden()

    implicit = Tag.objects.get(paragraph__isnull=True)
    assert (implicit.kind, implicit.quote, implicit.document_id) == (
        "evidence",
        "No treaty like it exists elsewhere.",
        seed.pk,
    )
    entry = page.locator("#tag-list li.implicit")
    expect(entry).to_contain_text("implicit")
    expect(entry).to_contain_text("No treaty like it exists elsewhere.")
    dashed = entry.locator("button").evaluate("b => getComputedStyle(b).borderLeftStyle")
    assert dashed == "dashed"

    entry.locator("button").click()
    details = page.locator("#details")
    expect(details).to_contain_text("implicit: a statement the author left unstated")
    details.get_by_role("button", name="Link from this tag").click()
    mark_of(page, claim).click()
    page.locator("#link-dialog").get_by_role("button", name="Save link").click()
    expect(details.locator(".link-item")).to_contain_text(f"supports: “{CLAIM}”")
    link = Link.objects.get()
    assert (link.source_id, link.target_id) == (implicit.pk, claim.pk)

    open_map(page, seed.pk)
    expect(page.locator(f"#node-{implicit.pk}")).to_have_class(re.compile("implicit"))
    expect(page.locator(f"#node-{implicit.pk}")).to_contain_text("EVIDENCE · implicit")
    expect(page.locator(f"g.edge[data-source='{implicit.pk}']")).to_have_count(1)


def test_undercut_a_link_from_the_details_of_its_target(page: Page, seed, member_of):
    demo = demo_user()
    claim = tag_phrase(demo, seed, 0, CLAIM, "claim")
    evidence = tag_phrase(demo, seed, 0, EVIDENCE, "evidence")
    doubt = tag_phrase(demo, seed, 1, OTHER, "evidence")
    supports = services.link_create(actor=demo, source=evidence, target=claim, relation="supports")
    sign_in(page, "demo", "demo")
    page.goto(f"/documents/{seed.pk}/#tag-{claim.pk}")
    page.wait_for_selector("body[data-links-ready=true]")
    details = page.locator("#details")
    expect(details.locator(".link-item")).to_contain_text("supported by:")

    details.get_by_role("button", name="Undercut this link").click()
    expect(page.locator("#link-banner")).to_contain_text("Pick the tag that undercuts the link")
    mark_of(page, doubt).click()
    dialog = page.locator("#link-dialog")
    expect(dialog.locator("h2")).to_have_text("Undercut a link")
    expect(dialog).to_contain_text("does not hold")
    dialog.get_by_role("button", name="Save undercut").click()

    expect(details.locator(".link-item")).to_contain_text("undercuts: the link “so far")
    undercut = Link.objects.get(relation="undercuts")
    assert (undercut.source_id, undercut.target_id, undercut.target_link_id) == (
        doubt.pk,
        None,
        supports.pk,
    )

    # The target's details show the undercut under the link it attacks.
    page.keyboard.press("Escape")
    mark_of(page, claim).click()
    expect(details.locator(".link-item ul .link-item")).to_contain_text("undercut by: “China")

    open_map(page, seed.pk)
    expect(page.locator(f"g.edge.undercuts[data-target-link='{supports.pk}']")).to_have_count(1)


def test_details_show_status_verdicts_and_review_comments_in_order(page: Page, seed, member_of):
    claim = tag_phrase(demo_user(), seed, 0, CLAIM, "claim")
    member_of("annotator", "bo")
    member_of("annotator", "cy")
    users = get_user_model().objects
    services.review_submit(
        actor=users.get(username="bo"), tag=claim, verdict="agree", comment="Clearly <em>so</em>."
    )
    services.review_submit(
        actor=users.get(username="cy"), tag=claim, verdict="disagree", comment="Not unprecedented."
    )
    sign_in(page, "demo", "demo")
    page.goto(f"/documents/{seed.pk}/#tag-{claim.pk}")
    details = page.locator("#details")
    expect(details.locator(".status-badge")).to_have_text("disputed")
    expect(details.locator(".verdicts")).to_have_text("1 agree · 1 disagree")
    reviews = details.locator(".review-list li")
    expect(reviews).to_have_count(2)
    expect(reviews.nth(0)).to_have_text("bo agrees: Clearly so.")
    expect(reviews.nth(1)).to_have_text("cy disagrees: Not unprecedented.")
    expect(reviews.nth(0).locator("em")).to_have_text("so")


def test_map_views_findings_and_the_seed_screenshot(page: Page, seed, member_of):
    demo = demo_user()
    argument = argue_about_the_seed(seed, demo)
    member_of("annotator", "bo")
    bo = get_user_model().objects.get(username="bo")
    lonely = tag_phrase(bo, seed, 8, "an extradition treaty between China and India", "claim")
    for name in ("strategic", "police", "pap"):
        services.tag_decide(actor=demo, tag=argument.tags[name], status="accepted")
    total = len(argument.tags) + 1

    sign_in(page, "demo", "demo")
    page.set_viewport_size({"width": 1440, "height": 900})  # the README's picture
    open_map(page, seed.pk)
    expect(page.locator("#map-summary")).to_contain_text(f"{total} statements and 10 links")
    expect(page.locator("svg.argmap .node")).to_have_count(total)
    expect(page.locator("svg.argmap .junction")).to_have_count(1)
    expect(page.locator("svg.argmap .edge.undercuts")).to_have_count(1)
    # screenshots/map.png; docs/map-seed.png (in the README) is a copy of a good one.
    screenshot(page, "map")

    # The map check names and links the tags of each finding.
    findings = page.locator("#findings > li")
    unsupported = findings.filter(has_text="Unsupported claim")
    expect(unsupported).to_contain_text("an extradition treaty between China and India")
    expect(unsupported.locator(f"a[href='/documents/{seed.pk}/#tag-{lonely.pk}']")).to_have_count(1)
    opinion = findings.filter(has_text="Opinion offered as evidence")
    expect(opinion).to_contain_text("most formidable challenge")
    opinion.get_by_role("link", name=re.compile("on the map")).first.click()
    formidable = argument.tags["formidable"].pk
    expect(page.locator(f"#node-{formidable}")).to_have_class(re.compile("focused"))
    assert page.url.endswith(f"tag={formidable}")

    # One author's map.
    page.get_by_label("Whose tags").select_option("bo")
    with page.expect_navigation():
        page.get_by_role("button", name="Show").click()
    page.wait_for_selector("body[data-ready=true]")
    expect(page.locator("#map-summary")).to_contain_text("1 statement and 0 links · bo\u2019s tags")
    expect(page.locator("svg.argmap .node")).to_have_count(1)
    expect(page.locator(f"#node-{lonely.pk}")).to_have_count(1)

    # Everyone's accepted tags only: the linked argument of two accepted premises stays.
    page.get_by_label("Whose tags").select_option("")
    page.get_by_label("Accepted tags only").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Show").click()
    page.wait_for_selector("body[data-ready=true]")
    assert "status=accepted" in page.url
    expect(page.locator("#map-summary")).to_contain_text("3 statements and 2 links")
    expect(page.locator("svg.argmap .junction")).to_have_count(1)
    expect(page.locator("#findings")).to_contain_text("Nothing to report")

    page.get_by_role("link", name="← Back to the document").click()
    page.wait_for_selector("body[data-ready=true]")
    assert page.url.endswith(f"/documents/{seed.pk}/")


def test_pan_and_zoom_with_buttons_keys_mouse_and_tab(page: Page, seed):
    argue_about_the_seed(seed, demo_user())
    sign_in(page, "demo", "demo")
    open_map(page, seed.pk)
    viewport = page.locator("#map-viewport")
    fitted = view_box(page)

    page.get_by_role("button", name="Zoom in").click()
    zoomed = view_box(page)
    assert zoomed[2] < fitted[2]
    assert zoomed[3] < fitted[3]
    page.get_by_role("button", name="Fit").click()
    assert view_box(page) == pytest.approx(fitted)

    viewport.focus()
    page.keyboard.press("+")
    page.keyboard.press("+")
    before = view_box(page)
    assert before[2] < fitted[2]
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowDown")
    moved = view_box(page)
    assert moved[0] > before[0]
    assert moved[1] > before[1]
    page.keyboard.press("-")
    assert view_box(page)[2] > moved[2]
    page.keyboard.press("0")
    assert view_box(page) == pytest.approx(fitted)

    box = viewport.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.wheel(0, -400)
    page.wait_for_function(
        "w => Number(document.querySelector('svg.argmap').getAttribute('viewBox')"
        ".split(' ')[2]) < w",
        arg=fitted[2],
    )
    wheeled = view_box(page)
    assert wheeled[2] < fitted[2]
    page.mouse.move(box["x"] + 20, box["y"] + 20)
    page.mouse.down()
    page.mouse.move(box["x"] + 120, box["y"] + 80, steps=5)
    page.mouse.up()
    dragged = view_box(page)
    assert dragged[0] < wheeled[0]
    assert dragged[1] < wheeled[1]
    assert page.url.endswith("/map/")  # a drag that ends on a node does not follow its link

    # Tab walks through the statements, each a link to its passage.
    viewport.focus()
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert re.fullmatch(rf"/documents/{seed.pk}/#tag-\d+", focused)
    page.keyboard.press("Tab")
    second = page.evaluate("document.activeElement.getAttribute('href')")
    assert second != focused
    assert second.startswith(f"/documents/{seed.pk}/#tag-")


def test_the_map_page_fits_a_phone(page: Page, seed):
    argue_about_the_seed(seed, demo_user())
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in(page, "demo", "demo")
    open_map(page, seed.pk)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    expect(page.locator("#map-viewport")).to_be_visible()
    expect(page.get_by_role("button", name="Zoom in")).to_be_visible()
    expect(page.locator("#findings")).to_be_visible()
    screenshot(page, "map-phone")


def test_the_document_page_opens_a_passage_from_its_address(page: Page, seed):
    claim = tag_phrase(demo_user(), seed, 12, "which will remain important", "claim")
    sign_in(page, "demo", "demo")
    page.goto(f"/documents/{seed.pk}/#tag-{claim.pk}")
    page.wait_for_selector("body[data-ready=true]")
    expect(mark_of(page, claim)).to_have_class(re.compile("selected"))
    expect(mark_of(page, claim)).to_be_in_viewport()
    expect(page.locator("#details blockquote")).to_have_text("which will remain important")

    page.goto(f"/documents/{seed.pk}/#tag-999999")
    page.wait_for_selector("body[data-ready=true]")
    expect(page.locator(".toast-warning")).to_contain_text("not on this page")
