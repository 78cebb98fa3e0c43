"""The automatic tenant filter: one place, applied to every ORM query.

``TenantScoped`` models carry ``organisation_id``. A ``do_orm_execute``
listener adds ``with_loader_criteria`` to every ORM SELECT (and to bulk
UPDATE/DELETE), restricting such models to the visible organisations and
failing closed when no scope is set. ``before_flush`` stamps new rows with the
current organisation and refuses rows for any other. This covers the ORM only;
raw SQL and Core statements are held by PostgreSQL row-level security
(``tenants/rls.py``), which reads the same scope.
See SQLAlchemy's "Adding global WHERE / ON criteria" (ORM querying guide).
"""
from __future__ import annotations

from sqlalchemy import ForeignKey, event, or_
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, declared_attr, mapped_column, with_loader_criteria

from flask import has_app_context

from .context import NoTenantContext, TenantScope, current_scope, on_scope_change, require_scope


class TenantScoped:
    """Mixin for rows that belong to one partner organisation."""

    @declared_attr
    def organisation_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True, nullable=False)


def _business_column() -> Mapped[int]:
    return mapped_column(ForeignKey("businesses.id", ondelete="CASCADE"), index=True, nullable=False)


def _network_column() -> Mapped[int]:
    # The business's network, kept on the row so workers can open "every business of
    # network N" without listing 20,000 ids.
    return mapped_column(ForeignKey("networks.id", ondelete="CASCADE"), index=True, nullable=False)


class BusinessScoped:
    """Mixin for rows that belong to one self-registered SME or VCSE (its profile)."""

    # Declared on each mixin itself (not a shared base): the loader criteria read
    # them off the mixin, and SQLAlchemy only allows that for its own declared_attrs.
    @declared_attr
    def business_id(cls) -> Mapped[int]:
        return _business_column()

    @declared_attr
    def network_id(cls) -> Mapped[int]:
        return _network_column()


class SharedScoped:
    """Mixin for rows between a partner and a business (a match, an expression of interest).

    Visible to either party, and to nobody else. Deliberately not a subclass of
    the other two: their criteria would be ANDed, and this needs OR.
    """

    @declared_attr
    def organisation_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True, nullable=False)

    @declared_attr
    def business_id(cls) -> Mapped[int]:
        return _business_column()

    @declared_attr
    def network_id(cls) -> Mapped[int]:
        return _network_column()


SCOPED_MIXINS = (TenantScoped, BusinessScoped, SharedScoped)


def is_scoped(cls) -> bool:
    return issubclass(cls, SCOPED_MIXINS)


def _uses_scoped_entity(state: ORMExecuteState) -> bool:
    return any(is_scoped(mapper.class_) for mapper in state.all_mappers)


def install(session_class) -> None:
    """Attach the listeners to a Session class (Flask-SQLAlchemy's, or a plain one)."""

    @event.listens_for(session_class, "do_orm_execute")
    def _scope_orm_statements(state: ORMExecuteState) -> None:
        if not (state.is_select or state.is_update or state.is_delete):
            return
        scope = current_scope()
        if scope is None and _uses_scoped_entity(state):
            raise NoTenantContext(
                "query of a tenant-scoped model with no tenant context: "
                + ", ".join(sorted(m.class_.__name__ for m in state.all_mappers))
            )
        # Added to every statement, not only those naming a scoped model, so a
        # joined eager load from an unscoped row is filtered too. No scope
        # means no visible organisations: fail closed.
        ids = scope.visible_ids if scope else ()
        businesses = scope.business_ids if scope else ()
        networks = scope.business_network_ids if scope else ()
        state.statement = state.statement.options(
            with_loader_criteria(
                TenantScoped,
                lambda cls: cls.organisation_id.in_(ids),
                include_aliases=True,
                propagate_to_loaders=True,
            ),
            with_loader_criteria(
                BusinessScoped,
                lambda cls: or_(cls.business_id.in_(businesses), cls.network_id.in_(networks)),
                include_aliases=True,
                propagate_to_loaders=True,
            ),
            with_loader_criteria(
                SharedScoped,
                lambda cls: or_(
                    cls.organisation_id.in_(ids), cls.business_id.in_(businesses), cls.network_id.in_(networks)
                ),
                include_aliases=True,
                propagate_to_loaders=True,
            ),
        )

    @event.listens_for(session_class, "before_flush")
    def _stamp_new_rows(session: Session, flush_context, instances) -> None:
        for obj in list(session.new) + list(session.dirty):
            if isinstance(obj, (BusinessScoped, SharedScoped)):
                _stamp_business_row(session, obj, require_scope())
                continue
            if not isinstance(obj, TenantScoped):
                continue
            scope = require_scope()
            if obj.organisation_id is None:
                if scope.organisation_id is None:
                    raise NoTenantContext(
                        f"a new {type(obj).__name__} needs an organisation: "
                        "network-wide work must set organisation_id explicitly"
                    )
                obj.organisation_id = scope.organisation_id
            elif obj.organisation_id not in scope.visible_ids:
                raise PermissionError(
                    f"{type(obj).__name__} for organisation {obj.organisation_id} "
                    "is outside the current tenant context"
                )
        for obj in session.deleted:
            if isinstance(obj, TenantScoped) and obj.organisation_id not in require_scope().visible_ids:
                raise PermissionError("delete outside the current tenant context")
            if isinstance(obj, (BusinessScoped, SharedScoped)) and not _business_side_visible(obj, require_scope()):
                raise PermissionError("delete outside the current tenant context")


def _business_side_visible(obj, scope: TenantScope) -> bool:
    if obj.business_id in scope.business_ids or obj.network_id in scope.business_network_ids:
        return True
    return isinstance(obj, SharedScoped) and obj.organisation_id in scope.visible_ids


def _stamp_business_row(session: Session, obj, scope: TenantScope) -> None:
    """New business rows are the current business's; nobody writes another's.

    A shared row (a match, an interest) is written by the business side or by a
    worker that opened the network's businesses; its partner side may update it.
    """
    if obj.business_id is None:
        if scope.business_id is None:
            raise NoTenantContext(f"a new {type(obj).__name__} needs a business")
        obj.business_id = scope.business_id
    if obj.network_id is None:
        from .businesses import Business  # late: the model module imports this one

        business = session.get(Business, obj.business_id)
        obj.network_id = business.network_id if business else None
    if not _business_side_visible(obj, scope):
        raise PermissionError(
            f"{type(obj).__name__} for business {obj.business_id} is outside the current tenant context"
        )


def _settle_session(new_scope: TenantScope | None) -> None:
    """Before the scope changes: flush work done under the old one, and forget rows
    the new scope may not see, so the identity map cannot hand them back."""
    if not has_app_context():
        return
    from portal.extensions import db

    session = db.session()
    if session.new or session.dirty or session.deleted:
        session.flush()
    visible = set(new_scope.visible_ids) if new_scope else set()
    for obj in list(session.identity_map.values()):
        # Expunging a parent cascades to its children, which may come later in this list.
        if obj not in session:
            continue
        if isinstance(obj, TenantScoped) and obj.organisation_id not in visible:
            session.expunge(obj)
        elif isinstance(obj, (BusinessScoped, SharedScoped)) and (
            new_scope is None or not _business_side_visible(obj, new_scope)
        ):
            session.expunge(obj)


def install_scope_sync() -> None:
    on_scope_change(_settle_session, before=True)
