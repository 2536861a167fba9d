"""How fast a big argument map is laid out, drawn as SVG and checked (no database, no server).

Builds a random map (default 500 nodes, 800 edges) and times ``layout_map``, ``render_svg`` and
``check_map``, taking the median of a few runs. The default shape is argument-like: links mostly
run from later tags to earlier ones, with linked premises, undercuts and a few cycles of support;
``--shape uniform`` joins random pairs of nodes instead (far more cycles: the hard case for a
layered layout). Run it with ``python -m bench.map_render`` (``--help`` for the options).
"""

import argparse
import random
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from claims.argmap.checks import check_map
from claims.argmap.graph import ArgumentMap, MapEdge, MapNode
from claims.argmap.layout import layout_map
from claims.argmap.svg import render_svg

WORDS = (
    "city", "cars", "ban", "air", "pollution", "fell", "percent", "after", "shops", "sales",
    "reported", "council", "traffic", "children", "school", "buses", "cyclists", "walking",
    "noise", "health", "doctors", "study", "found", "residents", "complained", "parking",
)  # fmt: skip
AUTHORS = ("ana", "bo", "chen", "dara")
TARGET_SECONDS = 2.0


def random_map(nodes: int = 500, edges: int = 800, *, shape: str = "argument", seed: int = 1):
    """Return a random, valid ``ArgumentMap`` of the given size."""
    rng = random.Random(seed)
    map_nodes = []
    for i in range(nodes):
        implicit = rng.random() < 0.05
        map_nodes.append(
            MapNode(
                id=i + 1,
                kind=rng.choices(("claim", "evidence", "opinion"), weights=(4, 4, 2))[0],
                text=" ".join(rng.choices(WORDS, k=rng.randint(4, 30))),
                author=rng.choice(AUTHORS),
                implicit=implicit,
                paragraph_position=None if implicit else i // 6,
                start=None if implicit else (i % 6) * 40,
            )
        )
    map_edges: list[MapEdge] = []
    used: set[tuple[int, int | None, int | None]] = set()
    groups: dict[tuple[int, str], tuple[str, set[int]]] = {}
    while len(map_edges) < edges:
        edge_id = len(map_edges) + 1
        source = rng.randint(1, nodes)
        if map_edges and rng.random() < 0.06:
            target_edge = rng.choice(map_edges).id
            if (source, None, target_edge) in used:
                continue
            used.add((source, None, target_edge))
            map_edges.append(MapEdge(edge_id, source, "undercuts", target_edge=target_edge))
            continue
        if shape == "uniform" or rng.random() < 0.03:
            target = rng.randint(1, nodes)
        else:
            # Premises come after what they bear on, mostly close by in the text.
            if source == 1:
                continue
            target = rng.randint(max(1, source - 40), source - 1)
        if target == source or (source, target, None) in used:
            continue
        used.add((source, target, None))
        relation = "supports" if rng.random() < 0.75 else "attacks"
        group = None
        if rng.random() < 0.2:
            name, premises = groups.setdefault((target, relation), (f"g{edge_id}", set()))
            if source not in premises:
                premises.add(source)
                group = name
        map_edges.append(
            MapEdge(
                edge_id,
                source,
                relation,
                target_node=target,
                group=group,
                author=rng.choice(AUTHORS),
            )
        )
    return ArgumentMap(nodes=tuple(map_nodes), edges=tuple(map_edges))


def _timed(fn, *args, **kwargs):
    """Call ``fn``; return its result, wall seconds and CPU seconds of this process."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - wall, time.process_time() - cpu


def run(nodes: int, edges: int, shape: str, repeat: int, seed: int) -> dict[str, float]:
    """Time layout, render and check on one random map; return median seconds and sizes.

    Wall time is what a reader waits; CPU time shows the work when other processes share the
    two cores (wall time then grows while CPU time does not).
    """
    m = random_map(nodes, edges, shape=shape, seed=seed)
    timings: dict[str, list[float]] = defaultdict(list)
    svg, layout, findings = "", None, []
    for _ in range(repeat):
        layout, wall, cpu = _timed(layout_map, m)
        timings["layout"].append(wall)
        timings["layout_cpu"].append(cpu)
        svg, wall, cpu = _timed(
            render_svg, m, layout, node_href=lambda node: f"/documents/1/#tag-{node.id}"
        )
        timings["render"].append(wall)
        timings["render_cpu"].append(cpu)
        findings, wall, _cpu = _timed(check_map, m)
        timings["check"].append(wall)
    result = {name: statistics.median(values) for name, values in timings.items()}
    assert layout is not None
    result.update(
        svg_kb=len(svg.encode()) / 1024,
        width=layout.width,
        height=layout.height,
        findings=len(findings),
        arguments=len(m.arguments()),
    )
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--nodes", type=int, default=500)
    parser.add_argument("--edges", type=int, default=800)
    parser.add_argument("--shape", choices=("argument", "uniform"), default="argument")
    parser.add_argument("--repeat", type=int, default=3, help="runs; the median is shown")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    r = run(args.nodes, args.edges, args.shape, args.repeat, args.seed)
    total = r["layout"] + r["render"]
    verdict = "within" if total < TARGET_SECONDS else "OVER"
    print(
        f"argument map, {args.shape} shape: {args.nodes} nodes, {args.edges} edges "
        f"({r['arguments']:.0f} arguments), median of {args.repeat}"
    )
    print(
        f"  layout {r['layout']:.2f} s, render {r['render']:.2f} s: {total:.2f} s wall "
        f"({verdict} the {TARGET_SECONDS:.0f} s target); "
        f"CPU {r['layout_cpu']:.2f} + {r['render_cpu']:.2f} s"
    )
    print(f"  map check {r['check']:.2f} s ({r['findings']:.0f} findings)")
    print(f"  SVG {r['svg_kb']:.0f} KB, {r['width']:.0f} x {r['height']:.0f} px")


if __name__ == "__main__":
    main()
