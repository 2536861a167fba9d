"""Show the load figures at the end of the run, whatever the output capturing."""

from pathlib import Path

from tests.load.workload import REPORTS

RESULTS = Path(__file__).resolve().parents[2] / "bench" / "results" / "load.txt"


def pytest_terminal_summary(terminalreporter) -> None:
    if not REPORTS:
        return
    terminalreporter.section("load test figures")
    for report in REPORTS:
        terminalreporter.write_line(report)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text("\n".join(REPORTS) + "\n")
