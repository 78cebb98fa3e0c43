"""Each partner's choice of measures from the network's catalogue.

The network decides which measures are in use; each partner may narrow that to
the ones it uses (Rotherham's partners favoured environmental ones). A partner
that has not chosen is offered every measure in use, so a new partner can
commit on its first day. A chosen measure the network later takes out of use is
no longer offered; if that leaves a partner nothing, it is offered the
network's list again rather than an empty form.

``PartnerMeasure`` is tenant-scoped: the caller runs inside the partner's scope.
"""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenants.models import Network, Organisation

from .measures import measures
from .models import Measure, PartnerMeasure
from .problems import SocialValueProblem


def chosen_measure_ids(session: Session) -> set[int]:
    """The ids of the measures the partner in scope has chosen (empty: it has not chosen)."""
    return set(session.scalars(select(PartnerMeasure.measure_id)))


def offered_measures(session: Session, network: Network) -> list[Measure]:
    """The measures the partner in scope may commit to: its choice among those in use, else all in use."""
    in_use = measures(session, network, in_use_only=True)
    chosen = chosen_measure_ids(session)
    return [m for m in in_use if m.id in chosen] or in_use


def choose_measures(session: Session, network: Network, organisation: Organisation, codes: Iterable[str]) -> list[Measure]:
    """Make the partner's choice exactly these measures in use; none at all means "the network's list".

    Commitments already made to a measure left out keep counting; only new ones stop.
    """
    wanted = {c.strip() for c in codes if c.strip()}
    in_use = {m.code: m for m in measures(session, network, in_use_only=True)}
    unknown = wanted - set(in_use)
    if unknown:
        raise SocialValueProblem("The network has no measure in use called " + ", ".join(sorted(unknown)))
    for row in session.scalars(select(PartnerMeasure)):  # the scope holds only this partner's rows
        session.delete(row)
    session.flush()
    for code in sorted(wanted):
        session.add(PartnerMeasure(organisation_id=organisation.id, measure_id=in_use[code].id))
    session.flush()
    return [in_use[c] for c in sorted(wanted)]
