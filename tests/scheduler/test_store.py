"""The scheduler's tables on a real SQLite file (and on PostgreSQL when one is named, see
conftest.py): migrations, the journal, pruning, the lock."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from scheduler_support import EVERY_BACKEND

from scheduler.database import StoreLocked, acquire_lock, create_engine, migrate
from scheduler.store import Deadline, Finished, RunRecord, Store

pytestmark = EVERY_BACKEND


@pytest.fixture
def store(tmp_path: Path, postgres: str) -> Iterator[Store]:
    engine = create_engine(postgres or f"sqlite:///{tmp_path / 'var' / 'scheduler.sqlite3'}")
    migrate(engine)
    migrate(engine)
    yield Store(engine)
    engine.dispose()


def run(run_id: str, job_id: str = "job", due: float = 100.0) -> RunRecord:
    return RunRecord(run_id, job_id, "bot", "echo", {"x": 1}, due, due + 0.001)


def test_migrations_create_the_tables_in_wal_mode(store: Store) -> None:
    """Migrating twice is harmless; the tables exist and SQLite journals in WAL mode."""
    tables = set(sa.inspect(store.engine).get_table_names())
    assert {"pods", "deadlines", "runs", "scheduler_alembic_version"} <= tables
    if store.engine.url.get_backend_name() == "sqlite":
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_journal_fires_a_deadline_once_and_records_one_result(store: Store) -> None:
    """A fired run marks its deadline fired; the same run id or result again is a no-op."""
    with store.transaction() as conn:
        store.put_deadline(conn, Deadline("job", "job", "bot", "echo", {"x": 1}, 100.0), 50.0)
    assert list(store.pending_deadlines()) == ["job"]
    changed = store.journal([run("r1"), run("r1"), Finished("r1", True, {"ok": 1}, "")], 101.0)
    assert changed == [True, False, True]
    assert store.pending_deadlines() == {}
    assert store.journal([Finished("r1", True, {"ok": 2}, ""), run("r1")], 102.0) == [False, False]
    [only] = store.runs_for(["job"])
    assert (only["status"], only["result"]) == ("done", {"ok": 1})


def test_a_deadline_replaced_before_the_journal_stays_pending(store: Store) -> None:
    """A run fired for an old due time does not mark the re-armed deadline fired."""
    with store.transaction() as conn:
        store.put_deadline(conn, Deadline("job", "job", "bot", "echo", {}, 200.0), 50.0)
    store.journal([run("r-old", due=100.0)], 101.0)
    assert store.pending_deadlines()["job"].due_at == 200.0


def test_prune_keeps_what_is_pending(store: Store) -> None:
    """Old finished runs and fired job deadlines go; pending runs and deadlines stay."""
    with store.transaction() as conn:
        store.put_deadline(conn, Deadline("a", "job", "bot", "echo", {}, 100.0), 1.0)
        store.put_deadline(conn, Deadline("b", "job", "bot", "echo", {}, 9e9), 1.0)
    store.journal([run("r1", "a"), run("r2", "x"), Finished("r1", True, None, "")], 101.0)
    assert store.prune(before=1000.0) == 2
    assert [r.run_id for r in store.pending_runs()] == ["r2"]
    assert list(store.pending_deadlines()) == ["b"]


def test_prune_forgets_pods_ended_long_ago(store: Store) -> None:
    """An ended pod goes once its clean-up has run; one still waiting for it stays."""
    from scheduler.store import Pod
    from scheduler.timers import TimerPolicy

    with store.transaction() as conn:
        for name in ("old", "waiting", "live"):
            status = "drafting" if name == "live" else "finished"
            pod = Pod(name, "bot", status, 2, TimerPolicy("none"), 0, None, 1.0, 1.0, 2.0)
            store.insert_pod(conn, pod)
        cleanup = Deadline(
            "pod_cleanup:waiting", "pod_cleanup", "bot", "pod_cleanup", {}, 9e9, pod="waiting"
        )
        store.put_deadline(conn, cleanup, 1.0)
    store.prune(before=1000.0)
    assert sorted(p.pod for p in store.list_pods()) == ["live", "waiting"]


def test_the_lock_admits_one_scheduler_per_store(store: Store) -> None:
    """While one lock is held a second is refused; once released it can be taken again."""
    held = acquire_lock(store.engine)
    with pytest.raises(StoreLocked):
        acquire_lock(store.engine)
    held.release()
    acquire_lock(store.engine).release()
