"""The partner new social value rows belong to: the current tenant, required."""
from tenants import NoTenantContext
from tenants.context import require_scope


def current_partner_id() -> int:
    """The organisation of the current tenant context; network-wide (read-only) scopes have none."""
    scope = require_scope()
    if scope.organisation_id is None:
        raise NoTenantContext("recording social value needs one partner's tenant context, not a network-wide one")
    return scope.organisation_id
