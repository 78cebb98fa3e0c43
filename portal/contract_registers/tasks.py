"""The worker side of contracts register imports: set the partner's scope, run the service, commit."""
from __future__ import annotations

import logging

from celery import shared_task
from sqlalchemy import update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import sessionmaker

from portal.extensions import db
from workers.units import RETRY_TRANSIENT

log = logging.getLogger(__name__)
_STOPPED = "The import stopped unexpectedly ({}). Try again; if it fails again, tell the portal's administrators."


def _progress(import_id: int):
    """Write rows read so far in short transactions of their own, so the progress page sees them live."""
    from .models import ContractRegisterImport

    factory = sessionmaker(bind=db.session.get_bind())

    def update_rows(rows: int) -> None:
        with factory() as session:
            session.execute(update(ContractRegisterImport)
                            .where(ContractRegisterImport.id == import_id,
                                   ContractRegisterImport.status.in_(("queued", "running")))
                            .values(rows_done=rows, status="running"))
            session.commit()

    return update_rows


def _run(organisation_id: int, import_id: int, work) -> dict:
    from tenants import tenant_context

    from .importing import fail_import
    from .recovery import heartbeat

    # A redelivered task (its worker died) runs the step again from the start: nothing of the
    # killed attempt was committed. A whole worker killed is noticed by the sweep below instead.
    with tenant_context(organisation_id), heartbeat(db.session, import_id):
        try:
            status = work()
            db.session.commit()
        except OperationalError:
            db.session.rollback()
            raise
        except Exception as error:
            db.session.rollback()
            log.exception("contracts register import %s failed", import_id)
            fail_import(db.session, import_id, _STOPPED.format(type(error).__name__))
            db.session.commit()
            return {"status": "failed"}
    return {"status": status}


@shared_task(**RETRY_TRANSIENT)
def check_contract_register(organisation_id: int, import_id: int) -> dict:
    """Check an uploaded register for the partner named in the arguments; safe to run again."""
    from .importing import check_import

    progress = _progress(import_id)

    def work():
        progress(0)  # the page says "checking" from now, not only after the first thousand lines
        return check_import(db.session, import_id, progress)

    return _run(organisation_id, import_id, work)


@shared_task(**RETRY_TRANSIENT)
def apply_contract_register(organisation_id: int, import_id: int, user_id: int | None) -> dict:
    """Apply a checked register's differences for the partner named in the arguments; safe to run again."""
    from .importing import apply_import

    return _run(organisation_id, import_id, lambda: apply_import(db.session, import_id, user_id))


@shared_task(**RETRY_TRANSIENT)
def fail_stale_contract_register_imports() -> int:
    """Periodic: mark failed the register imports whose worker died (silent past the lease), so the officer can retry."""
    from workers.units import committed

    from .recovery import fail_stale_imports

    return committed(fail_stale_imports)
