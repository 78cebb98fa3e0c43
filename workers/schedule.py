"""Every periodic job of the portal, in one readable table (Celery beat)."""
from celery.schedules import crontab

PERIODIC_JOBS: dict = {
    "expire-stale-invitations": {
        "task": "portal.accounts.tasks.expire_stale_invitations",
        "schedule": crontab(hour=2, minute=15),
    },
}
