"""Writing a run's new and changed matches on PostgreSQL, while the run scores the next ones.

A full run into an empty table scores for about five seconds in Python and has
PostgreSQL insert for about six (two foreign keys and three indexes a row). Done
one after the other that is eleven seconds on a machine with two cores; here a
thread of the run hands each batch to PostgreSQL (``COPY`` into a staging table,
then one ``INSERT ... SELECT`` and one ``UPDATE ... FROM``) while the run scores
the next batch, so the two overlap. The thread uses the run's own connection
and transaction: nothing is committed until the run commits, and a run that
fails leaves nothing behind. ``COPY`` cannot write into a table under row-level
security, so it fills the staging table; the statements from it pass the policy.
"""
from __future__ import annotations

import queue
import threading

from sqlalchemy.orm import Session

BATCH_ROWS = 40_000

_STAGING = (
    "CREATE TEMPORARY TABLE match_staging (id bigint, opportunity_id integer, business_id integer,"
    " organisation_id integer, score double precision, reasons text, components text) ON COMMIT DROP"
)
_INSERT = (
    "INSERT INTO opportunity_matches (opportunity_id, organisation_id, business_id, network_id, score,"
    " reasons, components, computed_at)"
    " SELECT opportunity_id, organisation_id, business_id, %(network_id)s, score, reasons::json, components::json, %(now)s"
    " FROM match_staging WHERE id IS NULL"
)
_UPDATE = (
    "UPDATE opportunity_matches m SET organisation_id = s.organisation_id, score = s.score,"
    " reasons = s.reasons::json, components = s.components::json, computed_at = %(now)s"
    " FROM match_staging s WHERE s.id IS NOT NULL AND m.id = s.id"
)


class MatchWriter:
    """Takes batches of rows ``(id or None, opportunity, business, partner, score, reasons, parts)``.

    ``id`` None inserts the row; an id updates that stored match. ``close()`` waits for
    the last batch and raises whatever went wrong in the thread; ``abandon()`` stops it
    when the run itself failed. The caller must not use the session until then.
    """

    def __init__(self, session: Session, network_id: int, now):
        self._connection = session.connection().connection.driver_connection
        self._values = {"network_id": network_id, "now": now}
        with self._connection.cursor() as cursor:
            cursor.execute(_STAGING)
        self._batches: queue.Queue = queue.Queue(maxsize=2)  # scoring may run one batch ahead, not the whole run
        self._failure: BaseException | None = None
        self._thread = threading.Thread(target=self._write_batches, name="match writer", daemon=True)
        self._thread.start()

    def write(self, rows: list[tuple]) -> None:
        if self._failure is not None:
            self.close()  # raises it
        if rows:
            self._batches.put(rows)

    def close(self) -> None:
        self._finish()
        if self._failure is not None:
            raise self._failure
        with self._connection.cursor() as cursor:
            cursor.execute("DROP TABLE match_staging")

    def abandon(self) -> None:
        self._finish()

    def _finish(self) -> None:
        if self._thread.is_alive():
            self._batches.put(None)
            self._thread.join()

    def _write_batches(self) -> None:
        while (rows := self._batches.get()) is not None:
            if self._failure is not None:
                continue  # keep taking batches, so the run never waits on a full queue
            try:
                self._write(rows)
            except BaseException as failure:  # handed to the run's thread by close()
                self._failure = failure

    def _write(self, rows: list[tuple]) -> None:
        with self._connection.cursor() as cursor:
            with cursor.copy("COPY match_staging FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute(_INSERT, self._values)
            cursor.execute(_UPDATE, self._values)
            cursor.execute("TRUNCATE match_staging")
