"""Run every benchmark and print its figures: `python -m bench` (`--smoke` for a quick CI run)."""

import argparse

from bench import page_load


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="small sizes, for CI")
    args = parser.parse_args()
    if args.smoke:
        page_load.main(["--tags", "200", "--loads", "2"])
    else:
        page_load.main([])


if __name__ == "__main__":
    main()
