"""Tenant identity and isolation: who a partner is, and the walls between partners."""
from sqlalchemy.orm import Session

from . import rls, scoping
from .context import (
    NoTenantContext,
    TenantScope,
    business_context,
    current_organisation_id,
    current_scope,
    network_wide,
    no_tenant,
    tenant_context,
)
from .scoping import BusinessScoped, SharedScoped, TenantScoped

_installed = False


def install_isolation() -> None:
    """Attach the ORM filter and the row-level-security setting to every Session, once."""
    global _installed
    if _installed:
        return
    scoping.install(Session)
    scoping.install_scope_sync()
    rls.install(Session)
    _installed = True


__all__ = [
    "BusinessScoped",
    "NoTenantContext",
    "SharedScoped",
    "TenantScope",
    "TenantScoped",
    "business_context",
    "current_organisation_id",
    "current_scope",
    "install_isolation",
    "network_wide",
    "no_tenant",
    "tenant_context",
]
