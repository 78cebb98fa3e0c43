"""A partner's people: changing a member's role, removing a member, disabling and re-enabling an account.

Plain functions on a session; the caller commits. ``by`` is the person acting, or None for
the portal's operators at the command line.

Every change ends every session of the person it is about at once (their next request is
signed out), so nothing they had open carries on with the access they had, and it is
written to the audit log of the partner it happened in.

Two guard rails:

- A partner always keeps an active admin. No change may leave it with none: whoever would
  be left out of people management, nobody in the partner could put it right.
- An account is disabled (or re-enabled) only by whoever answers for all of its access: a
  partner's admin when the person belongs to that partner only, a network's lead when the
  person is only on its lead team, the portal's operators otherwise. A partner admin must
  not lock someone out of another partner they know nothing about; they can always remove
  the person from their own partner instead, which ends their access to it just as surely.
"""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tenants import tenant_context
from tenants.models import ROLES, Membership, NetworkLead, Organisation, User

from .access_emails import tell_about_access
from .services import end_all_sessions, record

COMMAND_LINE = "command line"


class PeopleProblem(ValueError):
    """The change would break a guard rail; the message says why, in the user's words."""


def member(session: Session, organisation_id: int, membership_id: int) -> Membership | None:
    """The partner's membership with this id, or None when it is another partner's (never say it exists)."""
    # Memberships are not tenant rows (a person's list of partners spans tenants), so the
    # partner is named here, once, rather than at each call site.
    if not 0 < membership_id < 2**63:
        return None
    return session.scalar(
        select(Membership).where(Membership.id == membership_id, Membership.organisation_id == organisation_id)
    )


def member_for(session: Session, organisation_id: int, user_id: int) -> Membership | None:
    """This person's membership of the partner, if they have one."""
    return session.scalar(
        select(Membership).where(Membership.organisation_id == organisation_id, Membership.user_id == user_id)
    )


def record_in(session: Session, organisation_ids, action: str, by: User | None, **detail) -> None:
    """Write the event to each of these partners' audit logs."""
    if by is None:
        detail["via"] = COMMAND_LINE
    for organisation_id in sorted(set(organisation_ids)):
        with tenant_context(organisation_id):
            record(session, action, by, **detail)
            session.flush()


def who(user: User) -> dict:
    """The person an event is about, as the log names them."""
    return {"email": user.email, "name": user.name}


def other_admins(session: Session, organisation_id: int, user_id: int) -> int:
    """How many active admins the partner has besides this person.

    The partner's admin memberships are locked first (PostgreSQL), so two admins demoting,
    removing or disabling each other at the same moment cannot both pass this check: the
    second waits for the first to commit, then counts again.
    """
    session.execute(
        select(Membership.id).where(Membership.organisation_id == organisation_id, Membership.role == "admin")
        .order_by(Membership.id).with_for_update()
    ).all()
    return session.scalar(
        select(func.count(Membership.id)).join(User).where(
            Membership.organisation_id == organisation_id, Membership.role == "admin",
            Membership.user_id != user_id, User.active.is_(True),
        )
    )


def _keep_an_admin(session: Session, membership: Membership, change: str) -> None:
    """:raise PeopleProblem: when this person is the partner's last active admin."""
    if membership.role != "admin" or not membership.user.active:
        return
    if other_admins(session, membership.organisation_id, membership.user_id) == 0:
        organisation = session.get(Organisation, membership.organisation_id)
        raise PeopleProblem(
            f"{membership.user.name} is the only admin of {organisation.name}, so you cannot {change}. "
            "Make someone else an admin first."
        )


def change_role(session: Session, membership: Membership, role: str, by: User | None) -> bool:
    """Give the member another role; False if it is the role they have."""
    if role not in ROLES:
        raise PeopleProblem(f"{role} is not a role: choose viewer, officer or admin")
    if role == membership.role:
        return False
    if role != "admin":
        _keep_an_admin(session, membership, "take away their admin role")
    before = membership.role
    membership.role = role
    end_all_sessions(membership.user)
    record_in(session, [membership.organisation_id], "member.role_changed", by,
              **who(membership.user), before=before, after=role)
    partner = _name_of(session, membership.organisation_id)
    tell_about_access(session, membership.user, f"Your role at {partner} is now {role} (it was {before}).", by,
                      _ask(partner))
    return True


def check_removal(session: Session, membership: Membership) -> None:
    """:raise PeopleProblem: when removing this member would leave the partner with no admin."""
    _keep_an_admin(session, membership, "remove them")


def remove_member(session: Session, membership: Membership, by: User | None) -> None:
    """Take the person out of the partner; their account stays, with any other partners it has."""
    check_removal(session, membership)
    user, organisation_id, role = membership.user, membership.organisation_id, membership.role
    session.delete(membership)
    end_all_sessions(user)
    record_in(session, [organisation_id], "member.removed", by, **who(user), role=role)
    partner = _name_of(session, organisation_id)
    tell_about_access(session, user, f"You no longer have access to {partner} (you were {_a(role)}).", by, _ask(partner))


def _name_of(session: Session, organisation_id: int) -> str:
    return session.get(Organisation, organisation_id).name


def _ask(partner: str) -> str:
    return f"ask an admin of {partner}, or reply to the person who made it"


def _a(role: str) -> str:
    return f"an {role}" if role[0] in "aeiou" else f"a {role}"


def elsewhere(session: Session, user: User, organisation_id: int | None = None, network_id: int | None = None) -> bool:
    """Does the account reach anything besides this partner (or this network's lead team)?

    Counts every membership and lead of the account, whichever partner or network they are
    in: it must be read without any tenant's filter (under row-level security on identity
    tables, through a function that may count them).
    """
    if user.business_id is not None:
        return True
    memberships = select(func.count(Membership.id)).where(Membership.user_id == user.id)
    if organisation_id is not None:
        memberships = memberships.where(Membership.organisation_id != organisation_id)
    leads = select(func.count(NetworkLead.id)).where(NetworkLead.user_id == user.id)
    if network_id is not None:
        leads = leads.where(NetworkLead.network_id != network_id)
    other_memberships, other_leads = session.scalar(memberships), session.scalar(leads)
    return bool(other_memberships or other_leads)


def refuse_own_account(user: User, by: User | None) -> None:
    """:raise PeopleProblem: nobody disables their own account (nobody could then re-enable it from inside)."""
    if by is not None and by.id == user.id:
        raise PeopleProblem("You cannot disable your own account. Ask another admin, or remove yourself instead.")


def check_disable(session: Session, membership: Membership, by: User | None) -> None:
    """:raise PeopleProblem: for the admin's own account, the partner's last admin, or an
    account that reaches other partners or networks too."""
    user = membership.user
    refuse_own_account(user, by)
    if elsewhere(session, user, organisation_id=membership.organisation_id):
        raise PeopleProblem(
            f"{user.name}'s account is also used for another partner or network, so disabling it would lock them "
            "out of that too. Remove them from this partner instead, or ask the portal's operators to disable the account."
        )
    _keep_an_admin(session, membership, "disable their account")


def disable_member(session: Session, membership: Membership, by: User | None) -> None:
    """Disable the member's account: they cannot sign in anywhere until it is re-enabled (see ``check_disable``)."""
    check_disable(session, membership, by)
    set_active(session, membership.user, False, [membership.organisation_id], by)


def check_enable(session: Session, membership: Membership) -> None:
    """:raise PeopleProblem: for an account that reaches other partners or networks too."""
    user = membership.user
    if elsewhere(session, user, organisation_id=membership.organisation_id):
        raise PeopleProblem(
            f"{user.name}'s account is also used for another partner or network. "
            "Ask the portal's operators to re-enable it."
        )


def enable_member(session: Session, membership: Membership, by: User | None) -> None:
    """Let the member sign in again, with the role they had (see ``check_enable``)."""
    check_enable(session, membership)
    set_active(session, membership.user, True, [membership.organisation_id], by)


def set_active(session: Session, user: User, active: bool, partners: list[int], by: User | None, **detail) -> bool:
    """Disable or re-enable the account, end its sessions, log it with these partners; False if it already was so."""
    if user.active == active:
        return False
    user.active = active
    end_all_sessions(user)
    record_in(session, partners, "account.enabled" if active else "account.disabled", by, **who(user), **detail)
    what = ("Your account can sign in again, with the access it had." if active
            else "Your account has been disabled: you cannot sign in until it is re-enabled.")
    tell_about_access(session, user, what, by, "ask whoever manages your access, or the portal's operators")
    return True
