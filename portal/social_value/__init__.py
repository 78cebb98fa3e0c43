"""Social value: the measures a network uses, partners' contracts, what suppliers commit and deliver.

Services are plain functions taking a session; they ``flush()`` and the caller
commits. Tenant rows (contracts, commitments, delivery reports, evidence,
partner targets) are ``TenantScoped``: work on them inside ``tenant_context``
(a partner) or ``network_wide`` (the lead, reading).
"""
