"""Which queue each task goes to, when workers are split by kind of work (``TASK_QUEUES=named``).

So a month of spend being imported never waits behind the night's matching, and an
invitation email never waits behind either. Development (the default, ``TASK_QUEUES=one``)
keeps one queue that the single worker of ``bin/start`` takes everything from.
An exact name wins over a pattern (Celery's own rule); every task must land on one of QUEUES
(tests/operations/test_task_queues.py).
"""
from __future__ import annotations

QUEUES = ("imports", "totals", "matching", "mail")
DEFAULT_QUEUE = "celery"  # Celery's own default, the one queue of a development install

ROUTES: dict[str, str] = {
    # Mail, and the jobs whose work is writing to people.
    "portal.mail.tasks.*": "mail",
    "portal.social_value.tasks.chase_returns": "mail",
    "portal.matching.tasks.send_weekly_digests": "mail",
    # Files people upload and the registers a lead loads: someone is watching a progress page.
    "portal.spend.tasks.import_spend_file": "imports",
    "portal.spend.tasks.fail_stale_spend_imports": "imports",
    "portal.contract_registers.tasks.*": "imports",
    "portal.social_value.bulk_tasks.*": "imports",
    "portal.registers.tasks.*": "imports",
    # Totals of spend and social value, and the sweep that requeues those left due.
    "portal.spend.tasks.*": "totals",
    "portal.social_value.tasks.*": "totals",
    "workers.due.*": "totals",
    # Matching businesses to opportunities, suppliers to the registers, categories to CPV codes.
    "portal.matching.tasks.*": "matching",
    "portal.smes.tasks.*": "matching",
    "portal.registers.placing_tasks.*": "matching",
    "portal.registers.lookup_tasks.*": "matching",
    "portal.gaps.tasks.*": "matching",
}


def task_routes(mode: str) -> dict | None:
    """Celery's ``task_routes`` for the mode: None sends everything to the one default queue."""
    if mode == "one":
        return None
    if mode != "named":
        raise ValueError(f"TASK_QUEUES must be 'one' or 'named', not {mode!r}")
    return {pattern: {"queue": queue} for pattern, queue in ROUTES.items()}


def queues_in_use(mode: str) -> tuple[str, ...]:
    return QUEUES if mode == "named" else (DEFAULT_QUEUE,)
