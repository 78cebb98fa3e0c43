"""Disabling and re-enabling a whole account: the portal's operators' commands.

A partner admin or a lead disables only an account that is theirs alone
(``portal/accounts/people.py``); an account used by several partners or networks is the
operators' to disable. The event goes to the log of every partner the account belongs to,
and of every partner of each network it leads: each of them lost (or got back) someone.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenants.models import Membership, Network, NetworkLead, Organisation, User

from .lead_team import other_leads
from .people import PeopleProblem, other_admins, set_active


def partners_concerned(session: Session, user: User) -> list[int]:
    """The partners whose people or lead team this account is part of."""
    member_of = select(Membership.organisation_id).where(Membership.user_id == user.id)
    led = select(Organisation.id).join(NetworkLead, NetworkLead.network_id == Organisation.network_id).where(
        NetworkLead.user_id == user.id
    )
    return sorted(set(session.scalars(member_of).all()) | set(session.scalars(led).all()))


def left_without_anyone(session: Session, user: User) -> list[str]:
    """The partners with no other active admin, and the networks with no other active lead, once this account goes."""
    names = []
    for membership in session.scalars(select(Membership).where(Membership.user_id == user.id, Membership.role == "admin")):
        if other_admins(session, membership.organisation_id, user.id) == 0:
            names.append(f"{session.get(Organisation, membership.organisation_id).name} (its only admin)")
    for lead in session.scalars(select(NetworkLead).where(NetworkLead.user_id == user.id)):
        if other_leads(session, lead.network_id, user.id) == 0:
            names.append(f"{session.get(Network, lead.network_id).name} (its only lead)")
    return names


def disable_account(session: Session, user: User, even_if_last: bool = False) -> bool:
    """Disable the account everywhere; False if it already was.

    :raise PeopleProblem: when a partner would be left with no admin or a network with no
        lead, unless ``even_if_last`` (a compromised account must be stoppable at once).
    """
    if user.business_id is not None:
        raise PeopleProblem(f"{user.email} is a small business's account: this command is for partners' people and leads")
    if not user.active:
        return False
    if not even_if_last:
        stranded = left_without_anyone(session, user)
        if stranded:
            raise PeopleProblem(
                f"Disabling {user.email} would leave nobody to manage {', '.join(stranded)}. Give someone else the role "
                "first, or disable it anyway with --even-if-last."
            )
    return set_active(session, user, False, partners_concerned(session, user), None)


def enable_account(session: Session, user: User) -> bool:
    """Let the account sign in again, with the roles it had; False if it already could."""
    return set_active(session, user, True, partners_concerned(session, user), None)
