"""How fast the document page is with many tags: server HTML time and highlight painting.

Seeds the op-ed with N tags (default 2,000) by several authors, serves the app with gunicorn
and opens the page in headless Chromium, reading the browser's own timings.
"""

import argparse
import time

from bench.setup import bulk_tags, configure_django, gunicorn, percentile

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def run(tags: int = 2000, loads: int = 10) -> dict:
    configure_django()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from annotator.models import Document, Membership, Role

    call_command("load_seed", verbosity=0)
    document = Document.objects.get(project__slug="demo")
    User = get_user_model()
    authors = [User.objects.get(username="demo")]
    for i in range(4):
        user = User.objects.create_user(f"bench{i}", password="bench-password")  # noqa: S106  # noqa: S106
        Membership.objects.create(user=user, project=document.project, role=Role.ANNOTATOR)
        authors.append(user)
    bulk_tags(document, tags, authors)

    from playwright.sync_api import sync_playwright

    with gunicorn(workers=2) as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{url}/accounts/login/")
        page.fill("#id_username", "demo")
        page.fill("#id_password", "demo")
        page.click("button[type=submit]")
        page.wait_for_url(f"{url}/")
        html_ms, paint_ms, ready_ms, sizes = [], [], [], []
        for _ in range(loads):
            page.goto(f"{url}/documents/{document.pk}/")
            page.wait_for_selector("body[data-ready=true]")
            timing = page.evaluate(
                """() => {
                    const nav = performance.getEntriesByType('navigation')[0];
                    return {html: nav.responseEnd - nav.requestStart, size: nav.transferSize,
                            paint: Number(document.body.dataset.paintMs),
                            ready: Number(document.body.dataset.readyAt)};
                }"""
            )
            html_ms.append(timing["html"])
            paint_ms.append(timing["paint"])
            ready_ms.append(timing["ready"])
            sizes.append(timing["size"])
        marks = page.locator("mark.hl").count()
        browser.close()
    return {
        "tags": tags,
        "marks": marks,
        "html_ms_p50": percentile(html_ms, 50),
        "html_ms_max": max(html_ms),
        "paint_ms_p50": percentile(paint_ms, 50),
        "ready_after_navigation_ms_p50": percentile(ready_ms, 50),
        "ready_after_navigation_ms_max": max(ready_ms),
        "html_kb": round(max(sizes) / 1024),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tags", type=int, default=2000)
    parser.add_argument("--loads", type=int, default=10)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    result = run(tags=args.tags, loads=args.loads)
    print(f"document page with {result['tags']} tags ({result['marks']} highlight pieces)")
    print(
        f"  HTML served (request to last byte): p50 {result['html_ms_p50']:.0f} ms, "
        f"max {result['html_ms_max']:.0f} ms, {result['html_kb']} KB"
    )
    print(f"  highlights painted: p50 {result['paint_ms_p50']:.0f} ms of script")
    ready_p50 = result["ready_after_navigation_ms_p50"]
    ready_max = result["ready_after_navigation_ms_max"]
    print(f"  page ready after navigation start: p50 {ready_p50:.0f} ms, max {ready_max:.0f} ms")
    print(f"  ({time.perf_counter() - started:.1f} s in all)")


if __name__ == "__main__":
    main()
