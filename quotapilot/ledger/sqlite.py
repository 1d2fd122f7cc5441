"""The embedded ledger: one SQLite file, safe across threads and processes.

Every write runs in ``BEGIN IMMEDIATE``, which takes the database's write lock before the
first read: the limit check and the insert of the deltas happen under one lock, so two
writers can't both see room that only one of them may take (the race in check-then-insert).
WAL mode lets readers carry on while a writer holds the lock; the busy timeout makes a
second writer wait for the lock instead of failing.
"""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path

from quotapilot.ledger.base import (
    Delta,
    Ledger,
    QuotaLine,
    parse_timestamp,
    resolve_delta,
    timestamp,
)
from quotapilot.ledger.exceptions import LedgerError, LedgerNotFound, QuotaExceeded
from quotapilot.ledger.paths import lineage, parent_of

_SCHEMA = """
CREATE TABLE IF NOT EXISTS scopes (
    path TEXT PRIMARY KEY,
    parent TEXT
);
CREATE TABLE IF NOT EXISTS limits (
    scope TEXT NOT NULL,
    quota TEXT NOT NULL,
    quota_limit REAL,
    PRIMARY KEY (scope, quota)
);
CREATE TABLE IF NOT EXISTS deltas (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    scope TEXT NOT NULL,
    quota TEXT NOT NULL,
    amount REAL NOT NULL,
    recorded_at TEXT NOT NULL,
    checkpoint INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS deltas_by_quota_scope ON deltas (quota, scope);
"""

# A subtree is the scope itself plus every path in ['scope/', 'scope0'): '0' follows '/' in
# ASCII, and validated segments never contain either, so the range is exact and indexable.
_SUBTREE = "(scope = :scope OR (scope >= :scope || '/' AND scope < :scope || '0'))"


class SqliteLedger(Ledger):
    def __init__(
        self,
        path: str | Path,
        *,
        busy_timeout: float = 30.0,
        create: bool = True,
        url: str | None = None,
    ) -> None:
        self.path = str(path)
        self.name = f"sqlite {self.path}"
        self.url = url or f"sqlite:///{self.path}"
        try:
            if create or self.path == ":memory:":
                self._db = self._create(busy_timeout)
            else:
                self._db = self._open_existing(busy_timeout)
        except (sqlite3.Error, OSError) as error:
            raise LedgerError(f"can't open the ledger: {error}", path=self.path) from error
        self._lock = threading.Lock()

    def _create(self, busy_timeout: float) -> sqlite3.Connection:
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: we issue BEGIN IMMEDIATE / COMMIT ourselves.
        db = sqlite3.connect(
            self.path, timeout=busy_timeout, isolation_level=None, check_same_thread=False
        )
        db.execute("PRAGMA journal_mode=WAL")
        self._tune(db, busy_timeout)
        # IF NOT EXISTS makes this safe when several processes open a new file at once.
        db.executescript(_SCHEMA)
        return db

    def _open_existing(self, busy_timeout: float) -> sqlite3.Connection:
        """Open a ledger that must already exist; create no file, directory or table."""
        where = Path(self.path)
        if not where.is_file():
            what = "a directory, not a file" if where.is_dir() else "no such file"
            raise LedgerNotFound(f"no ledger at {self.url}: {what}")
        # mode=rw: SQLite itself refuses to create the file, even if it vanished meanwhile.
        db = sqlite3.connect(
            f"{where.absolute().as_uri()}?mode=rw",
            uri=True,
            timeout=busy_timeout,
            isolation_level=None,
            check_same_thread=False,
        )
        self._tune(db, busy_timeout)
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
        if not {"scopes", "limits", "deltas"} <= tables:
            db.close()
            raise LedgerNotFound(f"no ledger at {self.url}: the file holds no ledger tables")
        return db

    @staticmethod
    def _tune(db: sqlite3.Connection, busy_timeout: float) -> None:
        db.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
        db.execute("PRAGMA synchronous=NORMAL")

    def close(self) -> None:
        self._db.close()

    # Transactions ----------------------------------------------------------------------

    class _Transaction:
        def __init__(self, db: sqlite3.Connection) -> None:
            self.db = db

        def __enter__(self) -> sqlite3.Connection:
            self.db.execute("BEGIN IMMEDIATE")
            return self.db

        def __exit__(self, exc_type: object, *rest: object) -> None:
            self.db.execute("ROLLBACK" if exc_type else "COMMIT")

    def _write(self) -> SqliteLedger._Transaction:
        return self._Transaction(self._db)

    # Primitives ------------------------------------------------------------------------

    def _set_limit(self, scope: str, quota: str, limit: float | None) -> None:
        with self._lock_ctx(), self._write() as db:
            self._ensure_scope(db, scope)
            db.execute(
                "INSERT INTO limits (scope, quota, quota_limit) VALUES (?, ?, ?) "
                "ON CONFLICT (scope, quota) DO UPDATE SET quota_limit = excluded.quota_limit",
                (scope, quota, limit),
            )

    def _limit(self, scope: str, quota: str) -> float | None:
        row = self._db.execute(
            "SELECT quota_limit FROM limits WHERE scope = ? AND quota = ?", (scope, quota)
        ).fetchone()
        return None if row is None else row[0]

    def _usage(self, scope: str, quota: str, db: sqlite3.Connection | None = None) -> float:
        row = (
            (db or self._db)
            .execute(
                f"SELECT COALESCE(SUM(amount), 0) FROM deltas WHERE quota = :quota AND {_SUBTREE}",
                {"quota": quota, "scope": scope},
            )
            .fetchone()
        )
        return float(row[0])

    def _own(self, scope: str, db: sqlite3.Connection | None = None) -> dict[str, float]:
        rows = (db or self._db).execute(
            "SELECT quota, SUM(amount) FROM deltas WHERE scope = ? GROUP BY quota", (scope,)
        )
        return {quota: float(total) for quota, total in rows}

    def _lines(self, scope: str | None) -> list[QuotaLine]:
        params = {"scope": scope or ""}
        where = _SUBTREE if scope else "1"
        pairs = self._db.execute(
            f"SELECT scope, quota FROM limits WHERE {where} "
            f"UNION SELECT DISTINCT scope, quota FROM deltas WHERE {where}",
            params,
        ).fetchall()
        # Ancestors of scopes with deltas carry usage too, though they may have no rows.
        wanted: set[tuple[str, str]] = set()
        for path, quota in pairs:
            for ancestor in lineage(path):
                if scope is None or ancestor == scope or ancestor.startswith(scope + "/"):
                    wanted.add((ancestor, quota))
        lines = []
        for path, quota in sorted(wanted):
            limit, usage = self._limit(path, quota), self._usage(path, quota)
            if limit is None and not usage:
                continue  # nothing to show: all released, no limit
            own = self._own(path).get(quota, 0.0)
            lines.append(QuotaLine(path, quota, limit, usage, own))
        return lines

    def _commit(
        self, scope: str, amounts: dict[str, float], *, absolute: bool, validate: bool = True
    ) -> dict[str, float]:
        now = timestamp(datetime.now(UTC))
        with self._lock_ctx(), self._write() as db:
            own = self._own(scope, db)
            recorded: dict[str, float] = {}
            for quota, amount in amounts.items():
                delta = resolve_delta(amount, own.get(quota, 0.0), absolute=absolute)
                if delta == 0:
                    continue
                if delta > 0 and validate:
                    self._check(db, scope, quota, delta)
                recorded[quota] = delta
            # Raising above rolled the transaction back: nothing of this apply is left.
            if recorded:
                self._ensure_scope(db, scope)
                db.executemany(
                    "INSERT INTO deltas (scope, quota, amount, recorded_at) VALUES (?, ?, ?, ?)",
                    [(scope, quota, delta, now) for quota, delta in recorded.items()],
                )
            return recorded

    def _check(self, db: sqlite3.Connection, scope: str, quota: str, delta: float) -> None:
        for path in lineage(scope):
            row = db.execute(
                "SELECT quota_limit FROM limits WHERE scope = ? AND quota = ?", (path, quota)
            ).fetchone()
            if row is None or row[0] is None:
                continue
            usage = self._usage(path, quota, db)
            if usage + delta > row[0]:
                raise QuotaExceeded(
                    scope=path, quota=quota, limit=row[0], usage=usage, delta=delta, origin=scope
                )

    def _ensure_scope(self, db: sqlite3.Connection, scope: str) -> None:
        for path in lineage(scope):
            db.execute(
                "INSERT OR IGNORE INTO scopes (path, parent) VALUES (?, ?)",
                (path, parent_of(path)),
            )

    # History and compaction ------------------------------------------------------------

    def history(self, scope: str, quota: str) -> list[Delta]:
        from quotapilot.ledger.paths import check_quota, normalise_scope

        rows = self._db.execute(
            "SELECT scope, quota, amount, recorded_at, checkpoint FROM deltas "
            "WHERE scope = ? AND quota = ? ORDER BY recorded_at, id",
            (normalise_scope(scope), check_quota(quota)),
        )
        return [Delta(s, q, a, parse_timestamp(t), bool(c)) for s, q, a, t, c in rows]

    def compact(self, before: datetime) -> int:
        cutoff = timestamp(before)
        with self._lock_ctx(), self._write() as db:
            groups = db.execute(
                "SELECT scope, quota, SUM(amount), COUNT(*), MAX(recorded_at) FROM deltas "
                "WHERE recorded_at < ? GROUP BY scope, quota HAVING COUNT(*) > 1",
                (cutoff,),
            ).fetchall()
            folded = 0
            for scope, quota, total, count, latest in groups:
                db.execute(
                    "DELETE FROM deltas WHERE scope = ? AND quota = ? AND recorded_at < ?",
                    (scope, quota, cutoff),
                )
                db.execute(
                    "INSERT INTO deltas (scope, quota, amount, recorded_at, checkpoint) "
                    "VALUES (?, ?, ?, ?, 1)",
                    (scope, quota, total, latest),
                )
                folded += count - 1
            return folded

    def _lock_ctx(self) -> threading.Lock:
        # One connection shared by threads: serialise its transactions in-process too.
        return self._lock
