"""Run every benchmark and print its figures: `python -m bench` (`--smoke` for a quick CI run)."""

import argparse

from bench import map_render, page_load


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="small sizes, for CI")
    args = parser.parse_args()
    if args.smoke:
        map_render.main(["--nodes", "100", "--edges", "160", "--repeat", "1"])
        page_load.main(["--tags", "200", "--loads", "2"])
    else:
        map_render.main([])
        page_load.main([])


if __name__ == "__main__":
    main()
