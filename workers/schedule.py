"""Every periodic job of the portal, in one readable table (Celery beat)."""
from celery.schedules import crontab

PERIODIC_JOBS: dict = {
    "send-unsent-emails": {
        "task": "portal.mail.tasks.send_unsent_emails",
        "schedule": crontab(minute="*/5"),
    },
    "fail-stale-spend-imports": {
        "task": "portal.spend.tasks.fail_stale_spend_imports",
        "schedule": crontab(minute="*"),
    },
    "fail-stale-contract-register-imports": {
        "task": "portal.contract_registers.tasks.fail_stale_contract_register_imports",
        "schedule": crontab(minute="*"),
    },
    "requeue-due-refreshes": {  # totals marked due whose refresh was lost with a message or a dead worker
        "task": "workers.due.requeue_due_refreshes",
        "schedule": crontab(minute="*"),
    },
    "settle-all-networks-suppliers": {  # match the unmatched to the registers, place and class: before the totals
        "task": "portal.registers.placing_tasks.settle_all_networks",
        "schedule": crontab(hour=2, minute=0),
    },
    "recompute-all-spend-totals": {
        "task": "portal.spend.tasks.recompute_all_spend_totals",
        "schedule": crontab(hour=2, minute=30),
    },
    "link-businesses-to-suppliers": {
        "task": "portal.smes.tasks.link_all_businesses_to_suppliers",
        "schedule": crontab(hour=2, minute=15),
    },
    "suggest-category-cpv-codes": {
        "task": "portal.gaps.tasks.suggest_category_codes",
        "schedule": crontab(hour=3, minute=15),  # after the night's spend totals name any new categories
    },
    "recompute-all-social-value-totals": {
        "task": "portal.social_value.tasks.recompute_all_social_value_totals",
        "schedule": crontab(hour=2, minute=45),
    },
    "match-all-networks": {
        "task": "portal.matching.tasks.match_all_networks",
        "schedule": crontab(hour=3, minute=30),  # after the night's business and supplier links
    },
    "look-up-unmatched-suppliers": {  # the live Companies House lookup; does nothing without an API key
        "task": "portal.registers.lookup_tasks.look_up_all_networks",
        "schedule": crontab(hour=4, minute=0),  # after the night's matching, so only what it left unmatched
    },
    "chase-social-value-returns": {  # remind suppliers of returns due, then tell managers of those unmet
        "task": "portal.social_value.tasks.chase_returns",
        "schedule": crontab(hour=7, minute=30),
    },
    "send-weekly-match-digests": {
        "task": "portal.matching.tasks.send_weekly_digests",
        "schedule": crontab(day_of_week="mon", hour=7, minute=0),
    },
}
