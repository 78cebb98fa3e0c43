"""What the lead sees behind a possible duplicate: each spelling's spend and the partners who wrote it."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.spend.models import SpendLine
from portal.suppliers.merges import recent_merges as _recent
from portal.suppliers.models import SupplierAlias, SupplierMatchCandidate
from tenants import network_wide
from tenants.models import Network, Organisation


@dataclass
class PartnerSpend:
    name: str
    lines: int
    pence: int


@dataclass
class Spelling:
    """One way partners wrote the supplier, and what came in under it."""

    name: str
    postcode: str
    shared: list[PartnerSpend] = field(default_factory=list)  # partners who share their lines with the lead
    unshared_partners: int = 0  # others who wrote it: counted, their spend is not the lead's to see

    @property
    def pence(self) -> int:
        return sum(p.pence for p in self.shared)

    @property
    def lines(self) -> int:
        return sum(p.lines for p in self.shared)


def behind_pair(session: Session, network: Network, candidate: SupplierMatchCandidate) -> dict[int, list[Spelling]]:
    """For each supplier of the pair, its spellings with the spend and partners behind each.

    Spend is shown for the partners who share their lines with the lead (the same rule as the
    partners' lines pages); the others are only counted, so no partner's spend leaks."""
    ids = (candidate.supplier_id, candidate.candidate_id)
    aliases = session.execute(
        select(SupplierAlias.id, SupplierAlias.supplier_id, SupplierAlias.name_as_given, SupplierAlias.postcode)
        .where(SupplierAlias.supplier_id.in_(ids)).order_by(SupplierAlias.name_as_given, SupplierAlias.id)
    ).all()
    partners = {o.id: o for o in session.scalars(select(Organisation).where(Organisation.network_id == network.id))}
    with network_wide(partners, reason="the lead's duplicate review counts each spelling's lines"):
        spend = session.execute(
            select(SpendLine.supplier_alias_id, SpendLine.organisation_id, func.count(), func.sum(SpendLine.amount_pence))
            .where(SpendLine.supplier_alias_id.in_([a.id for a in aliases] or [-1]))
            .group_by(SpendLine.supplier_alias_id, SpendLine.organisation_id)
        ).all()
    by_alias: dict[int, Spelling] = {}
    found: dict[int, list[Spelling]] = {i: [] for i in ids}
    for alias in aliases:
        spelling = Spelling(alias.name_as_given, alias.postcode)
        by_alias[alias.id] = spelling
        found[alias.supplier_id].append(spelling)
    for alias_id, organisation_id, lines, pence in sorted(spend, key=lambda row: partners[row[1]].name):
        partner = partners[organisation_id]
        if partner.shares_lines_with_lead:
            by_alias[alias_id].shared.append(PartnerSpend(partner.name, lines, int(pence or 0)))
        else:
            by_alias[alias_id].unshared_partners += 1
    return found


def recent_merges(session: Session, network: Network):
    """The merges the lead may still undo, newest first, with the names to show."""
    return _recent(session, network)

