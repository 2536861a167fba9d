"""How fast the agreement and disagreements endpoints answer on a busy document.

Seeds the op-ed with 5 annotators x 400 tags (2,000 tags, a link from every second tag to
another tag of the same annotator), serves the app with gunicorn and times
``GET /api/documents/{id}/agreement/`` and ``.../disagreements/`` over loopback with a token,
request start to last byte. Run it with ``python -m bench.agreement``.
"""

import argparse
import json
import time
import urllib.request

from bench.setup import bulk_tags, configure_django, gunicorn, percentile

TARGET_MS = 200


def run(annotators: int = 5, per_annotator: int = 400, requests: int = 20) -> dict:
    configure_django(sqlite_name="bench-agreement")
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from rest_framework.authtoken.models import Token

    from annotator.models import Document, Membership, Role
    from claims.models import Link

    call_command("load_seed", verbosity=0)
    document = Document.objects.get(project__slug="demo")
    users = get_user_model().objects
    people = []
    for i in range(annotators):
        user = users.create_user(f"bench{i}", password="bench-password")  # noqa: S106
        Membership.objects.create(user=user, project=document.project, role=Role.ANNOTATOR)
        people.append(user)
        tags = bulk_tags(document, per_annotator, [user], seed=i)
        Link.objects.bulk_create(
            Link(source=tags[j], target=tags[j + 1], relation="supports", author=user)
            for j in range(0, len(tags) - 1, 2)
        )
    token = Token.objects.create(user=users.get(username="demo")).key
    figures: dict = {"tags": annotators * per_annotator}
    with gunicorn(workers=1) as url:
        for name in ("agreement", "disagreements"):
            path = f"{url}/api/documents/{document.pk}/{name}/"
            times = []
            for _ in range(requests + 2):  # the first two warm the worker up
                # Loopback http only: the URL is the gunicorn this benchmark started.
                headers = {"Authorization": f"Token {token}"}
                request = urllib.request.Request(path, headers=headers)  # noqa: S310
                began = time.perf_counter()
                with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - as above
                    body = response.read()
                times.append((time.perf_counter() - began) * 1000)
            times = times[2:]
            figures[f"{name}_ms_p50"] = round(percentile(times, 50), 1)
            figures[f"{name}_ms_max"] = round(max(times), 1)
            if name == "disagreements":
                figures["disagreements"] = len(json.loads(body)["results"])
    return figures


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--annotators", type=int, default=5)
    parser.add_argument("--tags", type=int, default=400, help="tags per annotator")
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args(argv)
    figures = run(args.annotators, args.tags, args.requests)
    print(json.dumps(figures, indent=2))
    for name in ("agreement", "disagreements"):
        verdict = "under" if figures[f"{name}_ms_p50"] < TARGET_MS else "OVER"
        print(f"{name}: p50 {figures[f'{name}_ms_p50']} ms, {verdict} {TARGET_MS} ms")


if __name__ == "__main__":
    main()
