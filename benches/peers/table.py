"""Prints `scripts/bench`'s machine facts and its one table.

Joins criterion's estimates for the Rust side (benches/introspect.rs,
benches/runner.rs, benches/pool.rs, benches/async_pool.rs; the median of
each benchmark's samples)
with the JSON lines of benches/peers/alembic_bench.py and the query counts
the Rust benches append to their facts file. Where the facts file holds a
median of interleaved rounds for a benchmark (benches/pool.rs with
and benches/async_pool.rs with RETORT_BENCH_ROUNDS, as scripts/bench runs
them), that median replaces
criterion's.

    python benches/peers/table.py --criterion DIR --rust-facts FILE --peers FILE [--quick]

Each row compares one retort measurement with one peer's, both medians of
this run. `ratio` is how many times faster retort is: the peer's time over
retort's, or retort's operations per second over the peer's; below 1.00
retort is behind.
"""

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path


def criterion_medians(home):
    """{full_id: median in seconds} for every benchmark under `home`."""
    medians = {}
    for benchmark in Path(home).glob("**/new/benchmark.json"):
        estimates = benchmark.with_name("estimates.json")
        if not estimates.exists():
            continue
        full_id = json.loads(benchmark.read_text())["full_id"]
        median_ns = json.loads(estimates.read_text())["median"]["point_estimate"]
        medians[full_id] = median_ns / 1e9
    return medians


def interleaved_medians(facts_lines):
    """{full_id: median in seconds} of the benchmarks measured in interleaved
    rounds, and the number of rounds."""
    lines = [f for f in facts_lines if f.get("row") in ("pool", "async_pool")]
    rounds = {f["rounds"] for f in lines}
    return {f["full_id"]: f["median_s"] for f in lines}, rounds


def json_lines(path):
    if not path or not Path(path).exists():
        return []
    return [json.loads(line) for line in Path(path).read_text().splitlines() if line.strip()]


def seconds(value):
    if value is None:
        return "—"
    if value >= 1:
        return f"{value:.2f} s"
    if value >= 1e-3:
        return f"{value * 1e3:.1f} ms"
    if value >= 1e-5:
        return f"{value * 1e6:.0f} µs"
    if value >= 1e-6:
        return f"{value * 1e6:.1f} µs"
    return f"{value * 1e9:.0f} ns"


def rate(value):
    return "—" if value is None else f"{value:,.0f} ops/s"


def with_queries(text, queries):
    return text if queries is None else f"{text} ({queries} q)"


class Table:
    def __init__(self):
        self.rows = []

    def time_row(self, row, retort, peer, retort_s, peer_s, retort_q=None, peer_q=None):
        ratio = peer_s / retort_s if retort_s and peer_s else None
        self.rows.append(
            (
                row,
                retort,
                with_queries(seconds(retort_s), retort_q),
                peer,
                with_queries(seconds(peer_s), peer_q),
                ratio,
            )
        )

    def rate_row(self, row, retort, peer, retort_ops, peer_ops):
        ratio = retort_ops / peer_ops if retort_ops and peer_ops else None
        self.rows.append((row, retort, rate(retort_ops), peer, rate(peer_ops), ratio))

    def print(self):
        header = ("row", "retort", "median", "peer", "median", "ratio")
        cells = [header] + [
            (*r[:5], "—" if r[5] is None else f"{r[5]:.2f}×") for r in self.rows
        ]
        widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
        for at, row in enumerate(cells):
            print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
            if at == 0:
                print("  ".join("-" * width for width in widths))


def machine_facts(facts_lines):
    try:
        rustc = subprocess.run(["rustc", "-V"], capture_output=True, text=True).stdout.strip()
    except OSError:
        rustc = "unknown"
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    facts = [
        ("cores", str(os.cpu_count())),
        ("load average (1, 5, 15 min)", load),
        ("rustc", rustc),
    ]
    facts += [(line["fact"], str(line["value"])) for line in facts_lines if "fact" in line]
    width = max(len(name) for name, _ in facts)
    for name, value in facts:
        print(f"{name.ljust(width)}  {value}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--criterion", required=True)
    parser.add_argument("--rust-facts")
    parser.add_argument("--peers")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", choices=["fleet"], help="print only these rows")
    args = parser.parse_args()

    rust = criterion_medians(args.criterion)
    rust_facts = json_lines(args.rust_facts)
    interleaved, pool_rounds = interleaved_medians(rust_facts)
    rust.update(interleaved)
    peers = json_lines(args.peers)
    revisions = int(os.environ.get("RETORT_BENCH_REVISIONS", "1000"))
    sizes = (10, 100) if args.quick else (10, 100, 500, 1000)

    machine_facts(peers + rust_facts)
    print()
    table = Table()
    if args.only == "fleet":
        fleet_rows(table, rust_facts, peers)
        finish(table)
        return

    for backend in ("PostgreSQL", "MySQL", "SQLite"):
        for size in sizes:
            ours = rust.get(f"introspect/{backend}/introspect_diff/{size}")
            our_queries = next(
                (
                    f["queries"]
                    for f in rust_facts
                    if f.get("row") == "autogenerate"
                    and f["backend"] == backend
                    and f["tables"] == size
                ),
                None,
            )
            theirs = next(
                (
                    p
                    for p in peers
                    if p.get("row") == "autogenerate"
                    and p["backend"] == backend
                    and p["tables"] == size
                ),
                {},
            )
            table.time_row(
                f"autogenerate, {backend}, {size} tables",
                "introspect + diff",
                "Alembic compare_metadata",
                ours,
                theirs.get("median_s"),
                our_queries,
                theirs.get("queries"),
            )

    startup_queries = next((f for f in rust_facts if f.get("row") == "startup"), {})
    alembic_startup = next((p for p in peers if p.get("row") == "startup"), {})
    ours = rust.get("noop_startup/retort_migrate_to_head")
    row = f"start-up no-op, {revisions} applied"
    table.time_row(
        row,
        "migrate_to_head",
        "diesel_migrations run_pending",
        ours,
        rust.get("noop_startup/diesel_run_pending_migrations"),
        startup_queries.get("retort_queries"),
        startup_queries.get("diesel_queries"),
    )
    table.time_row(
        row,
        "migrate_to_head",
        "Alembic upgrade head (in-process)",
        ours,
        alembic_startup.get("median_s"),
        startup_queries.get("retort_queries"),
        alembic_startup.get("queries"),
    )

    group = f"apply_{revisions}"
    ours = rust.get(f"{group}/retort_migrate_to_head")
    row = f"apply {revisions} from empty"
    table.time_row(
        row, "migrate_to_head", "raw DDL floor", ours, rust.get(f"{group}/raw_ddl_floor")
    )
    table.time_row(
        row,
        "migrate_to_head",
        "raw DDL floor, one transaction",
        ours,
        rust.get(f"{group}/raw_ddl_one_transaction"),
    )
    table.time_row(
        row,
        "migrate_to_head",
        "diesel_migrations run_pending",
        ours,
        rust.get(f"{group}/diesel_run_pending_migrations"),
    )
    table.time_row(
        row,
        "migrate_to_head",
        "Alembic upgrade head (in-process)",
        ours,
        next((p["median_s"] for p in peers if p.get("row") == "apply"), None),
    )

    def ops(full_id):
        median = rust.get(full_id)
        return 1 / median if median else None

    for threads in (1, 4, 16):
        prefix = f"pool_checkout_select1/threads_{threads}"
        row = f"pool checkout + SELECT 1, {threads} threads"
        sqlalchemy = {
            p["tool"]: p["ops_per_s"]
            for p in peers
            if p.get("row") == "pool" and p["threads"] == threads
        }
        if_idle = ops(f"{prefix}/retort_if_idle_for_1s")
        always = ops(f"{prefix}/retort_always")
        checked = ops(f"{prefix}/r2d2_test_on_check_out")
        unchecked = ops(f"{prefix}/r2d2_no_check")
        table.rate_row(row, "IfIdleFor(1s)", "r2d2 test_on_check_out", if_idle, checked)
        table.rate_row(row, "IfIdleFor(1s)", "r2d2 no check", if_idle, unchecked)
        table.rate_row(
            row, "IfIdleFor(1s)", "QueuePool", if_idle, sqlalchemy.get("sqlalchemy_queuepool")
        )
        table.rate_row(
            row,
            "IfIdleFor(1s)",
            "QueuePool pre_ping",
            if_idle,
            sqlalchemy.get("sqlalchemy_queuepool_pre_ping"),
        )
        table.rate_row(row, "Always", "r2d2 test_on_check_out", always, checked)
        table.rate_row(
            row,
            "Always",
            "QueuePool pre_ping",
            always,
            sqlalchemy.get("sqlalchemy_queuepool_pre_ping"),
        )

    for tasks in (16, 64, 256):
        prefix = f"async_pool_checkout_select1/tasks_{tasks}"
        row = f"async checkout + SELECT 1, {tasks} tasks"
        if_idle = ops(f"{prefix}/retort_if_idle_for_1s")
        always = ops(f"{prefix}/retort_always")
        peers_named = {
            "bb8_test_on_check_out": "bb8 test_on_check_out",
            "bb8_no_check": "bb8 no check",
            "deadpool_verified": "deadpool Verified",
            "deadpool_fast": "deadpool Fast",
        }
        for peer, name in peers_named.items():
            table.rate_row(row, "AsyncPool IfIdleFor(1s)", name, if_idle, ops(f"{prefix}/{peer}"))
        for peer in ("bb8_test_on_check_out", "deadpool_verified"):
            table.rate_row(
                row, "AsyncPool Always", peers_named[peer], always, ops(f"{prefix}/{peer}")
            )
        table.rate_row(
            row,
            "AsyncPool IfIdleFor(1s)",
            "retort Pool in spawn_blocking",
            if_idle,
            ops(f"{prefix}/retort_sync_spawn_blocking"),
        )

    alter = next((f for f in rust_facts if f.get("row") == "alter"), {})
    table.time_row(
        f"5 column changes, MySQL, {alter.get('rows', 0):,} rows",
        "one ALTER TABLE",
        "5 ALTER TABLE statements",
        alter.get("combined_s"),
        alter.get("separate_s"),
    )

    row = "pool's own cost per checkout (SQLite :memory:, 1 thread)"
    table.time_row(
        row,
        "IfIdleFor(1s)",
        "r2d2 no check",
        rust.get("pool_checkout_only/retort_if_idle_for_1s"),
        rust.get("pool_checkout_only/r2d2_no_check"),
    )

    row = "async pool's own cost per checkout (SQLite :memory:, 1 task)"
    for peer, name in (("bb8_no_check", "bb8 no check"), ("deadpool_fast", "deadpool Fast")):
        table.time_row(
            row,
            "AsyncPool IfIdleFor(1s)",
            name,
            rust.get("async_pool_checkout_only/retort_if_idle_for_1s"),
            rust.get(f"async_pool_checkout_only/{peer}"),
        )

    fleet_rows(table, rust_facts, peers)

    table.print()
    print()
    print("median: of this run's samples; (N q): queries one call issues;")
    if pool_rounds:
        rounds = "/".join(str(n) for n in sorted(pool_rounds))
        print(f"retort's pool rows: median of {rounds} rounds in which the pools take turns;")
    print("ratio: peer time / retort time, or retort ops/s / peer ops/s (> 1: retort ahead)")
    print()
    print("retort alone, introspect (bulk) / table by table:")
    for backend in ("PostgreSQL", "MySQL", "SQLite"):
        figures = []
        for size in sizes:
            bulk = rust.get(f"introspect/{backend}/bulk/{size}")
            per_table = rust.get(f"introspect/{backend}/per_table/{size}")
            figure = f"{size}: {seconds(bulk)}"
            if per_table is not None:
                figure += f" / {seconds(per_table)}"
            figures.append(figure)
        print(f"  {backend}: " + ", ".join(figures))
    exit_if_missing(table)


def fleet_rows(table, rust_facts, peers):
    """benches/fleet.rs against the Alembic loop, one tenant at a time."""
    ours = [f for f in rust_facts if f.get("row") == "fleet"]
    for kind in ("schemas", "databases"):
        theirs = next(
            (p for p in peers if p.get("row") == "fleet" and p["kind"] == kind), {}
        )
        for phase, label in (("empty_s", "from empty"), ("noop_s", "no-op")):
            for fact in sorted(
                (f for f in ours if f["kind"] == kind), key=lambda f: f["parallel"]
            ):
                table.time_row(
                    f"fleet, {fact['targets']:,} {kind} x {fact['revisions']} revisions, {label}",
                    f"upgrade --parallel {fact['parallel']}",
                    "Alembic loop, 1 at a time",
                    fact.get(phase),
                    theirs.get(phase),
                )


def finish(table):
    table.print()
    print()
    print("fleet: from empty is one run; no-op, the median of the rounds the facts name;")
    print("ratio: peer time / retort time (> 1: retort ahead)")
    exit_if_missing(table)


def exit_if_missing(table):
    missing = [r for r in table.rows if r[5] is None]
    if missing:
        print(f"{len(missing)} rows lack a measurement (—): see the log above", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
