"""The demo's support loop: the Chamber (a conduit partner) supports local firms and runs events, and a VCSE's ask
is published by the council and fulfilled by a supplier's offer, accepted as a commitment on its contract."""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.matching.models import AskOffer
from portal.smes.models import SmeProfile
from portal.social_value.measures import load_demo_measures, measure_by_code, measures
from portal.social_value.models import Contract
from portal.support import business_asks, events, offers, records
from portal.support.models import BusinessAsk, EventRegistration, SupportEvent
from tenants import network_wide, tenant_context
from tenants.models import Network, Organisation

SUPPORT_KINDS = ("one_to_one", "workshop", "bid_writing", "decarbonisation_advice", "mentoring", "funded_programme")
VCSE_ASK = "Mentoring for our treasurer"


def load_demo_support(session: Session, network: Network, partners: dict[str, Organisation], today: date | None = None) -> None:
    """Support records and two events of the Chamber, and a VCSE ask met by a commitment (skipped once there)."""
    today = today or date.today()
    chamber, council = partners["chamber"], partners["council"]
    with tenant_context(chamber.id):
        if session.scalar(select(func.count(SupportEvent.id))):
            return
    profiles = _profiles(session, network, partners)
    firms = [p for p in profiles if not p.is_vcse]
    rng = random.Random("demo support")
    with tenant_context(chamber.id):
        for profile in firms[:12]:
            for _ in range(rng.randint(1, 3)):
                records.record_support(session, chamber, records.SupportDetails(
                    profile.business_id, rng.choice(SUPPORT_KINDS), today - timedelta(days=rng.randint(5, 300)),
                    Decimal(rng.choice(("1", "1.5", "2", "3", "6"))), rng.choice(("Go For Growth", "", "Net Zero Ready"))))
        past = SupportEvent(kind="meet_the_buyer", title="Meet the buyer: Demo Council highways and grounds",
                            starts_at=datetime.combine(today - timedelta(days=30), time(9, 30), tzinfo=UTC),
                            place="Rotherham Town Hall, S60 2TH", capacity=40,
                            description="Council buyers on the year's highways and grounds work, and how to bid.")
        session.add(past)
        session.flush()
        for n, profile in enumerate(firms[:10]):
            session.add(EventRegistration(event_id=past.id, organisation_id=chamber.id, business_id=profile.business_id,
                                          contact_name=profile.contact_name or "Owner", contact_email=profile.contact_email,
                                          attended=n % 3 != 2))
        events.create_event(session, events.EventDetails(
            "supplier_day", "Supplier day: selling to the anchor network",
            datetime.combine(today + timedelta(days=21), time(10, 0), tzinfo=UTC), "Magna, Templeborough, S60 1DX", 60,
            "Meet the council, police and hospital buyers, and the Chamber's bid-writing advisers."))
        session.commit()
    _vcse_ask_met(session, network, council, profiles, today)


@dataclass(frozen=True)
class _Profile:
    business_id: int
    is_vcse: bool
    supplier_id: int | None
    postcode_district: str
    contact_name: str
    contact_email: str


def _profiles(session: Session, network: Network, partners) -> list[_Profile]:
    """Plain values: the businesses' rows stay inside the scope that opened them."""
    with network_wide([p.id for p in partners.values()], "demo: support for the network's businesses",
                      business_networks=[network.id]):
        return [_Profile(p.business_id, p.is_vcse, p.supplier_id, p.postcode_district, p.contact_name, p.contact_email)
                for p in session.scalars(select(SmeProfile).where(SmeProfile.network_id == network.id).order_by(SmeProfile.id))]


def _vcse_ask_met(session: Session, network: Network, council: Organisation, profiles, today: date) -> None:
    vcse = next((p for p in profiles if p.is_vcse), None)
    supplier = next((p for p in profiles if p.supplier_id and not p.is_vcse), None)
    if vcse is None or supplier is None:
        return
    if not measures(session, network):
        load_demo_measures(session, network)
    with tenant_context(council.id):
        waiting = BusinessAsk(organisation_id=council.id, business_id=vcse.business_id, kind="mentoring", title=VCSE_ASK,
                              description="Two hours a month with a finance professional", postcode_district=vcse.postcode_district)
        session.add(waiting)
        session.flush()
        ask = business_asks.publish(session, waiting)
        offer = AskOffer(ask_id=ask.id, organisation_id=council.id, business_id=supplier.business_id,
                         supplier_id=supplier.supplier_id, message="Our finance director will mentor your treasurer")
        contract = Contract(reference="DEMO-SV-MENTOR", title="Grounds maintenance framework", supplier_id=supplier.supplier_id,
                            start_date=date(today.year - 1, 4, 1), end_date=date(today.year + 2, 3, 31), value_pence=48_000_000)
        session.add_all([offer, contract])
        session.flush()
        measure = measure_by_code(session, network, "DEMO-02") or next(m for m in measures(session, network, in_use_only=True))
        offers.accept_offer(session, ask, offer, contract_id=contract.id, measure=measure, quantity=24, committed_on=today)
        session.commit()
