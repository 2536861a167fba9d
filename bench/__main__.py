"""Run every benchmark and print its figures: `python -m bench` (`--smoke` for a quick CI run).

The scale benchmark runs once per database, each in a process of its own: on SQLite, and on
PostgreSQL when BENCH_POSTGRES_URL names a database (created if missing). The live-event
benchmark runs on one Daphne server over SQLite, and also on two servers over PostgreSQL and
Redis when BENCH_POSTGRES_URL and REDIS_URL are both set.
"""

import argparse
import os
import subprocess
import sys

from bench import map_render, page_load
from bench.setup import ROOT, ensure_postgres_database

SCALE_FULL = ["--sizes", "1000,10000,100000"]
SCALE_SMOKE = ["--sizes", "200,400", "--creates", "16", "--repeat", "1"]
LIVE_FULL = ["--clients", "16", "--writes", "25"]
LIVE_SMOKE = ["--clients", "16", "--writes", "3"]


def _scale(args: list[str]) -> None:
    urls = [None]
    if postgres := os.environ.get("BENCH_POSTGRES_URL"):
        ensure_postgres_database(postgres)
        urls.append(postgres)
    for url in urls:
        extra = [] if url is None else ["--database-url", url]
        env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL"}}
        subprocess.run(  # noqa: S603 - fixed arguments
            [sys.executable, "-m", "bench.scale", *args, *extra], cwd=ROOT, env=env, check=True
        )


def _live(args: list[str]) -> None:
    runs = [[]]
    postgres = os.environ.get("BENCH_POSTGRES_URL")
    if postgres and os.environ.get("REDIS_URL"):
        ensure_postgres_database(postgres)
        runs.append(["--servers", "2", "--database-url", postgres])
    for extra in runs:
        env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL"}}
        subprocess.run(  # noqa: S603 - fixed arguments
            [sys.executable, "-m", "bench.live", *args, *extra], cwd=ROOT, env=env, check=True
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="small sizes, for CI")
    args = parser.parse_args()
    if args.smoke:
        map_render.main(["--nodes", "100", "--edges", "160", "--repeat", "1"])
        page_load.main(["--tags", "200", "--loads", "2"])
        _scale(SCALE_SMOKE)
        _live(LIVE_SMOKE)
    else:
        map_render.main([])
        page_load.main([])
        _scale(SCALE_FULL)
        _live(LIVE_FULL)


if __name__ == "__main__":
    main()
