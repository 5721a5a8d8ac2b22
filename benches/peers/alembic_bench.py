"""Alembic and SQLAlchemy measured the way `benches/*.rs` measure retort.

Each row of `scripts/bench` that has a Python peer is measured here, on the
same servers, with the same schema and the same DDL as the Rust benches:

- autogenerate: `alembic.autogenerate.compare_metadata` against metadata
  matching the database (the `introspect_diff` rows of benches/introspect.rs),
  with the queries counted by a `before_cursor_execute` event;
- start-up (`RETORT_BENCH_REVISIONS`, by default 1000): in-process `alembic.command.upgrade(cfg, "head")` with every
  revision applied (benches/runner.rs, `noop_startup`);
- apply: the same `upgrade` from an empty database (`apply_N`);
- fleet: the loop users write over 1,000 tenant schemas and 50 databases,
  `command.upgrade` per tenant with 20 revisions, from empty and as a no-op
  (benches/fleet.rs);
- pool: checkout + `SELECT 1` through a QueuePool (pool_size=8,
  max_overflow=4) with `pool_pre_ping` off and on, from 1, 4 and 16 threads
  (benches/pool.rs).

Every measurement gets a database of its own, created and dropped here.
Results are JSON lines appended to `--out`; `benches/peers/table.py` joins
them with criterion's estimates.

    python benches/peers/alembic_bench.py --out results.jsonl [--quick]
"""

import argparse
import json
import os
import platform
import statistics
import tempfile
import threading
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

import alembic
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext

PG_ADMIN = os.environ.get(
    "RETORT_TEST_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)
MYSQL_ADMIN = os.environ.get("RETORT_TEST_MYSQL_URL", "mysql://root@127.0.0.1:3306/test")
POOL_THREADS = (1, 4, 16)
REVISIONS = int(os.environ.get("RETORT_BENCH_REVISIONS", "1000"))


def sqlalchemy_url(url):
    """The driver-qualified SQLAlchemy spelling of a libpq/libmysql URL."""
    if url.startswith("postgres://") or url.startswith("postgresql://"):
        return "postgresql+psycopg2://" + url.split("://", 1)[1]
    if url.startswith("mysql://"):
        return "mysql+pymysql://" + url.split("://", 1)[1]
    return url


def with_database(url, name):
    return sa.engine.make_url(sqlalchemy_url(url)).set(database=name)


class Results:
    """Appends one JSON object per line to the output file."""

    def __init__(self, path):
        self.path = path

    def add(self, **fields):
        with open(self.path, "a", encoding="utf-8") as out:
            out.write(json.dumps(fields) + "\n")
        print("  " + json.dumps(fields), flush=True)


def median_time(run, samples, warm_up=1):
    """Median wall time of `run()` over `samples` runs after `warm_up`."""
    for _ in range(warm_up):
        run()
    times = []
    for _ in range(samples):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


@contextmanager
def server_database(backend, tag):
    """A fresh database on `backend` ('PostgreSQL', 'MySQL', 'SQLite'), dropped after."""
    name = f"retort_peer_{tag}_{os.getpid()}"
    if backend == "SQLite":
        with tempfile.TemporaryDirectory() as scratch:
            yield sa.engine.make_url(f"sqlite:///{scratch}/{name}.db")
        return
    admin_url = PG_ADMIN if backend == "PostgreSQL" else MYSQL_ADMIN
    admin = sa.create_engine(sqlalchemy_url(admin_url), isolation_level="AUTOCOMMIT")
    if backend == "PostgreSQL":
        create = f'CREATE DATABASE "{name}"'
        drop = f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
    else:
        create = f"CREATE DATABASE `{name}`"
        drop = f"DROP DATABASE IF EXISTS `{name}`"
    with admin.connect() as conn:
        conn.exec_driver_sql(drop)
        conn.exec_driver_sql(create)
    try:
        yield with_database(admin_url, name)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(drop)
        admin.dispose()


# -- autogenerate ------------------------------------------------------------


def tables_ddl(backend, count):
    """The DDL of benches/introspect.rs `tables_ddl`, statement by statement."""
    q = (lambda name: f"`{name}`") if backend == "MySQL" else (lambda name: f'"{name}"')
    integer = "INT" if backend == "MySQL" else "INTEGER"
    statements = []
    for at in range(count):
        table = f"t{at:04d}"
        columns = [f"{q('id')} BIGINT NOT NULL PRIMARY KEY", f"{q('parent_id')} BIGINT NULL"]
        for c in range(1, 9):
            ty = integer if c % 2 == 0 else "VARCHAR(100)"
            columns.append(f"{q(f'c{c}')} {ty} NULL")
        columns.append(f"CONSTRAINT {q(f'uq_{table}')} UNIQUE ({q('c1')})")
        columns.append(
            f"CONSTRAINT {q(f'fk_{table}')} FOREIGN KEY ({q('parent_id')}) "
            f"REFERENCES {q('t0000')} ({q('id')})"
        )
        statements.append(f"CREATE TABLE {q(table)} ({', '.join(columns)})")
        statements.append(f"CREATE INDEX {q(f'ix_{table}')} ON {q(table)} ({q('c3')})")
    return statements


def models_metadata(count):
    """SQLAlchemy metadata declaring exactly the tables of `tables_ddl`."""
    metadata = sa.MetaData()
    for at in range(count):
        name = f"t{at:04d}"
        columns = [
            sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
            sa.Column(
                "parent_id", sa.BigInteger, sa.ForeignKey("t0000.id", name=f"fk_{name}")
            ),
        ]
        for c in range(1, 9):
            ty = sa.Integer if c % 2 == 0 else sa.String(100)
            columns.append(sa.Column(f"c{c}", ty))
        sa.Table(
            name,
            metadata,
            *columns,
            sa.UniqueConstraint("c1", name=f"uq_{name}"),
            sa.Index(f"ix_{name}", "c3"),
        )
    return metadata


def count_queries(engine):
    counter = {"queries": 0}

    @sa.event.listens_for(engine, "before_cursor_execute")
    def _count(*_):
        counter["queries"] += 1

    return counter


def bench_autogenerate(results, backend, sizes, samples):
    for size in sizes:
        with server_database(backend, f"ag{size}") as url:
            engine = sa.create_engine(url)
            with engine.begin() as conn:
                for statement in tables_ddl(backend, size):
                    conn.exec_driver_sql(statement)
            metadata = models_metadata(size)
            counter = count_queries(engine)
            with engine.connect() as conn:

                def compare():
                    context = MigrationContext.configure(conn)
                    return compare_metadata(context, metadata)

                counter["queries"] = 0
                diffs = compare()
                queries = counter["queries"]
                median = median_time(compare, samples(size), warm_up=0)
            engine.dispose()
        results.add(
            row="autogenerate",
            tool="alembic_compare_metadata",
            backend=backend,
            tables=size,
            median_s=median,
            queries=queries,
            diffs=len(diffs),
        )


# -- revisions: start-up and apply --------------------------------------------

ENV_PY = '''\
from alembic import context

context.configure(connection=context.config.attributes["connection"])
with context.begin_transaction():
    context.run_migrations()
'''


def write_revisions(directory, count):
    """`count` Alembic revisions running the DDL of benches/runner.rs, raw."""
    (directory / "versions").mkdir(parents=True)
    (directory / "env.py").write_text(ENV_PY)
    parent = None
    for n in range(count):
        revision = f"{0xBE0000000000 + n:012x}"
        up = (
            f"CREATE TABLE t_{n} (\n    id BIGINT PRIMARY KEY,\n"
            "    name VARCHAR(255) NOT NULL,\n"
            "    created_at TIMESTAMPTZ NOT NULL DEFAULT now()\n)"
        )
        (directory / "versions" / f"{revision}_table_{n}.py").write_text(
            f'"""table {n}"""\nfrom alembic import op\n\n'
            f"revision = {revision!r}\ndown_revision = {parent!r}\n"
            "branch_labels = None\ndepends_on = None\n\n\n"
            f"def upgrade():\n    op.execute({up!r})\n\n\n"
            f"def downgrade():\n    op.execute('DROP TABLE t_{n}')\n"
        )
        parent = revision


def upgrade_head(script_location, conn):
    config = Config()
    config.set_main_option("script_location", str(script_location))
    config.attributes["connection"] = conn
    command.upgrade(config, "head")
    conn.commit()


def bench_revisions(results, revisions, apply_samples, noop_samples):
    with tempfile.TemporaryDirectory() as scratch:
        scripts = Path(scratch) / "alembic"
        write_revisions(scripts, revisions)

        times = []
        with server_database("PostgreSQL", "apply") as url:
            # A new connection per sample, as benches/runner.rs has.
            engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
            for sample in range(apply_samples + 1):
                with engine.connect() as conn:
                    # Emptied as benches/runner.rs empties its database.
                    conn.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
                    conn.commit()
                with engine.connect() as conn:
                    started = time.perf_counter()
                    upgrade_head(scripts, conn)
                    elapsed = time.perf_counter() - started
                    applied = conn.exec_driver_sql(
                        "SELECT count(*) FROM pg_tables"
                        " WHERE schemaname = 'public' AND tablename <> 'alembic_version'"
                    ).scalar()
                assert applied == revisions, f"alembic applied {applied} of {revisions}"
                if sample > 0:  # the first one warms the bytecode cache
                    times.append(elapsed)
            engine.dispose()
        results.add(
            row="apply",
            tool="alembic_upgrade_head",
            revisions=revisions,
            median_s=statistics.median(times),
        )

        with server_database("PostgreSQL", "noop") as url:
            engine = sa.create_engine(url)
            counter = count_queries(engine)
            with engine.connect() as conn:
                upgrade_head(scripts, conn)
                counter["queries"] = 0
                upgrade_head(scripts, conn)
                queries = counter["queries"]
                median = median_time(lambda: upgrade_head(scripts, conn), noop_samples)
            engine.dispose()
        results.add(
            row="startup",
            tool="alembic_upgrade_head",
            revisions=revisions,
            median_s=median,
            queries=queries,
        )


# -- fleet: the loop over tenants ---------------------------------------------

FLEET_REVISIONS = 20


def fleet_loop(scripts, tenants):
    """The loop Alembic users write for a fleet: for each tenant,
    `command.upgrade` on that tenant's connection (a schema tenant with its
    schema on the `search_path`, so its `alembic_version` is its own).

    `tenants` is a list of (engine, schema or None)."""
    for engine, schema in tenants:
        with engine.connect() as conn:
            if schema is not None:
                conn.exec_driver_sql(f'SET search_path TO "{schema}"')
                conn.commit()
            upgrade_head(scripts, conn)


def bench_fleet(results, schema_count, database_count, noop_samples):
    """benches/fleet.rs's fleets, through the Alembic loop, one tenant at a
    time: `schema_count` schemas in one database and `database_count`
    databases, 20 revisions each, from empty, then as a no-op."""
    with tempfile.TemporaryDirectory() as scratch:
        scripts = Path(scratch) / "alembic"
        write_revisions(scripts, FLEET_REVISIONS)

        def measure(kind, count, tenants, check):
            # A warm-up on a spare tenant compiles the revision files.
            started = time.perf_counter()
            fleet_loop(scripts, tenants)
            empty_s = time.perf_counter() - started
            check()
            noop_s = median_time(lambda: fleet_loop(scripts, tenants), noop_samples, warm_up=0)
            results.add(
                row="fleet",
                tool="alembic_loop",
                kind=kind,
                targets=count,
                revisions=FLEET_REVISIONS,
                empty_s=empty_s,
                noop_s=noop_s,
                rounds=noop_samples,
            )

        with server_database("PostgreSQL", "fleet_warm_up") as url:
            engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
            fleet_loop(scripts, [(engine, None)])
            engine.dispose()

        if schema_count:
            with server_database("PostgreSQL", "fleet_schemas") as url:
                engine = sa.create_engine(url)
                with engine.connect() as conn:
                    conn.exec_driver_sql(
                        "".join(f"CREATE SCHEMA tenant_{n};" for n in range(schema_count))
                    )
                    conn.commit()
                tenants = [(engine, f"tenant_{n}") for n in range(schema_count)]

                def check_schemas():
                    with engine.connect() as conn:
                        tables = conn.exec_driver_sql(
                            "SELECT count(*) FROM pg_tables WHERE schemaname LIKE 'tenant%%'"
                            " AND tablename <> 'alembic_version'"
                        ).scalar()
                    assert tables == schema_count * FLEET_REVISIONS, f"{tables} tables"

                measure("schemas", schema_count, tenants, check_schemas)
                engine.dispose()

        if database_count:
            with ExitStack() as stack:
                urls = [
                    stack.enter_context(server_database("PostgreSQL", f"fleet_db_{n}"))
                    for n in range(database_count)
                ]
                # A database per tenant: an engine each, as an application
                # keeps one per tenant.
                engines = [sa.create_engine(url) for url in urls]
                tenants = [(engine, None) for engine in engines]

                def check_databases():
                    for engine in engines:
                        with engine.connect() as conn:
                            tables = conn.exec_driver_sql(
                                "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
                                " AND tablename <> 'alembic_version'"
                            ).scalar()
                        assert tables == FLEET_REVISIONS, f"{tables} tables"

                measure("databases", database_count, tenants, check_databases)
                for engine in engines:
                    engine.dispose()


# -- pool --------------------------------------------------------------------


def throughput(engine, threads, seconds):
    """Checkout + SELECT 1 operations per second from `threads` threads."""
    counts = [0] * threads
    deadline = time.perf_counter() + seconds
    select_one = sa.text("SELECT 1")

    def work(slot):
        done = 0
        while time.perf_counter() < deadline:
            with engine.connect() as conn:
                conn.execute(select_one)
            done += 1
        counts[slot] = done

    started = time.perf_counter()
    workers = [threading.Thread(target=work, args=(slot,)) for slot in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return sum(counts) / (time.perf_counter() - started)


def bench_pool(results, seconds, samples):
    for pre_ping in (False, True):
        engine = sa.create_engine(
            sqlalchemy_url(PG_ADMIN), pool_size=8, max_overflow=4, pool_pre_ping=pre_ping
        )
        throughput(engine, 8, 0.2)  # open the pool's connections
        for threads in POOL_THREADS:
            rates = [throughput(engine, threads, seconds) for _ in range(samples)]
            results.add(
                row="pool",
                tool="sqlalchemy_queuepool_pre_ping" if pre_ping else "sqlalchemy_queuepool",
                threads=threads,
                ops_per_s=statistics.median(rates),
            )
        engine.dispose()


def versions(results):
    """Python's, the libraries' and the servers' versions."""
    import psycopg2
    import pymysql

    results.add(fact="Python", value=platform.python_version())
    results.add(fact="Alembic / SQLAlchemy", value=f"{alembic.__version__} / {sa.__version__}")
    results.add(
        fact="drivers",
        value=f"psycopg2 {psycopg2.__version__.split()[0]}, PyMySQL {pymysql.__version__}",
    )
    for backend, url, query in (
        ("PostgreSQL", PG_ADMIN, "SHOW server_version"),
        ("MySQL", MYSQL_ADMIN, "SELECT VERSION()"),
    ):
        engine = sa.create_engine(sqlalchemy_url(url))
        with engine.connect() as conn:
            results.add(fact=f"{backend} server", value=conn.exec_driver_sql(query).scalar())
        engine.dispose()
    results.add(fact="SQLite (Python)", value=__import__("sqlite3").sqlite_version)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, help="JSON lines file to append to")
    parser.add_argument("--quick", action="store_true", help="small sizes, few samples")
    parser.add_argument(
        "--rows",
        default="facts,autogenerate,revisions,pool",
        help="comma-separated subset of facts,autogenerate,revisions,pool,fleet",
    )
    parser.add_argument(
        "--fleet-kinds",
        default="schemas,databases",
        help="comma-separated subset of schemas,databases for the fleet rows",
    )
    args = parser.parse_args()
    results = Results(args.out)
    rows = args.rows.split(",")
    if "facts" in rows:
        versions(results)

    if args.quick:
        sizes = (10, 100)
        samples = lambda size: 1  # noqa: E731
        apply_samples, noop_samples, pool_seconds, pool_samples = 1, 3, 0.3, 1
        fleet_sizes, fleet_noop_samples = (20, 5), 1
    else:
        sizes = (10, 100, 500, 1000)
        samples = lambda size: 10 if size <= 100 else 5  # noqa: E731
        apply_samples, noop_samples, pool_seconds, pool_samples = 5, 20, 3.0, 5
        fleet_sizes, fleet_noop_samples = (1000, 50), 1

    if "autogenerate" in rows:
        for backend in ("PostgreSQL", "MySQL", "SQLite"):
            print(f"alembic compare_metadata on {backend}", flush=True)
            bench_autogenerate(results, backend, sizes, samples)
    if "revisions" in rows:
        print(f"alembic upgrade head, {REVISIONS} revisions", flush=True)
        bench_revisions(results, REVISIONS, apply_samples, noop_samples)
    if "fleet" in rows:
        print(f"alembic loop over {fleet_sizes[0]} schemas and {fleet_sizes[1]} databases", flush=True)
        kinds = args.fleet_kinds.split(",")
        schema_count = fleet_sizes[0] if "schemas" in kinds else 0
        database_count = fleet_sizes[1] if "databases" in kinds else 0
        bench_fleet(results, schema_count, database_count, fleet_noop_samples)
    if "pool" in rows:
        print("SQLAlchemy QueuePool", flush=True)
        bench_pool(results, pool_seconds, pool_samples)


if __name__ == "__main__":
    main()
