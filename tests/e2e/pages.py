"""Steps a person takes in the browser, shared by the browser tests."""

import os
from pathlib import Path

from playwright.sync_api import Page

#: Where the suite saves screenshots of the pages (README points here).
SCREENSHOTS = Path(os.environ.get("E2E_SCREENSHOTS", "screenshots"))


def sign_in(page: Page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url("**/")


def open_document(page: Page, document_id: int) -> None:
    page.goto(f"/documents/{document_id}/")
    page.wait_for_selector("body[data-ready=true]")


def select_phrase(page: Page, position: int, phrase: str, occurrence: int = 0) -> None:
    """Select ``phrase`` in paragraph ``position`` by dragging the real mouse across it."""
    box = page.evaluate(
        """([position, phrase, occurrence]) => {
            const el = document.querySelector(`#p-${position} .para-text`);
            const text = el.textContent;
            let at = -1;
            for (let i = 0; i <= occurrence; i++) at = text.indexOf(phrase, at + 1);
            if (at < 0) return null;
            const locate = (offset) => {
                const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
                let seen = 0;
                for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                    if (offset < seen + node.length) return [node, offset - seen];
                    seen += node.length;
                }
                return null;
            };
            const rectOf = (offset, width) => {
                const [node, local] = locate(offset);
                const range = document.createRange();
                range.setStart(node, local);
                range.setEnd(node, local + width);
                return range.getBoundingClientRect();
            };
            const tail = phrase.charCodeAt(phrase.length - 1);
            const lastWidth = tail >= 0xdc00 && tail <= 0xdfff ? 2 : 1;
            const firstWidth = phrase.codePointAt(0) > 0xffff ? 2 : 1;
            window.scrollBy(0, rectOf(at, firstWidth).top - window.innerHeight / 3);
            const first = rectOf(at, firstWidth);
            const last = rectOf(at + phrase.length - lastWidth, lastWidth);
            return {x1: first.left + 1, y1: first.top + first.height / 2,
                    x2: last.right - 1, y2: last.top + last.height / 2};
        }""",
        [position, phrase, occurrence],
    )
    assert box is not None, f"{phrase!r} is not in paragraph {position}"
    page.mouse.move(box["x1"], box["y1"])
    page.mouse.down()
    page.mouse.move((box["x1"] + box["x2"]) / 2, (box["y1"] + box["y2"]) / 2, steps=3)
    page.mouse.move(box["x2"], box["y2"], steps=3)
    page.mouse.up()


def screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=False)
