"""Concurrent API clients: they tag, link and review one document, and keep a ledger.

Each client is a thread with its own token, speaking plain HTTP (``http.client``, one
connection per request: gunicorn's sync workers close it anyway) to one or more servers in
turn. Clients of one user share that user's tags; owners and curators change anyone's; every
change sends ``If-Match`` with the latest version any client has seen, so clients that pick
the same row (the "hot" tags above all) race and the losers get 412.

Every answer is checked as it comes: a 5xx, a timeout or a 4xx that is not one of the kinds
named in ``EXPECTED`` is a problem; the expected ones are counted. Only the client that
created a row deletes or restores it, and most links join only its own tags, so the cascades of
a tag's delete and restore stay within one client's view and its ledger is exact (see
``ledger.py``).

The other links are **cross-user**: from a client's own tag to another user's, often made the
moment that user's client announces it is deleting the tag (``World.announce``), so the link's
INSERT and the delete's cascade run side by side on the server; or restored, or their source
tag deleted, while the other end is being deleted or restored. Their ledger is looser, and the
invariant (no live link on a deleted end) is what catches a lost race.
"""

import http.client
import itertools
import json
import random
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from tests.load.ledger import Key, Ledger

#: The 4xx answers a client may get when it does nothing wrong: (status, what the body says).
EXPECTED = {
    "stale-version": (412, r""),
    "duplicate": (400, r"already (tagged this exact span|reviewed this tag|made this link)"),
    "duplicate-race": (409, r"clashes with a change made at the same time"),
    "cascade-conflict": (409, r"changed by someone else at the same moment"),
    "restore-duplicate": (409, r"cannot be restored: You (already|have already)"),
    "restore-blocked": (409, r"Restore the deleted tag first"),
    "gone": (404, r""),
    "target-gone": (400, r"object does not exist|was deleted while this link was being made"),
}

ETAG = re.compile(r'^"(tag|link|review)-(\d+)-v(\d+)"$')
KINDS = ("claim", "evidence", "opinion")
CURATORS = ("owner", "curator")

#: Summaries of the runs in this session, shown at the end (tests/load/conftest.py).
REPORTS: list[str] = []


class ServerFailure(Exception):
    """No answer in time, or the connection broke."""


@dataclass
class Answer:
    status: int
    data: Any
    text: str
    etag_version: int | None


@dataclass
class Paragraph:
    id: int
    text: str
    spans: list[tuple[int, int]]

    @classmethod
    def of(cls, pk: int, text: str) -> "Paragraph":
        words = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
        spans = [
            (words[i][0], words[min(i + extra, len(words) - 1)][1])
            for i in range(0, min(len(words), 24), 4)
            for extra in (0, 2)
        ]
        return cls(pk, text, spans)


@dataclass
class Info:
    """What the clients know of a row: its latest version seen and who may change it."""

    version: int
    owner: str  # the tag's author, the link's author, the review's reviewer
    creator: int | None  # the client that made it (None: made before the run)
    deleted: bool = False
    tag: int | None = None  # a review's tag


class World:
    """What all clients share: the rows seen so far, and the document's paragraphs."""

    def __init__(self, paragraphs: list[Paragraph], hot: list[Key]) -> None:
        self.lock = threading.Lock()
        self.rows: dict[Key, Info] = {}
        self.ids: dict[str, list[int]] = {"tag": [], "link": [], "review": []}
        self.paragraphs = paragraphs
        self.hot = hot
        self.events = itertools.count(1)
        self.changes = threading.Condition(self.lock)
        self.change: tuple[int, str, Key, str] = (0, "", ("tag", 0), "")  # seq, what, key, user

    def add(self, key: Key, info: Info) -> None:
        with self.lock:
            self.rows[key] = info
            self.ids[key[0]].append(key[1])

    def saw(self, key: Key, version: int, *, deleted: bool | None = None) -> None:
        with self.lock:
            info = self.rows[key]
            if version >= info.version:
                info.version = version
                if deleted is not None:
                    info.deleted = deleted

    def info(self, key: Key) -> Info:
        with self.lock:
            return self.rows[key]

    def announce(self, what: str, key: Key, owner: str) -> None:
        """A client is about to delete or restore one of its tags: wake the waiting linkers."""
        with self.changes:
            self.change = (self.change[0] + 1, what, key, owner)
            self.changes.notify_all()

    def next_change(self, username: str, timeout: float) -> tuple[str, Key] | None:
        """Wait for the next announced delete or restore of another user's tag."""
        with self.changes:
            since = self.change[0]
            news = self.changes.wait_for(
                lambda: self.change[0] > since and self.change[3] != username, max(timeout, 0)
            )
            return (self.change[1], self.change[2]) if news else None

    def pick(self, rng: random.Random, entity: str, ok, hot: float = 0.0) -> Key | None:
        """A random row of ``entity`` that ``ok(key, info)`` accepts (the hot ones first)."""
        with self.lock:
            if hot and self.hot and rng.random() < hot:
                for _ in range(8):
                    key = rng.choice(self.hot)
                    if ok(key, self.rows[key]):
                        return key
            ids = self.ids[entity]
            for _ in range(30):
                if not ids:
                    return None
                key = (entity, rng.choice(ids))
                if ok(key, self.rows[key]):
                    return key
        return None


@dataclass
class Stats:
    latencies: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    kinds: Counter = field(default_factory=Counter)  # ("412", "stale-version")
    per_server: Counter = field(default_factory=Counter)
    per_op: dict[str, list[float]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def merge(self, other: "Stats") -> None:
        self.latencies += other.latencies
        self.statuses.update(other.statuses)
        self.kinds.update(other.kinds)
        self.per_server.update(other.per_server)
        for op, times in other.per_op.items():
            self.per_op.setdefault(op, []).extend(times)
        self.problems += other.problems


@dataclass
class OwnRow:
    """A row this client made; its account of live/deleted is exact."""

    deleted: bool = False
    event: int | None = None  # the delete (own or cascaded) that deleted it
    source: int | None = None  # links
    target: int | None = None
    relation: str = ""
    cross: bool = False  # a link to another user's tag: ``deleted`` is only what *we* did


class Client(threading.Thread):
    def __init__(
        self,
        number: int,
        username: str,
        role: str,
        token: str,
        servers: list[str],
        world: World,
        stop_at: float,
        timeout: float,
    ) -> None:
        super().__init__(name=f"load-client-{number}", daemon=True)
        self.number, self.username, self.role, self.token = number, username, role, token
        self.servers = [urlsplit(url) for url in servers]
        self.world, self.stop_at, self.timeout = world, stop_at, timeout
        self.rng = random.Random(number)  # noqa: S311 - a workload, not a secret
        self.ledger = Ledger()
        self.stats = Stats()
        self.own: dict[Key, OwnRow] = {}
        self.turn = number  # which server the next request goes to
        self.cross_made: set[tuple[int, int, str]] = set()  # never made twice: no clash
        self.seq = 0
        self.curator = role in CURATORS

    # --- HTTP ------------------------------------------------------------------------------

    def call(self, method: str, path: str, body: dict | None = None, version_of=None) -> Answer:
        server = self.servers[self.turn % len(self.servers)]
        self.turn += 1
        headers = {"Authorization": f"Token {self.token}", "Accept": "application/json"}
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if version_of is not None:
            entity, pk = version_of
            headers["If-Match"] = f'"{entity}-{pk}-v{self.world.info(version_of).version}"'
        started = time.perf_counter()
        conn = http.client.HTTPConnection(server.hostname, server.port, timeout=self.timeout)
        try:
            conn.request(method, path, body=payload, headers=headers)
            response = conn.getresponse()
            raw = response.read()
        except (OSError, http.client.HTTPException) as exc:
            raise ServerFailure(f"{method} {path} on {server.netloc}: {exc!r}") from exc
        finally:
            conn.close()
        elapsed = time.perf_counter() - started
        self.stats.latencies.append(elapsed)
        self.stats.per_op.setdefault(
            f"{method} {re.sub(r'/[0-9]+/', '/{id}/', path.split('?')[0])}", []
        ).append(elapsed)
        self.stats.statuses[response.status] += 1
        self.stats.per_server[server.netloc] += 1
        text = raw.decode("utf-8", "replace")
        try:
            data = json.loads(text) if text else None
        except ValueError:
            data = None
        match = ETAG.match(response.getheader("ETag") or "")
        answer = Answer(response.status, data, text, int(match[3]) if match else None)
        if answer.status >= 500:
            self.stats.problems.append(f"{method} {path}: {answer.status} {text[:500]}")
        return answer

    def expect(self, what: str, answer: Answer, ok: tuple[int, ...], *kinds: str) -> str:
        """Classify an answer: "ok", one of the expected ``kinds``, or "unexpected"."""
        if answer.status in ok:
            return "ok"
        for kind in kinds:
            status, pattern = EXPECTED[kind]
            if answer.status == status and re.search(pattern, answer.text):
                self.stats.kinds[str(status), kind] += 1
                return kind
        if answer.status < 500:
            self.stats.problems.append(
                f"{what}: unexpected {answer.status} {answer.text[:300]} (user {self.username})"
            )
        return "unexpected"

    # --- the loop --------------------------------------------------------------------------

    def run(self) -> None:
        ops = [
            (self.create_tag, 14),
            (self.patch_tag, 22),
            (self.delete_tag, 6),
            (self.restore_tag, 4),
            (self.create_link, 8),
            (self.cross_link, 6),
            (self.patch_link, 6),
            (self.delete_link, 3),
            (self.restore_link, 2),
            (self.create_review, 10),
            (self.patch_review, 6),
            (self.delete_review, 3),
            (self.restore_review, 2),
            (self.refresh_any, 5),
            (self.list_tags, 2),
        ]
        if self.curator:
            ops.append((self.decide, 5))
        actions, weights = zip(*ops, strict=True)
        try:
            while time.monotonic() < self.stop_at:
                self.seq += 1
                self.rng.choices(actions, weights)[0]()
        except ServerFailure as exc:
            self.stats.problems.append(f"no answer: {exc}")
        except Exception as exc:  # a bug in the client must fail the run, not vanish
            self.stats.problems.append(f"client {self.number} crashed: {exc!r}")

    def note(self) -> str:
        return f"c{self.number}-{self.seq}"

    # --- helpers ---------------------------------------------------------------------------

    def created(self, key: Key, answer: Answer, owner: str, **own) -> None:
        data = answer.data
        self.ledger.write(key, data["version"], data, deleted=False)
        self.own[key] = OwnRow(**own)
        if self.own[key].cross:
            self.ledger.cross_link(key)
        else:
            self.ledger.set_deleted(key, False)
        self.world.add(key, Info(data["version"], owner, self.number, tag=data.get("tag")))

    def written(self, key: Key, answer: Answer, *, deleted: bool) -> None:
        version = answer.etag_version if deleted else answer.data["version"]
        self.ledger.write(key, version, None if deleted else answer.data, deleted=deleted)
        self.world.saw(key, version, deleted=deleted)

    def mine(self, key: Key) -> OwnRow | None:
        return self.own.get(key)

    def changeable(self, key: Key, info: Info) -> bool:
        """Whether this client may change the row and does not know it is deleted."""
        own = self.mine(key)
        if own is not None:
            return not own.deleted
        return not info.deleted and (self.curator or info.owner == self.username)

    def refresh(self, key: Key) -> None:
        """Reload a row (after a 412, or just to look): a fact about one version."""
        entity, pk = key
        answer = self.call("GET", f"/api/{entity}s/{pk}/")
        own = self.mine(key)
        may_be_gone = entity == "review" or own is None or own.deleted or own.cross
        kinds = ("gone",) if may_be_gone else ()
        if self.expect(f"GET {entity} {pk}", answer, (200,), *kinds) == "ok":
            self.ledger.observe(key, answer.data["version"], answer.data)
            self.world.saw(key, answer.data["version"], deleted=False)

    def on_stale(self, key: Key, answer: Answer) -> None:
        """After a 412: take the current version it names, and reload the row if it is live."""
        current = answer.data.get("current_version") if isinstance(answer.data, dict) else None
        if isinstance(current, int):
            self.world.saw(key, current)
        own = self.mine(key)
        if own is None or not own.deleted:
            self.refresh(key)

    def own_rows(self, entity: str, *, deleted: bool) -> list[Key]:
        return [k for k, row in self.own.items() if k[0] == entity and row.deleted == deleted]

    # --- tags ------------------------------------------------------------------------------

    def create_tag(self) -> None:
        paragraph = self.rng.choice(self.world.paragraphs)
        start, end = self.rng.choice(paragraph.spans)
        body = {
            "paragraph": paragraph.id,
            "start": start,
            "end": end,
            "kind": self.rng.choice(KINDS),
            "note": self.note(),
        }
        answer = self.call("POST", "/api/tags/", body)
        if self.expect("create tag", answer, (201,), "duplicate", "duplicate-race") == "ok":
            self.created(("tag", answer.data["id"]), answer, self.username)

    def patch_tag(self) -> None:
        key = self.world.pick(self.rng, "tag", self.changeable, hot=0.4)
        if key is None:
            return
        body = self.rng.choice(
            [{"kind": self.rng.choice(KINDS)}, {"note": self.note()}, {"kind": "claim", "note": ""}]
        )
        answer = self.call("PATCH", f"/api/tags/{key[1]}/", body, version_of=key)
        kinds = ["stale-version", "duplicate", "duplicate-race"]
        if self.mine(key) is None:
            kinds.append("gone")  # its creator may have deleted it
        result = self.expect("patch tag", answer, (200,), *kinds)
        if result == "ok":
            self.written(key, answer, deleted=False)
        elif result == "stale-version":
            self.on_stale(key, answer)
        elif result == "gone":
            self.world.saw(key, self.world.info(key).version, deleted=True)

    def decide(self) -> None:
        key = self.world.pick(self.rng, "tag", self.changeable, hot=0.5)
        if key is None:
            return
        body = {"status": self.rng.choice(["accepted", "rejected", "pending"])}
        answer = self.call("POST", f"/api/tags/{key[1]}/decision/", body, version_of=key)
        kinds = ["stale-version"] + (["gone"] if self.mine(key) is None else [])
        result = self.expect("decide tag", answer, (200,), *kinds)
        if result == "ok":
            self.written(key, answer, deleted=False)
        elif result == "stale-version":
            self.on_stale(key, answer)

    def delete_tag(self, key: Key | None = None) -> None:
        live = self.own_rows("tag", deleted=False)
        if not live:
            return
        key = key or self.rng.choice(live)
        self.world.announce("delete", key, self.username)
        answer = self.call("DELETE", f"/api/tags/{key[1]}/", version_of=key)
        result = self.expect("delete tag", answer, (204,), "stale-version", "cascade-conflict")
        if result == "stale-version":
            self.on_stale(key, answer)
        if result != "ok":
            return
        self.written(key, answer, deleted=True)
        event = next(self.world.events)
        self.own[key] = OwnRow(deleted=True, event=event)
        self.ledger.set_deleted(key, True)
        for link_key, link in self.own.items():
            if link_key[0] != "link" or link.cross:  # cross: another client may restore it
                continue
            if not link.deleted and key[1] in (link.source, link.target):
                link.deleted, link.event = True, event
                self.cascaded(link_key, deleted=True)

    def cascaded(self, key: Key, *, deleted: bool) -> None:
        self.ledger.cascade(key)
        self.ledger.set_deleted(key, deleted)
        info = self.world.info(key)
        self.world.saw(key, info.version + 1, deleted=deleted)

    def restore_tag(self) -> None:
        deleted = self.own_rows("tag", deleted=True)
        if not deleted:
            return
        key = self.rng.choice(deleted)
        self.world.announce("restore", key, self.username)
        answer = self.call("POST", f"/api/tags/{key[1]}/restore/", version_of=key)
        kinds = ("stale-version", "restore-duplicate", "duplicate-race")
        result = self.expect("restore tag", answer, (200,), *kinds)
        if result == "stale-version":
            self.on_stale(key, answer)
        if result != "ok":
            return
        self.written(key, answer, deleted=False)
        self.ledger.set_deleted(key, False)
        event = self.own[key].event
        self.own[key] = OwnRow()
        for link_key, link in self.own.items():
            if link_key[0] != "link" or link.cross or not link.deleted or link.event != event:
                continue
            if key[1] not in (link.source, link.target):
                continue
            other = link.target if link.source == key[1] else link.source
            other_row = self.own["tag", other]
            if other_row.deleted:  # still deleted: it now waits for the other tag's restore
                link.event = other_row.event
                self.cascaded(link_key, deleted=True)
            else:
                link.deleted, link.event = False, None
                self.cascaded(link_key, deleted=False)

    # --- links -----------------------------------------------------------------------------

    def create_link(self) -> None:
        live = [k[1] for k in self.own_rows("tag", deleted=False)]
        if len(live) < 2:
            return
        source, target = self.rng.sample(live, 2)
        relation = self.rng.choice(["supports", "attacks"])
        existing = [
            row
            for k, row in self.own.items()
            if k[0] == "link" and not row.deleted and not row.cross and row.source is not None
        ]
        if existing and self.rng.random() < 0.1:  # the same link again: refused as a duplicate
            row = self.rng.choice(existing)
            source, target, relation = row.source, row.target, row.relation
        duplicate = any(
            (r.source, r.target, r.relation) == (source, target, relation) for r in existing
        )
        body = {"source": source, "target": target, "relation": relation, "note": self.note()}
        answer = self.call("POST", "/api/links/", body)
        ok = () if duplicate else (201,)
        kinds = ("duplicate",) if duplicate else ()
        if self.expect("create link", answer, ok, *kinds) == "ok":
            key = ("link", answer.data["id"])
            self.created(
                key, answer, self.username, source=source, target=target, relation=relation
            )

    def patch_link(self) -> None:
        key = self.world.pick(self.rng, "link", self.changeable)
        if key is None:
            return
        # A group of its own: joining another link's group would need the same target.
        body = self.rng.choice([{"note": self.note()}, {"note": "", "group": f"g{key[1]}"}])
        answer = self.call("PATCH", f"/api/links/{key[1]}/", body, version_of=key)
        own = self.mine(key)
        kinds = ["stale-version"] + (["gone"] if own is None or own.cross else [])
        result = self.expect("patch link", answer, (200,), *kinds)
        if result == "ok":
            self.written(key, answer, deleted=False)
        elif result == "stale-version":
            self.on_stale(key, answer)

    def delete_link(self) -> None:
        live = self.own_rows("link", deleted=False)
        if not live:
            return
        key = self.rng.choice(live)
        row = self.own[key]
        started = time.time()
        answer = self.call("DELETE", f"/api/links/{key[1]}/", version_of=key)
        window = (started, time.time())
        kinds = ("stale-version", "gone") if row.cross else ("stale-version",)
        result = self.expect("delete link", answer, (204,), *kinds)
        if result == "stale-version":
            self.on_stale(key, answer)
        elif result == "ok":
            self.written(key, answer, deleted=True)
            row.deleted, row.event = True, next(self.world.events)
            if row.cross:
                self.ledger.cross_link(key, window)
            else:
                self.ledger.set_deleted(key, True)

    def restore_link(self) -> None:
        candidates = [
            k
            for k in self.own_rows("link", deleted=True)
            if not self.own["tag", self.own[k].source].deleted
            and (self.own[k].cross or not self.own["tag", self.own[k].target].deleted)
        ]
        if candidates:
            self.restore_link_of(self.rng.choice(candidates))

    def restore_link_of(self, key: Key) -> None:
        row = self.own[key]
        answer = self.call("POST", f"/api/links/{key[1]}/restore/", version_of=key)
        # A cross-user link's target may be deleted (the restore waits for its restore).
        kinds = ("stale-version", "restore-duplicate") + (("restore-blocked",) if row.cross else ())
        result = self.expect("restore link", answer, (200,), *kinds)
        if result == "stale-version":
            self.on_stale(key, answer)
        elif result == "ok":
            self.written(key, answer, deleted=False)
            row.deleted, row.event = False, None
            if row.cross:
                self.ledger.cross_link(key)
            else:
                self.ledger.set_deleted(key, False)

    # --- cross-user links ------------------------------------------------------------------

    def cross_link(self) -> None:
        """Link one of our tags to another user's, often as that user deletes or restores it.

        On an announced delete of tag T: link to T (or restore our deleted link to T), racing
        the delete's cascade. On an announced restore of T: delete our tag that a link joins to
        T, racing the restore of that link. Else: link to any other user's tag (hot ones too).
        """
        sources = [k[1] for k in self.own_rows("tag", deleted=False)]
        if not sources:
            return
        if self.rng.random() < 0.3:
            key = self.world.pick(
                self.rng,
                "tag",
                lambda k, info: info.owner != self.username and not info.deleted,
                hot=0.3,
            )
            if key is not None:
                self.make_cross_link(sources, key[1])
            return
        change = self.world.next_change(self.username, min(1.0, self.stop_at - time.monotonic()))
        if change is None:
            return
        what, (_, target) = change
        ours = [
            (k, row)
            for k, row in self.own.items()
            if row.cross and row.target == target and not self.own["tag", row.source].deleted
        ]
        if what == "restore":
            if ours:
                self.delete_tag(("tag", self.rng.choice(ours)[1].source))
            return
        removed = [k for k, row in ours if row.deleted]
        if removed and self.rng.random() < 0.4:
            self.restore_link_of(self.rng.choice(removed))
        else:
            self.make_cross_link(sources, target)

    def make_cross_link(self, sources: list[int], target: int) -> None:
        relation = self.rng.choice(["supports", "attacks"])
        fresh = [s for s in sources if (s, target, relation) not in self.cross_made]
        if not fresh:
            return
        source = self.rng.choice(fresh)
        body = {"source": source, "target": target, "relation": relation, "note": self.note()}
        answer = self.call("POST", "/api/links/", body)
        # The target may be deleted by now, or while the link is being made.
        if self.expect("create cross-user link", answer, (201,), "target-gone") == "ok":
            self.cross_made.add((source, target, relation))
            key = ("link", answer.data["id"])
            self.created(
                key,
                answer,
                self.username,
                source=source,
                target=target,
                relation=relation,
                cross=True,
            )

    # --- reviews ---------------------------------------------------------------------------

    def create_review(self) -> None:
        def reviewable(key: Key, info: Info) -> bool:
            return info.owner != self.username and not info.deleted

        key = self.world.pick(self.rng, "tag", reviewable, hot=0.3)
        if key is None:
            return
        body = {
            "tag": key[1],
            "verdict": self.rng.choice(["agree", "disagree"]),
            "comment": self.note(),
        }
        answer = self.call("POST", "/api/reviews/", body)
        kinds = ("duplicate", "duplicate-race", "target-gone")
        if self.expect("create review", answer, (201,), *kinds) == "ok":
            self.created(("review", answer.data["id"]), answer, self.username)

    def patch_review(self) -> None:
        key = self.world.pick(self.rng, "review", self.changeable)
        if key is None:
            return
        body = self.rng.choice(
            [{"verdict": self.rng.choice(["agree", "disagree"])}, {"comment": self.note()}]
        )
        answer = self.call("PATCH", f"/api/reviews/{key[1]}/", body, version_of=key)
        # A review of a deleted tag is out of view (404) until the tag is back.
        result = self.expect("patch review", answer, (200,), "stale-version", "gone")
        if result == "ok":
            self.written(key, answer, deleted=False)
        elif result == "stale-version":
            self.on_stale(key, answer)

    def delete_review(self) -> None:
        live = self.own_rows("review", deleted=False)
        if not live:
            return
        key = self.rng.choice(live)
        answer = self.call("DELETE", f"/api/reviews/{key[1]}/", version_of=key)
        result = self.expect("delete review", answer, (204,), "stale-version", "gone")
        if result == "stale-version":
            self.on_stale(key, answer)
        elif result == "ok":
            self.written(key, answer, deleted=True)
            self.own[key].deleted = True
            self.ledger.set_deleted(key, True)

    def restore_review(self) -> None:
        deleted = self.own_rows("review", deleted=True)
        if not deleted:
            return
        key = self.rng.choice(deleted)
        answer = self.call("POST", f"/api/reviews/{key[1]}/restore/", version_of=key)
        kinds = ("stale-version", "restore-blocked", "restore-duplicate", "duplicate-race")
        result = self.expect("restore review", answer, (200,), *kinds)
        if result == "stale-version":
            self.on_stale(key, answer)
        elif result == "ok":
            self.written(key, answer, deleted=False)
            self.own[key].deleted = False
            self.ledger.set_deleted(key, False)

    # --- reads -----------------------------------------------------------------------------

    def refresh_any(self) -> None:
        entity = self.rng.choice(["tag", "tag", "link", "review"])
        key = self.world.pick(self.rng, entity, lambda k, info: not info.deleted, hot=0.3)
        if key is not None:
            self.refresh(key)

    def list_tags(self) -> None:
        paragraph = self.rng.choice(self.world.paragraphs)
        answer = self.call("GET", f"/api/tags/?paragraph={paragraph.id}&page_size=100")
        self.expect("list tags", answer, (200,))


@dataclass
class Run:
    seconds: float
    stats: Stats
    ledger: Ledger


def run_clients(
    users: list[tuple[str, str, str]],
    servers: list[str],
    paragraphs: list[Paragraph],
    hot: list[tuple[Key, int, str]],
    seconds: float,
    timeout: float = 20.0,
) -> Run:
    """Run one client per (username, role, token) for ``seconds``; merge their ledgers.

    ``hot``: rows made before the run, as (key, version, owner), that clients aim at often.
    """
    world = World(paragraphs, [key for key, _, _ in hot])
    for key, version, owner in hot:
        world.add(key, Info(version, owner, None))
    stop_at = time.monotonic() + seconds
    clients = [
        Client(n, username, role, token, servers, world, stop_at, timeout)
        for n, (username, role, token) in enumerate(users)
    ]
    started = time.monotonic()
    for client in clients:
        client.start()
    for client in clients:
        client.join(seconds + 3 * timeout)
    elapsed = time.monotonic() - started
    stats, ledger = Stats(), Ledger()
    for client in clients:
        if client.is_alive():
            stats.problems.append(f"{client.name} still waiting after the run: a hung request")
        stats.merge(client.stats)
        ledger.merge(client.ledger)
    return Run(elapsed, stats, ledger)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def summary(title: str, run: Run, checked: Counter) -> str:
    """A few lines for the CI log: throughput, latencies, answers by status and kind."""
    s = run.stats
    n = len(s.latencies)
    ms = [1000 * v for v in s.latencies] or [0.0]
    statuses = ", ".join(f"{code}: {count}" for code, count in sorted(s.statuses.items()))
    kinds = ", ".join(f"{st} {kind}: {c}" for (st, kind), c in sorted(s.kinds.items())) or "none"
    servers = ", ".join(f"{name}: {c}" for name, c in sorted(s.per_server.items()))
    ops = ", ".join(
        f"{op} {len(times)} x {1000 * percentile(times, 50):.0f}"
        for op, times in sorted(s.per_op.items(), key=lambda item: -len(item[1]))
    )
    rows = ", ".join(f"{entity}s {c}" for entity, c in sorted(checked.items()))
    return (
        f"{title}: {n} requests in {run.seconds:.1f} s = {n / run.seconds:.1f} req/s; latency "
        f"p50 {percentile(ms, 50):.0f} ms, p95 {percentile(ms, 95):.0f} ms, "
        f"p99 {percentile(ms, 99):.0f} ms, max {max(ms):.0f} ms\n"
        f"  statuses: {statuses}\n"
        f"  expected 4xx: {kinds}\n"
        f"  per server: {servers}\n"
        f"  per operation (requests x p50 ms): {ops}\n"
        f"  rows checked against the ledger: {rows}"
    )
