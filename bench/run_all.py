"""Run every benchmark in bench/ (bench_*.py), one process each, and stop at the first failure.

`make bench` calls this. Each benchmark generates its own data, prints its figures and writes
them into docs/performance.md between its own markers. Benchmarks that need PostgreSQL read
DATABASE_URL (default: the local server). Pass names to run a subset: run_all.py calendar catalog
The load test (bench_load.py: half an hour against the whole stack) runs only when named, or by
`make bench-load`.
"""
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(names: list[str]) -> int:
    scripts = sorted(HERE.glob("bench_*.py"))
    if names:
        scripts = [s for s in scripts if s.stem.removeprefix("bench_") in names]
    else:
        scripts = [s for s in scripts if s.stem != "bench_load"]
    for script in scripts:
        print(f"== {script.name}", flush=True)
        result = subprocess.run([sys.executable, str(script)], cwd=HERE.parent)
        if result.returncode != 0:
            print(f"{script.name} failed with exit code {result.returncode}", file=sys.stderr)
            return result.returncode
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
