"""What every database task shares: retry transient failures, commit once or roll back."""
from __future__ import annotations

from sqlalchemy.exc import OperationalError

# Deadlocks, serialisation failures and dropped connections pass; try again later.
RETRY_TRANSIENT = dict(
    autoretry_for=(OperationalError,), retry_backoff=5, retry_backoff_max=600, retry_jitter=True, max_retries=8
)


def committed(work):
    """Run ``work(session)`` on the app's session and commit, or roll back so a retry starts clean."""
    from portal.extensions import db

    session = db.session
    try:
        result = work(session)
        session.commit()
        return result
    except Exception:
        session.rollback()
        raise
