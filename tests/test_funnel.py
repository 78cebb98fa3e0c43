"""Does the funnel count what happened, year by year, as an independent count over generated histories does?"""
from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.extensions import db
from portal.funnel.queries import funnel
from portal.matching.models import FirstMatch, OpportunityInterest
from portal.opportunities.models import Opportunity, OpportunityAward, OpportunityBid
from portal.smes.models import SmeProfile
from portal.social_value.models import Contract
from portal.suppliers.models import Supplier
from tenants import network_wide, tenant_context
from tenants.businesses import Business

FIRST_DAY = date(2025, 4, 1)  # two financial years: 2025 and 2026 (April to March)
OPPORTUNITIES_PER_PARTNER = 2

business = st.fixed_dictionaries({
    "day": st.integers(0, 729), "local": st.booleans(), "size": st.sampled_from(["micro", "small", "medium", "large"]),
    "vcse": st.booleans(),
})
step = st.tuples(st.sampled_from(["matched", "interested", "withdrawn", "bid"]), st.integers(0, 7), st.integers(0, 3),
                 st.integers(0, 729))
# opportunity index -> (winner: business index, or -1 for the local SME supplier, or -2 for a large supplier; day; pounds)
award = st.tuples(st.integers(-2, 7), st.integers(0, 729), st.integers(0, 50_000))
history = st.fixed_dictionaries({
    "businesses": st.lists(business, min_size=1, max_size=8),
    "steps": st.lists(step, max_size=30),
    "awards": st.dictionaries(st.integers(0, 3), award, max_size=4),
    "only": st.one_of(st.none(), st.sets(st.integers(0, 7))),
})


def _day(offset: int) -> date:
    return FIRST_DAY + timedelta(days=offset)


def _year(day: date) -> int:
    return day.year if day.month >= 4 else day.year - 1


def _build(make_network, make_partner, h):
    """Write the history; returns the ids it was given and the history made consistent (one row per pair)."""
    network = make_network()
    partners = [make_partner(network=network), make_partner(network=network)]
    local_sme = Supplier(network_id=network.id, name="Local SME Ltd", normalised_name="local sme", is_local=True, is_sme=True,
                         kind="private")
    large = Supplier(network_id=network.id, name="Big plc", normalised_name="big", is_local=False, is_sme=False, kind="private")
    db.session.add_all([local_sme, large])
    businesses = []
    for b in h["businesses"]:
        row = Business(network_id=network.id, name="Firm", created_at=datetime.combine(_day(b["day"]), datetime.min.time(), UTC))
        db.session.add(row)
        businesses.append(row)
    db.session.flush()
    with network_wide([p.id for p in partners], "test: profiles", business_networks=[network.id]):
        for row, b in zip(businesses, h["businesses"]):
            db.session.add(SmeProfile(business_id=row.id, network_id=network.id, postcode="S60 1AA", postcode_district="S60",
                                      is_local=b["local"], size_band=b["size"], charity=b["vcse"]))
        db.session.flush()
    opportunities = []  # index -> (partner id, opportunity id)
    for partner in partners:
        with tenant_context(partner.id):
            for n in range(OPPORTUNITIES_PER_PARTNER):
                o = Opportunity(title=f"Work {n}", value_band="under_10k", closing_date=date(2030, 1, 1), stage="tender")
                db.session.add(o)
                db.session.flush()
                opportunities.append((partner.id, o.id))
    db.session.commit()
    steps, seen = [], set()
    for kind, b, o, day in h["steps"]:
        if b >= len(businesses):
            continue
        table = "interest" if kind in ("interested", "withdrawn") else kind
        if (table, b, o) in seen:
            continue
        seen.add((table, b, o))
        steps.append((kind, b, o, day))
    awards = {}
    with network_wide([p.id for p in partners], "test: a generated history", business_networks=[network.id]):
        for kind, b, o, day in steps:
            partner_id, opportunity_id = opportunities[o]
            common = {"organisation_id": partner_id, "business_id": businesses[b].id, "network_id": network.id,
                      "opportunity_id": opportunity_id}
            moment = datetime.combine(_day(day), datetime.min.time(), UTC)
            if kind == "matched":
                db.session.add(FirstMatch(**common, first_matched_at=moment))
            elif kind in ("interested", "withdrawn"):
                db.session.add(OpportunityInterest(**common, created_at=moment,
                                                   withdrawn_at=moment if kind == "withdrawn" else None))
            else:
                db.session.add(OpportunityBid(organisation_id=partner_id, opportunity_id=opportunity_id,
                                              business_id=businesses[b].id, name="Firm", recorded_on=_day(day)))
        db.session.flush()
        for o, (winner, day, pounds) in sorted(h["awards"].items()):
            if winner >= len(businesses):
                continue
            partner_id, opportunity_id = opportunities[o]
            bidder = ({"business_id": businesses[winner].id} if winner >= 0
                      else {"supplier_id": (local_sme if winner == -1 else large).id})
            bid = db.session.query(OpportunityBid).filter_by(opportunity_id=opportunity_id, **bidder).one_or_none()
            if bid is None:
                bid = OpportunityBid(organisation_id=partner_id, opportunity_id=opportunity_id, name="Winner",
                                     recorded_on=_day(day), **bidder)
                db.session.add(bid)
                if winner >= 0:
                    steps.append(("bid", winner, o, day))
            bid.won = True
            contract = Contract(organisation_id=partner_id, reference=f"C{o}", title="Won", start_date=_day(day))
            db.session.add(contract)
            db.session.flush()
            db.session.add(OpportunityAward(organisation_id=partner_id, opportunity_id=opportunity_id, bid_id=bid.id,
                                            contract_id=contract.id, value_pence=pounds * 100, awarded_on=_day(day)))
            awards[o] = (winner, day, pounds * 100)
        db.session.commit()
    return network, partners, [b.id for b in businesses], opportunities, steps, awards


def _expected(h, year, partner_ids, opportunities, steps, awards, only):
    """Counted straight from the history, one event at a time, with no SQL."""
    keep = (lambda b: True) if only is None else (lambda b: b in only)
    registered = sum(1 for i, b in enumerate(h["businesses"]) if _year(_day(b["day"])) == year and keep(i))
    network = {stage: set() for stage in ("matched", "interested", "bid", "won")}
    by_partner = {p: {stage: set() for stage in network} for p in partner_ids}
    money = defaultdict(lambda: [0, 0])
    for kind, b, o, day in steps:
        if kind == "withdrawn" or _year(_day(day)) != year or not keep(b):
            continue
        network[kind].add(b)
        by_partner[opportunities[o][0]][kind].add(b)
    for o, (winner, day, pence) in awards.items():
        if _year(_day(day)) != year:
            continue
        partner_id = opportunities[o][0]
        if winner >= 0:
            if not keep(winner):
                continue
            network["won"].add(winner)
            by_partner[partner_id]["won"].add(winner)
            facts = h["businesses"][winner]
            local_sme, vcse = facts["local"] and facts["size"] != "large", facts["vcse"]
        else:
            if only is not None:
                continue
            local_sme, vcse = winner == -1, False
        money[partner_id][0] += pence if local_sme else 0
        money[partner_id][1] += pence if vcse else 0

    def stages(sets, values):
        return (registered, *(len(sets[s]) for s in ("matched", "interested", "bid", "won")), *values)

    total = [sum(v[0] for v in money.values()), sum(v[1] for v in money.values())]
    return stages(network, total), {p: stages(by_partner[p], money[p]) for p in partner_ids}


def _as_tuple(s):
    return (s.registered, s.matched, s.interested, s.bid, s.won, s.value_won_local_sme_pence, s.value_won_vcse_pence)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(h=history)
def test_the_funnel_equals_an_independent_count(app_ctx, make_network, make_partner, h):
    network, partners, business_ids, opportunities, steps, awards = _build(make_network, make_partner, h)
    only = None if h["only"] is None else {i for i in h["only"] if i < len(business_ids)}
    for year in (2025, 2026):
        got = funnel(db.session, network, year, None if only is None else [business_ids[i] for i in only])
        want_network, want_partners = _expected(h, year, [p.id for p in partners], opportunities, steps, awards, only)
        assert _as_tuple(got.network) == want_network
        assert {p: _as_tuple(s) for p, s in got.partners.items()} == want_partners
