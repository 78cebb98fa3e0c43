"""Does the demo show the support loop: a conduit Chamber with support and events, and a VCSE ask met as a commitment?"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from portal.extensions import db
from portal.smes.models import SmeProfile
from portal.social_value.models import Commitment
from portal.suppliers.models import Supplier
from portal.support.models import BusinessAsk, EventRegistration, SupportEvent, SupportRecord
from tenants import network_wide, tenant_context
from tenants.models import Network, Organisation


def test_the_demo_chamber_is_a_conduit_partner_with_support_events_and_a_vcse_ask_met(app, app_ctx):
    from portal.demo import DEMO_NETWORK, build_demo
    from portal.demo.support import VCSE_ASK, _profiles, _vcse_ask_met

    build_demo(db.session, with_spend=False)
    network = db.session.scalar(select(Network).where(Network.name == DEMO_NETWORK))
    partners = {o.kind: o for o in network.organisations}
    chamber, council = partners["chamber"], partners["council"]
    assert chamber.conduit and not council.conduit
    with tenant_context(chamber.id):
        assert db.session.scalar(select(SupportRecord.id)) is not None
        events = db.session.scalars(select(SupportEvent).order_by(SupportEvent.starts_at)).all()
        assert len(events) == 2
        assert any(r.attended for r in events[0].registrations) and any(r.attended is False for r in events[0].registrations)
    # The full spend demo confirms suppliers from the registers; here one is confirmed by hand.
    supplier = Supplier(network_id=network.id, name="Demo Grounds Ltd", normalised_name="demo grounds")
    db.session.add(supplier)
    db.session.commit()
    with network_wide([o.id for o in network.organisations], "test: confirm a demo supplier", business_networks=[network.id]):
        profile = next(p for p in db.session.scalars(select(SmeProfile).order_by(SmeProfile.id)) if not p.is_vcse)
        profile.supplier_id = supplier.id
        db.session.commit()
    by_short = {"chamber": chamber, "council": council}
    _vcse_ask_met(db.session, network, council, _profiles(db.session, network, by_short), date.today())
    council = db.session.get(Organisation, council.id)
    with tenant_context(council.id):
        (ask,) = db.session.scalars(select(BusinessAsk)).all()
        # The demo's own contracts carry commitments too: the offer made exactly one, on the supplier's contract.
        (commitment,) = [c for c in db.session.scalars(select(Commitment)) if c.contract.supplier_id == supplier.id]
        assert (ask.title, ask.status) == (VCSE_ASK, "met")
    # Building the demo again adds nothing.
    build_demo(db.session, with_spend=False)
    with tenant_context(chamber.id):
        assert len(db.session.scalars(select(SupportEvent)).all()) == 2
        assert db.session.scalar(select(EventRegistration.id)) is not None
