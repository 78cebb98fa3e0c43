"""The worker side of a register upload: load the stored file, then let it go."""
from __future__ import annotations

import logging
from pathlib import Path

from celery import shared_task

from portal.extensions import db

from .loading import RegisterLoadFailed, load_register
from .models import RegisterLoad

log = logging.getLogger(__name__)


@shared_task
def load_register_file(load_id: int, path: str) -> dict:
    """Load an uploaded register file for RegisterLoad ``load_id``; the file is removed once the load has ended.

    Not retried on its own: a load replaces the register whole, and a failure is recorded on
    the load for the lead, who may upload again. A load redelivered after its worker died
    starts again from the beginning (nothing of the killed attempt was swapped in).
    """
    register = db.session.scalar(db.select(RegisterLoad.register).where(RegisterLoad.id == load_id))
    db.session.rollback()
    if register is None:
        Path(path).unlink(missing_ok=True)
        return {"status": "gone"}
    try:
        result = load_register(db.session, register, path, load_id)
    except RegisterLoadFailed as failed:
        return {"status": "failed", "error": str(failed)}
    finally:
        db.session.remove()
        Path(path).unlink(missing_ok=True)
    # Placement follows the keys that changed, in a task of its own: retried alone if it fails,
    # while the load (which replaces the register whole) is never redone for it.
    from .placing_tasks import follow_register_load

    follow_register_load.delay(register, sorted(result.changed_keys))
    return {"status": "loaded", "rows_loaded": result.rows_loaded, "changed_keys": sorted(result.changed_keys)}
