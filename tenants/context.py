"""Which organisations' rows the current unit of work may see.

The scope lives in a context variable, so a request, a task and a test each
carry their own. Nothing here reads a client header or guesses: the web layer
sets the scope from the logged-in user's checked membership, a task from its
explicit arguments. Reading across tenants is only possible through
``network_wide()``, which is greppable on purpose.
"""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Iterator


class NoTenantContext(RuntimeError):
    """A tenant-scoped table was queried with no tenant set: we fail closed."""


@dataclass(frozen=True)
class TenantScope:
    """The organisations visible now, and the one new rows belong to (if any).

    Self-registered SMEs and VCSEs ("businesses") are tenants too, of their own
    profile: ``business_ids`` are the businesses visible, ``business_id`` the one
    new rows belong to, and ``business_network_ids`` opens every business of
    those networks (for workers and the lead's aggregates only).
    """

    visible_ids: tuple[int, ...]
    organisation_id: int | None
    reason: str
    business_ids: tuple[int, ...] = ()
    business_id: int | None = None
    business_network_ids: tuple[int, ...] = ()

    @property
    def is_network_wide(self) -> bool:
        return self.organisation_id is None


_scope: ContextVar[TenantScope | None] = ContextVar("tenant_scope", default=None)
_before_listeners: list = []
_listeners: list = []


def current_scope() -> TenantScope | None:
    return _scope.get()


def require_scope() -> TenantScope:
    scope = _scope.get()
    if scope is None:
        raise NoTenantContext(
            "tenant-scoped data was used with no tenant context; "
            "wrap the work in tenant_context() or network_wide()"
        )
    return scope


def current_organisation_id() -> int | None:
    scope = _scope.get()
    return scope.organisation_id if scope else None


def on_scope_change(listener, before: bool = False) -> None:
    """Register a callback run whenever the scope changes (the database layer uses it).

    ``before`` callbacks run while the old scope is still in force (to flush
    work done under it); the others run once the new scope is set.
    """
    (_before_listeners if before else _listeners).append(listener)


def _set(scope: TenantScope | None) -> None:
    for listener in _before_listeners:
        listener(scope)
    _scope.set(scope)
    for listener in _listeners:
        listener(scope)


@contextmanager
def _entered(scope: TenantScope | None) -> Iterator[TenantScope | None]:
    previous = _scope.get()
    _set(scope)
    try:
        yield scope
    finally:
        _set(previous)


def tenant_context(organisation_id: int) -> "contextmanager":
    """Work as one partner: its rows only, and new rows are its own."""
    if not isinstance(organisation_id, int):
        raise TypeError("tenant_context takes an organisation id")
    return _entered(TenantScope((organisation_id,), organisation_id, "partner"))


def network_wide(organisation_ids, reason: str, business_networks=()) -> "contextmanager":
    """Read across the given partners; for aggregation code and network leads only.

    ``reason`` is kept so that a reader of a traceback or log knows why the
    wall was opened. ``business_networks`` also opens every registered business
    of those networks (matching, gap analysis).
    """
    ids = tuple(sorted({int(i) for i in organisation_ids}))
    networks = tuple(sorted({int(i) for i in business_networks}))
    return _entered(TenantScope(ids, None, f"network-wide: {reason}", business_network_ids=networks))


def business_context(business_id: int) -> "contextmanager":
    """Work as one registered SME or VCSE: its own rows only, and new rows are its own."""
    if not isinstance(business_id, int):
        raise TypeError("business_context takes a business id")
    return _entered(business_scope(business_id))


def business_scope(business_id: int) -> TenantScope:
    return TenantScope((), None, "business", business_ids=(business_id,), business_id=business_id)


def no_tenant() -> "contextmanager":
    """Explicitly clear the scope (e.g. at the start of a task)."""
    return _entered(None)


def set_request_scope(scope: TenantScope | None) -> None:
    """Set the scope for the rest of a request; the request teardown clears it."""
    _set(scope)
