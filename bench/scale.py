"""How the API and the exports grow with a project: N = 1,000, 10,000 and 100,000 tags.

One project gets N tags across documents of 1,000 tags each (the seed op-ed's paragraphs), a
link from every second tag and a review of every second tag, by bulk inserts. gunicorn (2
workers) serves it on loopback, and at each N the benchmark measures:

- tag create through the API: one client, then 8 concurrent clients (req/s, p50/p95/p99);
- the tag list of one document, a page of 1,000 at a time (p50/p95);
- the whole project's export in json, w3c and aif (seconds to the last byte, and the peak RSS
  of the worker that served it);
- the floor under the export: the same tags, links and reviews read with raw SQL (one query
  per table) and written with orjson in this process (seconds);
- the argument map of a document of 500 tags (the map API, with its checks); that document
  is one more in the project, beside the N tags.

One database per process: ``python -m bench.scale --sizes 1000,10000 [--database-url URL]``
(a fresh SQLite file without a URL). The clients run on the same two cores as the server.
"""

import argparse
import json
import os
import random
import statistics
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from bench.setup import RESULTS, bulk_tags, configure_django, gunicorn_server, percentile

SIZES = (1_000, 10_000, 100_000)
TAGS_PER_DOCUMENT = 1_000
EXPORT_FORMATS = ("json", "w3c", "aif")
#: Rate limits out of the way: the benchmark measures the app, not its throttles.
UNTHROTTLED = {
    f"DJANGO_THROTTLE_{scope}": "100000000/min" for scope in ("ANON", "USER", "WRITES", "TOKEN")
}


@dataclass
class Api:
    """A tiny HTTP client with a token, timing every call."""

    url: str
    token: str

    def call(self, method: str, path: str, body: dict | None = None) -> tuple[int, bytes, float]:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(  # noqa: S310 - loopback
            self.url + path,
            data=data,
            method=method,
            headers={"Authorization": f"Token {self.token}", "Content-Type": "application/json"},
        )
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=300) as response:  # noqa: S310
                content = response.read()
                status = response.status
        except urllib.error.HTTPError as error:
            content, status = error.read(), error.code
        return status, content, time.perf_counter() - started

    def stream(self, path: str) -> tuple[int, int, float]:
        """GET ``path`` reading the body in blocks; return status, bytes and seconds."""
        request = urllib.request.Request(  # noqa: S310 - loopback
            self.url + path, headers={"Authorization": f"Token {self.token}"}
        )
        started = time.perf_counter()
        size = 0
        with urllib.request.urlopen(request, timeout=600) as response:  # noqa: S310
            while block := response.read(256 * 1024):
                size += len(block)
            status = response.status
        return status, size, time.perf_counter() - started


@dataclass
class BenchProject:
    """The benchmark's project as it grows."""

    pk: int
    owner_token: str
    writers: list[tuple[str, int]]  # (token, user id) of the annotators who write via the API
    authors: list = field(default_factory=list)
    documents: list[int] = field(default_factory=list)
    tags: int = 0
    links: int = 0
    reviews: int = 0
    write_paragraphs: list[tuple[int, int]] = field(default_factory=list)  # (id, length)
    map_document: int = 0


def _seed_project() -> BenchProject:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from rest_framework.authtoken.models import Token

    from annotator.models import Document, Membership, Paragraph, Project, Role

    call_command("load_seed", verbosity=0)
    User = get_user_model()
    owner = User.objects.get(username="demo")
    project = Project.objects.create(name="Bench", slug="bench")
    Membership.objects.create(user=owner, project=project, role=Role.OWNER)
    authors = []
    for i in range(8):
        user = User.objects.create_user(f"annotator{i}", password="bench-password")  # noqa: S106
        Membership.objects.create(user=user, project=project, role=Role.ANNOTATOR)
        authors.append(user)
    seed = Document.objects.get(project__slug="demo")
    writes = Document.objects.create(project=project, title="API writes")
    paragraphs = Paragraph.objects.bulk_create(
        Paragraph(document=writes, position=p.position, text=p.text)
        for p in seed.paragraphs.order_by("position")
    )
    return BenchProject(
        pk=project.pk,
        owner_token=Token.objects.create(user=owner).key,
        writers=[(Token.objects.create(user=u).key, u.pk) for u in authors],
        authors=authors,
        write_paragraphs=[(p.pk, len(p.text)) for p in paragraphs if len(p.text) > 40],
    )


def _add_document(project: BenchProject, title: str, tags: int, seed: int) -> int:
    """A copy of the seed op-ed with ``tags`` tags, a link from every second tag, a review of
    every second tag; returns the document's id."""
    from annotator.models import Document, Paragraph
    from claims.models import Link, Review

    source = Document.objects.get(project__slug="demo")
    document = Document.objects.create(project_id=project.pk, title=title)
    Paragraph.objects.bulk_create(
        Paragraph(document=document, position=p.position, text=p.text)
        for p in source.paragraphs.order_by("position")
    )
    made = bulk_tags(document, tags, project.authors, seed=seed)
    rng = random.Random(seed)
    links, pairs = [], set()
    for tag in made[::2]:
        target = rng.choice(made)
        relation = rng.choice(["supports", "attacks"])
        if target.pk == tag.pk or (tag.pk, target.pk) in pairs:
            continue
        pairs.add((tag.pk, target.pk))
        links.append(
            Link(source=tag, target=target, relation=relation, author=rng.choice(project.authors))
        )
    Link.objects.bulk_create(links, batch_size=1000)
    reviews = []
    for tag in made[1::2]:
        reviewer = rng.choice([a for a in project.authors if a.pk != tag.author_id])
        verdict = rng.choice(["agree", "agree", "disagree"])
        reviews.append(Review(tag=tag, reviewer=reviewer, verdict=verdict))
    Review.objects.bulk_create(reviews, batch_size=1000)
    project.links += len(links)
    project.reviews += len(reviews)
    return document.pk


def grow(project: BenchProject, size: int) -> float:
    """Add documents of 1,000 tags until the project holds ``size`` bulk-inserted tags."""
    started = time.perf_counter()
    if not project.map_document:
        project.map_document = _add_document(project, "Map of 500", 500, 0)
    while project.tags < size:
        count = min(TAGS_PER_DOCUMENT, size - project.tags)
        number = len(project.documents) + 1
        project.documents.append(_add_document(project, f"Document {number}", count, number))
        project.tags += count
    from django.db import connection

    with connection.cursor() as cursor:
        # Fresh planner statistics, as autovacuum would gather soon after a bulk load; without
        # them PostgreSQL plans the floor's joins for empty tables.
        cursor.execute("ANALYZE")
    return time.perf_counter() - started


def _latencies(seconds: list[float]) -> dict:
    ms = [s * 1000 for s in seconds]
    return {f"p{q}": round(percentile(ms, q), 1) for q in (50, 95, 99)}


def bench_create(api_url: str, project: BenchProject, clients: int, per_client: int, round_: int):
    """Create tags through the API from ``clients`` threads; return req/s and latencies."""
    seconds: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()

    def client(index: int) -> None:
        token, _ = project.writers[index]
        api = Api(api_url, token)
        mine = []
        for j in range(per_client):
            # A span no one has tagged before: each writer, round and request differ.
            paragraph, length = project.write_paragraphs[j % len(project.write_paragraphs)]
            start = (round_ * 7 + j // len(project.write_paragraphs)) % (length - 30)
            body = {"paragraph": paragraph, "start": start, "end": start + 5 + round_ % 20}
            body["kind"] = ("claim", "evidence", "opinion")[index % 3]
            status, content, took = api.call("POST", "/api/tags/", body)
            mine.append(took)
            if status != 201:
                with lock:
                    failures.append(f"{status} {content[:200]!r}")
        with lock:
            seconds.extend(mine)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    if failures:
        raise RuntimeError(f"{len(failures)} tag creates failed, e.g. {failures[0]}")
    return {"clients": clients, "requests": len(seconds), "rps": round(len(seconds) / wall, 1)} | (
        _latencies(seconds)
    )


def bench_list(api: Api, document: int, expected: int, repeat: int) -> dict:
    seconds = []
    for _ in range(repeat):
        status, content, took = api.call("GET", f"/api/tags/?document={document}&page_size=1000")
        if status != 200 or len(json.loads(content)["results"]) != expected:
            raise RuntimeError(f"tag list answered {status}, not the {expected} tags")
        seconds.append(took)
    return {
        "p50": round(percentile(seconds, 50) * 1000, 1),
        "p95": round(percentile(seconds, 95) * 1000, 1),
    }


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM")


def _reset_peak_rss(pid: int) -> None:
    # Writing 5 to clear_refs resets the high-water mark (Linux 4.0+).
    Path(f"/proc/{pid}/clear_refs").write_text("5")


def bench_export(api_url: str, project: BenchProject, worker: int, fmt: str, repeat: int) -> dict:
    api = Api(api_url, project.owner_token)
    seconds, peaks, size = [], [], 0
    for _ in range(repeat):
        _reset_peak_rss(worker)
        status, size, took = api.stream(f"/api/projects/{project.pk}/export/?format={fmt}")
        if status != 200:
            raise RuntimeError(f"{fmt} export answered {status}")
        seconds.append(took)
        peaks.append(_peak_rss_mb(worker))
    return {"seconds": round(min(seconds), 2), "rss_mb": round(max(peaks)), "mb": size / 1e6}


def bench_floor(project: BenchProject, repeat: int) -> dict:
    """The same rows with raw SQL, one query per table, and orjson: what no export can beat."""
    import orjson
    from django.db import connection

    queries = [
        "SELECT t.id, p.position, t.start, t.end, t.quote, t.prefix, t.suffix, t.kind, t.note,"
        " u.username, t.created_at, t.updated_at FROM claims_tag t"
        " JOIN annotator_document d ON d.id = t.document_id"
        " LEFT JOIN annotator_paragraph p ON p.id = t.paragraph_id"
        " JOIN auth_user u ON u.id = t.author_id"
        " WHERE d.project_id = %s AND t.deleted_at IS NULL AND d.deleted_at IS NULL"
        " ORDER BY t.document_id, p.position, t.start, t.end, t.id",
        "SELECT l.id, l.source_id, l.target_id, l.target_link_id, l.relation, l.group, l.note,"
        " u.username, l.created_at, l.updated_at FROM claims_link l"
        " JOIN claims_tag t ON t.id = l.source_id"
        " JOIN annotator_document d ON d.id = t.document_id"
        " JOIN auth_user u ON u.id = l.author_id"
        " WHERE d.project_id = %s AND l.deleted_at IS NULL AND d.deleted_at IS NULL"
        " ORDER BY l.id",
        "SELECT r.id, r.tag_id, u.username, r.verdict, r.comment, r.created_at, r.updated_at"
        " FROM claims_review r JOIN claims_tag t ON t.id = r.tag_id"
        " JOIN annotator_document d ON d.id = t.document_id"
        " JOIN auth_user u ON u.id = r.reviewer_id"
        " WHERE d.project_id = %s AND r.deleted_at IS NULL AND t.deleted_at IS NULL"
        " AND d.deleted_at IS NULL ORDER BY r.created_at, r.id",
    ]
    # "group" and "end" are reserved words in SQL.
    queries = [q.replace("l.group", 'l."group"').replace("t.end", 't."end"') for q in queries]
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        size = 0
        with connection.cursor() as cursor, open(os.devnull, "wb") as sink:
            for query in queries:
                cursor.execute(query, [project.pk])
                rows = cursor.fetchall()
                data = orjson.dumps(rows, option=orjson.OPT_INDENT_2)
                size += len(data)
                sink.write(data)
        best = min(best, time.perf_counter() - started)
    return {"seconds": round(best, 2)}


def bench_map(api: Api, project: BenchProject, repeat: int) -> dict:
    """The argument map (nodes, edges and the checks) of the 500-tag document."""
    seconds = []
    for _ in range(repeat):
        status, _, took = api.call("GET", f"/api/documents/{project.map_document}/map/")
        if status != 200:
            raise RuntimeError(f"map API answered {status}")
        seconds.append(took)
    return {"api_ms_p50": round(statistics.median(seconds) * 1000)}


def run(sizes: list[int], *, database_url: str | None, creates: int, repeat: int) -> list[dict]:
    os.environ.update(UNTHROTTLED)
    used = configure_django(database_url, sqlite_name="scale")
    from django.db import connection

    vendor = connection.vendor
    project = _seed_project()
    rows = []
    for round_, size in enumerate(sorted(sizes)):
        seeded = grow(project, size)
        connection.close()  # the servers are other processes; hold no transaction open
        row = {"database": vendor, "tags": project.tags, "seed_s": round(seeded, 1)}
        row["links"], row["reviews"] = project.links, project.reviews
        with gunicorn_server(workers=2) as server:
            api = Api(server.url, project.owner_token)
            api.call("GET", "/api/projects/")  # warm both workers' imports
            row["create_1"] = bench_create(server.url, project, 1, creates, round_ * 2)
            row["create_8"] = bench_create(
                server.url, project, 8, max(1, creates // 8) * 2, round_ * 2 + 1
            )
            first = min(TAGS_PER_DOCUMENT, sorted(sizes)[0])
            row["list"] = bench_list(api, project.documents[0], first, repeat * 4)
            row["map"] = bench_map(api, project, repeat * 2)
        # One worker, so the export's peak RSS is that worker's high-water mark.
        with gunicorn_server(workers=1) as server:
            Api(server.url, project.owner_token).call("GET", "/api/projects/")
            (worker,) = server.worker_pids()
            row["idle_rss_mb"] = round(_peak_rss_mb(worker))
            for fmt in EXPORT_FORMATS:
                row[f"export_{fmt}"] = bench_export(server.url, project, worker, fmt, repeat)
        row["floor"] = bench_floor(project, repeat)
        rows.append(row)
        _print_row(row)
    _print_growth(rows)
    out = RESULTS / f"scale-{vendor}.json"
    out.write_text(json.dumps({"database_url": _redacted(used), "rows": rows}, indent=2))
    print(f"  (figures written to {out.relative_to(RESULTS.parent.parent)})")
    return rows


def _redacted(url: str) -> str:
    return url.split("@")[-1] if "@" in url else url


def _print_row(row: dict) -> None:
    print(
        f"{row['database']}: {row['tags']:,} tags, {row['links']:,} links, "
        f"{row['reviews']:,} reviews (bulk-inserted in {row['seed_s']} s)"
    )
    for key in ("create_1", "create_8"):
        c = row[key]
        print(
            f"  tag create, {c['clients']} client(s): {c['rps']} req/s over {c['requests']}, "
            f"p50 {c['p50']} ms, p95 {c['p95']} ms, p99 {c['p99']} ms"
        )
    print(f"  tag list, page of 1,000: p50 {row['list']['p50']} ms, p95 {row['list']['p95']} ms")
    print(f"  map of a 500-tag document (API): p50 {row['map']['api_ms_p50']} ms")
    floor = row["floor"]["seconds"]
    print(f"  export floor (raw SQL + orjson): {floor} s; idle worker {row['idle_rss_mb']} MB")
    for fmt in EXPORT_FORMATS:
        e = row[f"export_{fmt}"]
        ratio = e["seconds"] / floor if floor else float("nan")
        print(
            f"  export {fmt}: {e['seconds']} s ({ratio:.1f}x floor), {e['mb']:.1f} MB, "
            f"worker peak RSS {e['rss_mb']} MB"
        )


def _print_growth(rows: list[dict]) -> None:
    if len(rows) < 2:
        return
    print("growth from the smallest to the largest N:")
    first, last = rows[0], rows[-1]
    factor = last["tags"] / first["tags"]
    print(f"  tags x{factor:.0f}")
    pairs = [
        ("tag create p50 (1 client)", lambda r: r["create_1"]["p50"]),
        ("tag list p50", lambda r: r["list"]["p50"]),
        *(
            (f"export {f} seconds", lambda r, f=f: r[f"export_{f}"]["seconds"])
            for f in EXPORT_FORMATS
        ),
        *(
            (f"export {f} peak RSS", lambda r, f=f: r[f"export_{f}"]["rss_mb"])
            for f in EXPORT_FORMATS
        ),
    ]
    for name, value in pairs:
        a, b = value(first), value(last)
        print(f"  {name}: {a} -> {b} (x{b / a:.1f})" if a else f"  {name}: {a} -> {b}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--creates", type=int, default=200, help="tag creates per client run")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    started = time.perf_counter()
    run(sizes, database_url=args.database_url, creates=args.creates, repeat=args.repeat)
    print(f"  ({time.perf_counter() - started:.0f} s in all)")


if __name__ == "__main__":
    main()
