"""A network's lead team: removing a lead, disabling and re-enabling a lead's account.

Plain functions on a session; the caller commits. ``by`` is the lead acting, or None for
the portal's operators at the command line. The same guard rails as a partner's people
(``portal/accounts/people.py``): a network always keeps an active lead, and a lead disables
only an account that is on their lead team and nothing else.

A network's lead team is no partner's, but audit events belong to a partner. Every partner
of the network gets the event in its own log: who leads the network is who reads every
partner's totals (and the spend lines a partner chose to share), so each partner has a
stake in it. A network with no partners yet has no log to write to, and nothing of any
partner's for a lead to see.
"""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tenants.models import Network, NetworkLead, Organisation, User

from .access_emails import tell_about_access
from .people import PeopleProblem, elsewhere, record_in, refuse_own_account, set_active, who
from .services import end_all_sessions


def lead_team(session: Session, network: Network) -> list[NetworkLead]:
    """The network's leads, by name."""
    return session.scalars(
        select(NetworkLead).join(User).where(NetworkLead.network_id == network.id).order_by(User.name, User.id)
    ).all()


def lead(session: Session, network: Network, lead_id: int) -> NetworkLead | None:
    """The network's lead with this id, or None when it is another network's."""
    if not 0 < lead_id < 2**63:
        return None
    return session.scalar(select(NetworkLead).where(NetworkLead.id == lead_id, NetworkLead.network_id == network.id))


def _partners(session: Session, network_id: int) -> list[int]:
    return session.scalars(select(Organisation.id).where(Organisation.network_id == network_id)).all()


def other_leads(session: Session, network_id: int, user_id: int) -> int:
    """How many active leads the network has besides this person (the team is locked first, as for admins)."""
    session.execute(
        select(NetworkLead.id).where(NetworkLead.network_id == network_id).order_by(NetworkLead.id).with_for_update()
    ).all()
    return session.scalar(
        select(func.count(NetworkLead.id)).join(User).where(
            NetworkLead.network_id == network_id, NetworkLead.user_id != user_id, User.active.is_(True),
        )
    )


def _keep_a_lead(session: Session, lead: NetworkLead, change: str) -> None:
    """:raise PeopleProblem: when this person is the network's last active lead."""
    if lead.user.active and other_leads(session, lead.network_id, lead.user_id) == 0:
        network = session.get(Network, lead.network_id)
        raise PeopleProblem(
            f"{lead.user.name} is the only lead of {network.name}, so you cannot {change}. "
            "Ask the portal's operators to add another lead first."
        )


def add_lead(session: Session, network: Network, user: User, by: User | None) -> NetworkLead:
    """Put an existing account on the network's lead team (the operators' command)."""
    if user.business_id is not None:
        raise PeopleProblem(f"{user.email} is a small business's account; it cannot lead a network")
    existing = session.scalar(select(NetworkLead).filter_by(network_id=network.id, user_id=user.id))
    if existing is not None:
        return existing
    added = NetworkLead(network_id=network.id, user_id=user.id)
    session.add(added)
    session.flush()
    end_all_sessions(user)
    record_in(session, _partners(session, network.id), "lead.added", by, **who(user), network=network.name)
    tell_about_access(session, user, f"You are now on the lead team of {network.name}.", by, _ask(network))
    return added


def check_removal(session: Session, lead: NetworkLead) -> None:
    """:raise PeopleProblem: when removing this lead would leave the network with none."""
    _keep_a_lead(session, lead, "remove them")


def remove_lead(session: Session, lead: NetworkLead, by: User | None) -> None:
    """Take the person off the lead team; their account stays, with any partners it has."""
    check_removal(session, lead)
    user, network = lead.user, session.get(Network, lead.network_id)
    session.delete(lead)
    end_all_sessions(user)
    record_in(session, _partners(session, network.id), "lead.removed", by, **who(user), network=network.name)
    tell_about_access(session, user, f"You are no longer on the lead team of {network.name}.", by, _ask(network))


def _ask(network: Network) -> str:
    return f"ask another lead of {network.name}, or the portal's operators"


def check_disable(session: Session, lead: NetworkLead, by: User | None) -> None:
    """:raise PeopleProblem: for the lead's own account, the network's last lead, or an account
    that is also a partner's member or another network's lead."""
    user = lead.user
    refuse_own_account(user, by)
    if elsewhere(session, user, network_id=lead.network_id):
        raise PeopleProblem(
            f"{user.name}'s account is also used for a partner or another network, so disabling it would lock them "
            "out of that too. Remove them from the lead team instead, or ask the portal's operators to disable the account."
        )
    _keep_a_lead(session, lead, "disable their account")


def disable_lead(session: Session, lead: NetworkLead, by: User | None) -> None:
    """Disable the lead's account (see ``check_disable``)."""
    check_disable(session, lead, by)
    network = session.get(Network, lead.network_id)
    set_active(session, lead.user, False, _partners(session, network.id), by, network=network.name)


def check_enable(session: Session, lead: NetworkLead) -> None:
    """:raise PeopleProblem: for an account used elsewhere too."""
    user = lead.user
    if elsewhere(session, user, network_id=lead.network_id):
        raise PeopleProblem(
            f"{user.name}'s account is also used for a partner or another network. Ask the portal's operators to re-enable it."
        )


def enable_lead(session: Session, lead: NetworkLead, by: User | None) -> None:
    """Let the lead sign in again (see ``check_enable``)."""
    check_enable(session, lead)
    network = session.get(Network, lead.network_id)
    set_active(session, lead.user, True, _partners(session, network.id), by, network=network.name)
