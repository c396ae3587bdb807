"""The busiest hour of a province against the production stack behind nginx, on PostgreSQL with
N generated dossiers: a step-up of rates, then a hold at the highest rate that held.

    make bench-load                          # the measured run: 1M dossiers, steps of 2 min, a 10 min hold
    .venv/bin/python bench/bench_load.py --n 1000000 --rates 4,6,8,10,12,15,20 --step-time 120 --hold-time 600
    .venv/bin/python bench/bench_load.py --n 100000 --rates 3,6 --step-time 45 --hold-time 60 --no-write   # a try

1. The database `--db` (default motcua_load) is prepared once and kept: the demo province, then
   `--n` dossiers of bench_reports.py's generator in its agencies and procedures, then synthetic
   citizen accounts (bench/load/prepare.py). It is made again only when missing, holding another
   N, or with `--prepare`.
2. The stack starts as in production (bench/load/stack.py, reusing deploy/smoke.py): PgBouncer in
   transaction pooling, gunicorn with `--workers` sync workers (default 2 x cores + 1, as
   deploy/gunicorn.conf.py), a Celery worker and beat, nginx with deploy/nginx/motcua.conf over
   HTTPS.
3. locust runs headless (bench/load/locustfile.py, the busiest hour's mix) at each rate of
   `--rates` (page actions per second; the users follow from the rate), each step for `--warmup`
   seconds (spawning and signing in, not counted) plus `--step-time` seconds measured. A step
   holds when the p95 of the whole mix is under 300 ms and no request failed. The step-up stops
   at the first step that does not hold; then the hold: `--hold-time` seconds at the highest rate
   that held (or `--hold-rate`).
4. All the while, the CPU of each process group is sampled (gunicorn, the PostgreSQL backends of
   this database, the rest of PostgreSQL, PgBouncer, nginx, Celery, locust itself, everything else
   on the machine): locust runs on the same cores and its CPU is part of the bill, so it is
   measured and said.
5. Everything is stopped; the figures go to docs/performance.md between <!-- bench:load --> and
   <!-- /bench:load --> (not with `--no-write`). Every locust run is bounded by its `--run-time`
   and by a timeout; only 127.0.0.1 is loaded.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE / "load"))
sys.path.insert(0, str(HERE))

import measure  # noqa: E402  (bench/load/)
import mix  # noqa: E402  (bench/load/: the locustfile's mix, without locust)

START, END = "<!-- bench:load -->", "<!-- /bench:load -->"
LOCUSTFILE = HERE / "load" / "locustfile.py"
SHARED = " (shared with other work: see the load average and the CPU of \"other\")"
METRICS_TOKEN = "load-metrics-token"  # as bench/load/stack.py sets it
PG = os.environ.get("LOAD_PG", "postgres://postgres@127.0.0.1:5432")


def locust_module():
    """The mix (bench/load/mix.py; not the locustfile: importing locust would monkey-patch this process)."""
    return mix


def ensure_database(db: str, n: int, citizens: int, force: bool) -> dict:
    """The prepared database's info (bench/load/prepare.py), preparing it when needed."""
    import prepare

    url = f"{PG}/{db}"
    info = None if force else prepare.prepared_info(url)
    if info and info.get("generated") == n and info.get("citizens", 0) >= citizens:
        print(f"database {db} kept: {info['dossiers']:,} dossiers (prepared in {info['total_seconds']} s)", flush=True)
        return info
    print(f"preparing database {db} with {n:,} generated dossiers ...", flush=True)
    subprocess.run([sys.executable, str(HERE / "load" / "prepare.py"), "--db", db, "--n", str(n),
                    "--citizens", str(citizens), "--server", PG], cwd=ROOT, check=True)
    return prepare.prepared_info(url)


def run_locust(base: str, work: Path, label: str, rate: float, warmup: int, seconds: int, pace: float,
               sampler: measure.CpuSampler, scenario: Path) -> dict:
    """One bounded locust run; its statistics (after the warm-up) and the cores used meanwhile."""
    lf = locust_module()
    users = lf.users_for(rate, pace)
    # Spawned in the warm-up's first third: the sign-ins (PBKDF2, a fraction of a core-second each)
    # and the workers' first requests make a storm that the rest of the warm-up lets drain. Seen at
    # 10 actions/s with a 30 s warm-up: p95 9 s in the storm's 10-second windows, 0.23 s after it.
    spawn_rate = max(1.0, users / max(5, warmup / 3))
    prefix = work / f"locust-{label}"
    env = {**os.environ, "LOAD_SCENARIO": str(scenario), "LOAD_PACE": str(pace), "LOAD_WARMUP": str(warmup),
           "PYTHONUNBUFFERED": "1"}
    command = [str(Path(sys.executable).parent / "locust"), "-f", str(LOCUSTFILE), "--headless", "--host", base,
               "--users", str(users), "--spawn-rate", f"{spawn_rate:.1f}", "--run-time", f"{warmup + seconds}s",
               "--stop-timeout", "10", "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING"]
    print(f"[{label}] {rate:g} actions/s: {users} users, spawn {spawn_rate:.1f}/s, {warmup} s warm-up + "
          f"{seconds} s measured", flush=True)
    before = backlogs(base, METRICS_TOKEN)
    log = open(work / f"locust-{label}.log", "wb")
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True)
    sampler.add("locust", process.pid)
    sampler.seconds.clear()
    sampler.elapsed = sampler.busy = 0.0
    try:
        time.sleep(warmup)
        sampler.record(True)
        process.wait(timeout=seconds + 120)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, 9)
        process.wait(10)
        raise RuntimeError(f"locust did not stop by itself ({label})") from None
    finally:
        sampler.record(False)
    stats = measure.read_stats(Path(f"{prefix}_stats.csv"))
    waiting = backlogs(base, METRICS_TOKEN)
    result = {"label": label, "rate": rate, "users": users, "seconds": seconds, "stats": stats,
              "verdict": measure.verdict(stats), "cores": sampler.cores(),
              "failures": measure.read_failures(Path(f"{prefix}_failures.csv")),
              "dossiers_per_hour": lf.dossiers_per_hour(rate), "load": os.getloadavg()[0],
              "backlogs": waiting, "backlogs_before": before}
    v = result["verdict"]
    print(f"[{label}] {v['rps']:.1f} req/s, p50 {v['p50']} ms, p95 {v['p95']} ms, p99 {v['p99']} ms, "
          f"{v['failures']} failures -> {'holds' if v['holds'] else 'does not hold'}; cores: "
          + ", ".join(f"{k} {c:.2f}" for k, c in result["cores"].items()), flush=True)
    print(f"[{label}] backlogs before it: {before}; after it: {waiting}", flush=True)
    for line in result["failures"]:
        print(f"    {line}", flush=True)
    return result


BACKLOGS = ("motcua_celery_queue_length", "motcua_notification_outbox_backlog", "motcua_national_sync_backlog")


def backlogs(base: str, token: str) -> dict[str, float]:
    """The work the Celery worker has not done yet, from /metrics (through nginx, with its token)."""
    import ssl
    import urllib.request

    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    request = urllib.request.Request(base + "/metrics", headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=30, context=context) as response:
            text = response.read().decode()
    except OSError as error:
        print(f"/metrics not read: {error}", flush=True)
        return {}
    out = {}
    for line in text.splitlines():
        name = line.split("{")[0].split(" ")[0]
        if name in BACKLOGS:
            out[name.removeprefix("motcua_")] = out.get(name.removeprefix("motcua_"), 0.0) + float(line.rsplit(" ", 1)[1])
    return out


def bottleneck(result: dict, cores: int) -> str:
    """What runs out first, read from the CPU per group (and the failures)."""
    used = result["cores"]
    busy = used.get("machine (busy)", 0.0)
    groups = {k: c for k, c in used.items() if k != "machine (busy)"}
    if not groups:
        return "no CPU figures"
    top = max(groups, key=groups.get)
    share = ", ".join(f"{k} {c / max(busy, 1e-9):.0%}" for k, c in sorted(groups.items(), key=lambda i: -i[1])[:4])
    if busy >= 0.9 * cores:
        return (f"the CPU: {busy:.2f} of {cores} cores busy; the biggest part is {top} ({groups[top]:.2f} cores). "
                f"Shares of the busy time: {share}")
    return (f"not the CPU ({busy:.2f} of {cores} cores busy): look at waits (database locks, the gunicorn "
            f"workers all busy on slow requests, connections). Shares: {share}")


def fmt(value, digits=0) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def report(args, info: dict, steps: list[dict], hold: dict | None, cores: int, workers: int, started: str,
           notes: str) -> str:
    lf = locust_module()
    lines = [
        "### Load test: a province's busiest hour (`bench/bench_load.py`)",
        "",
        "The production stack on this machine (PgBouncer in transaction pooling, gunicorn sync workers, a Celery "
        "worker and beat, nginx over HTTPS with deploy/nginx/motcua.conf) on PostgreSQL, the demo province plus "
        "the generated history in its agencies and procedures; locust (`bench/load/locustfile.py`) plays the "
        f"busiest hour's mix: per dossier received, {', '.join(f'{v:g} {k}' for k, v in lf.MIX.items())} "
        f"actions ({lf.actions_per_dossier():g} in all, ~30 page views), and {lf.REPORTS_PER_HOUR} report views "
        "an hour. A rate is page actions per second; \"dossiers/h\" is the intake that rate stands for. A step "
        "holds when the whole mix's p95 is under 300 ms and nothing failed. locust runs on the same cores "
        "and its CPU is counted (the \"locust\" column): on a separate load machine the stack would have it too.",
        "",
        f"- date: {started} UTC; machine: {platform.platform()}, {cores} CPUs"
        f"{SHARED if args.shared else ''}; "
        f"{info['dossiers']:,} dossiers ({info['generated']:,} generated, prepared in {info['total_seconds']} s); "
        f"{workers} gunicorn workers; pace {args.pace:g} s; warm-up {args.warmup} s per step (not counted)",
        f"- command: `.venv/bin/python bench/bench_load.py {shlex.join(sys.argv[1:])}`",
        "",
        "| run | rate (actions/s) | dossiers/h | users | req/s | p50 ms | p95 ms | p99 ms | failures | "
        "holds | types with p95 >= 300 ms | CPU: machine busy / gunicorn / postgres / nginx / locust / other | load avg | "
        "backlogs before -> after (Celery queue / notifications / national sync) |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for result in [*steps, *([hold] if hold else [])]:
        v, c = result["verdict"], result["cores"]
        postgres = c.get("postgres (load database)", 0.0) + c.get("postgres (other)", 0.0) + c.get("pgbouncer", 0.0)
        lines.append(
            f"| {result['label']} ({result['seconds']} s) | {result['rate']:g} | {result['dossiers_per_hour']:,.0f} | "
            f"{result['users']} | {fmt(v['rps'], 1)} | {fmt(v['p50'])} | {fmt(v['p95'])} | {fmt(v['p99'])} | "
            f"{v['failures']} | {'yes' if v['holds'] else 'no'} | {', '.join(v['slow']) or '-'} | "
            f"{fmt(c.get('machine (busy)'), 2)} / {fmt(c.get('gunicorn'), 2)} / {postgres:.2f} / "
            f"{fmt(c.get('nginx'), 2)} / {fmt(c.get('locust'), 2)} / {fmt(c.get('other'), 2)} | {result['load']:.1f} | "
            + " / ".join(f"{fmt(result['backlogs_before'].get(k.removeprefix('motcua_')))} -> "
                         f"{fmt(result['backlogs'].get(k.removeprefix('motcua_')))}" for k in BACKLOGS) + " |")
    final = hold or (steps[-1] if steps else None)
    if final:
        lines += ["", f"Per request type, {final['label']} at {final['rate']:g} actions/s:", "",
                  "| request | count | req/s | p50 ms | p95 ms | p99 ms | max ms | failures |",
                  "| --- | --- | --- | --- | --- | --- | --- | --- |"]
        for name, row in sorted(measure.page_rows(final["stats"]).items()):
            lines.append(f"| {row['method']} {name} | {row['requests']:,} | {row['rps']:.2f} | {fmt(row['p50'])} | "
                         f"{fmt(row['p95'])} | {fmt(row['p99'])} | {fmt(row['max'])} | {row['failures']} |")
        lines += ["", "Cores used per process group during it: " + ", ".join(
            f"{k} {v:.2f}" for k, v in final["cores"].items()) + "."]
        for line in final["failures"]:
            lines.append(f"- failure: {line}")
    held = [s for s in steps if s["verdict"]["holds"]]
    broke = next((s for s in steps if not s["verdict"]["holds"]), None)
    lines += ["", "Findings:",
              f"- highest step that held: {held[-1]['rate']:g} actions/s ({held[-1]['dossiers_per_hour']:,.0f} "
              f"dossiers/h, {held[-1]['verdict']['rps']:.1f} req/s)" if held else "- no step held",
              f"- hold at {hold['rate']:g} actions/s for {hold['seconds']} s: "
              f"{'held' if hold['verdict']['holds'] else 'did not hold'} (p95 {fmt(hold['verdict']['p95'])} ms, "
              f"{hold['verdict']['failures']} failures)" if hold else "- no hold run",
              f"- what runs out first (at {broke['rate']:g} actions/s, the first step that did not hold): "
              f"{bottleneck(broke, cores)}" if broke else
              f"- every step held; at the last one: {bottleneck(steps[-1], cores)}" if steps else ""]
    if notes:
        lines += [f"- {notes}"]
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="motcua_load", help="the prepared database, kept between runs")
    parser.add_argument("--n", type=int, default=1_000_000, help="generated dossiers (default 1,000,000)")
    parser.add_argument("--citizens", type=int, default=200, help="synthetic citizen accounts")
    parser.add_argument("--prepare", action="store_true", help="make the database again even if it is there")
    parser.add_argument("--prepare-only", action="store_true", help="prepare the database and stop")
    parser.add_argument("--rates", default="4,6,8,10,12,15,20", help="step-up rates, page actions per second")
    parser.add_argument("--step-time", type=int, default=120, help="measured seconds per step")
    parser.add_argument("--hold-time", type=int, default=600, help="measured seconds of the hold (0: none)")
    parser.add_argument("--hold-rate", type=float, help="the hold's rate (default: the highest step that held)")
    parser.add_argument("--warmup", type=int, default=90,
                        help="seconds before each run is measured (users spawned and signed in, workers warm)")
    parser.add_argument("--pace", type=float, default=10.0, help="seconds between one user's actions")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default 2 x cores + 1)")
    parser.add_argument("--shared", action="store_true", help="say in the figures that the machine was shared")
    parser.add_argument("--notes", default="", help="a sentence added to the findings")
    parser.add_argument("--no-write", action="store_true", help="print only, leave docs/performance.md alone")
    parser.add_argument("--keep-work", action="store_true", help="keep the logs and CSV files")
    args = parser.parse_args(argv)
    rates = [float(r) for r in args.rates.split(",") if r.strip()]
    if any(r <= 0 for r in rates) or args.step_time <= 0 or args.warmup < 0:
        parser.error("rates and times must be positive")

    prepare_started = time.perf_counter()
    info = ensure_database(args.db, args.n, args.citizens, args.prepare)
    print(f"database ready in {time.perf_counter() - prepare_started:.0f} s: "
          + json.dumps({k: v for k, v in info.items() if k != "scenario"}), flush=True)
    if args.prepare_only:
        return 0

    import stack as load_stack

    cores = measure.cores_available()
    workers = args.workers or 2 * cores + 1
    work = Path(tempfile.mkdtemp(prefix="motcua-load-"))
    scenario = work / "scenario.json"
    scenario.write_text(json.dumps(info["scenario"]))
    started = f"{dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M}"
    running = load_stack.start(args.db, work, workers, server=PG)
    print(f"stack up at {running.base} ({workers} gunicorn workers); work files in {work}", flush=True)
    # The notifications the preparation left queued (the demo's) go to the worker now, so that the
    # backlog figures are the runs' own (the hourly sweep would send them in the middle of a run).
    subprocess.run([str(Path(sys.executable).parent / "celery"), "-A", "motcua", "call",
                    "motcua.notifications.tasks.deliver_queued"], cwd=ROOT, env=running.env, timeout=120,
                   stdout=subprocess.DEVNULL, check=False)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:  # before the first step, not during it
        waiting = backlogs(running.base, METRICS_TOKEN)
        if not waiting.get("celery_queue_length") and not waiting.get("notification_outbox_backlog"):
            break
        time.sleep(5)
    print(f"backlogs before the first step: {backlogs(running.base, METRICS_TOKEN)}", flush=True)
    sampler = measure.CpuSampler(running.pids, args.db)
    sampler.start()
    steps, hold = [], None
    try:
        for index, rate in enumerate(rates):
            running.stack.alive()
            result = run_locust(running.base, work, f"step {index + 1}", rate, args.warmup, args.step_time,
                                args.pace, sampler, scenario)
            steps.append(result)
            if not result["verdict"]["holds"]:
                break
        held = [s["rate"] for s in steps if s["verdict"]["holds"]]
        hold_rate = args.hold_rate or (held[-1] if held else None)
        if args.hold_time > 0 and hold_rate:
            running.stack.alive()
            hold = run_locust(running.base, work, "hold", hold_rate, args.warmup, args.hold_time, args.pace,
                              sampler, scenario)
        running.stack.alive()
    finally:
        sampler.stop()
        running.stack.stop()
    text = report(args, info, steps, hold, cores, workers, started, args.notes)
    print(text)
    if not args.no_write:
        from performance_doc import replace_section

        print(f"written to {replace_section(START, END, text)}")
    if args.keep_work:
        print(f"work files kept in {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
