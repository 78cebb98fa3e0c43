"""Demo SMEs and VCSEs, opportunities and their matches, for the demo network.

Deterministic (a seeded ``random.Random``): a few hundred registered businesses, most
in the local area; the first hundred or so are the demo spend's own local suppliers
(linked to the supplier register), the rest are firms the partners do not buy from yet.
Some trades have many local firms (construction, care) and some few (IT, professional
services), so the lead's gap analysis has gaps to show. Each partner publishes a dozen
opportunities with lots and social value asks; a few businesses say they are interested.
A second run finds the businesses and opportunities there and adds nothing.
"""
from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.demo.spend import (
    _PLACES,
    _SURNAMES,
    _TRADES,
    CATEGORIES,
    LOCAL_DISTRICTS,
    _postcode,
    supplier_pool,
)
from portal.gaps import queries as gap_queries
from portal.gaps import services as gap_services
from portal.matching import services as matching
from portal.matching.models import AskOffer, OpportunityInterest
from portal.opportunities import services as opportunities
from portal.opportunities.models import Opportunity, SocialValueAsk
from portal.passwords import hash_password
from portal.smes.models import SOCIAL_VALUE_OFFERS, SmeCategory, SmeProfile
from portal.smes.services import locality
from portal.spend.normalise import normalise_supplier_name
from portal.suppliers.models import Supplier
from tenants import network_wide, tenant_context
from tenants.businesses import Business
from tenants.models import Network, Organisation, User

SEED = 2027
BUSINESS_COUNT = 320
FROM_SPEND_POOL = 110  # local demo suppliers who register too
NEARBY_DISTRICTS = ["S1", "S2", "S9", "DN1", "DN4", "S70", "S75"]
SME_LOGIN = "owner@sme.demo"

# The CPV codes a firm in each demo spend category works in (division or group or class),
# and how common such firms are locally: a weight, so some trades have gaps.
TRADE_CODES = {
    "Construction": (["45000000", "45210000", "45260000", "45330000", "45310000", "45450000"], 14),
    "Facilities & Management Services": (["90910000", "79710000", "77310000", "79993000"], 8),
    "Information Communication Technology": (["72000000", "72200000", "48000000"], 2),
    "Social Community Care Supplies & Services": (["85300000", "85310000", "85320000"], 12),
    "Healthcare": (["85100000", "33100000"], 2),
    "Professional Services": (["79000000", "79100000", "79200000", "71000000"], 2),
    "Catering": (["55520000", "15000000", "55300000"], 7),
    "Vehicle Management": (["50100000", "34000000"], 4),
    "Transport": (["60100000", "60000000", "60130000"], 5),
    "Environmental Services": (["90500000", "90700000", "90920000"], 4),
    "Education": (["80000000", "80500000"], 5),
    "Human Resources": (["79600000", "79620000"], 2),
    "Utilities": (["65000000", "09300000"], 1),
    "Stationery & Printing": (["79800000", "22000000"], 3),
    "Voluntary Sector Grants": (["98000000", "85300000", "80500000"], 8),
}
# Within a trade, what a firm's own line of work is coded as (its name says which): a grounds
# maintenance firm is not a cleaner. Without these every facilities firm had the cleaning code and a
# description naming only the trade, so the grounds maintenance firm in the same town as the parks
# was matched no better than a window cleaner, and not at all once it was large or a district away.
WORD_CODES = {
    "Landscapes": ["77314000", "77310000", "77311000"],
    "Cleaning Services": ["90910000", "90919000"],
    "Window Cleaning": ["90911300", "90910000"],
    "Security": ["79710000", "79713000"],
    "Facilities Management": ["79993000", "79993100"],
}
WORD_WORDS = {"Landscapes": "grounds maintenance, landscaping, mowing and hedges"}
# An opportunity's own codes where its trade's would be wrong for it.
IDEA_CODES = {"Grounds maintenance for {place} parks": ["77314000", "77310000"]}

# What the lead chose for the categories the words do not place (the rest are suggested).
LEAD_CHOICES = {
    "Facilities & Management Services": "79993000",
    "Information Communication Technology": "72000000",
    "Social Community Care Supplies & Services": "85300000",
    "Professional Services": "79000000",
    "Vehicle Management": "50100000",
    "Human Resources": "79600000",
    "Stationery & Printing": "79800000",
    "Voluntary Sector Grants": "98000000",
}

# (category, title, description, value band, lots, asks): {place} is filled in per partner.
OPPORTUNITY_IDEAS = [
    ("Construction", "Refurbishment of {place} community centre", "Strip out, new roof covering, heating and a fully accessible entrance.",
     "214k_to_1m", ["Roofing", "Mechanical and electrical", "Internal fit-out"], ["work_placements", "apprenticeships"]),
    ("Construction", "Responsive repairs in {place}", "Day-to-day repairs to buildings, within four hours for emergencies.",
     "50k_to_214k", [], ["local_recruitment"]),
    ("Facilities & Management Services", "Office cleaning, {place} sites", "Daily cleaning of three offices and a depot.",
     "50k_to_214k", ["Offices", "Depot"], ["local_recruitment"]),
    ("Facilities & Management Services", "Grounds maintenance for {place} parks", "Mowing, hedges and winter gritting of paths.",
     "10k_to_50k", [], ["volunteering"]),
    ("Information Communication Technology", "Case management system support", "Support and small changes to our case management system.",
     "50k_to_214k", [], ["mentoring", "careers_talks"]),
    ("Social Community Care Supplies & Services", "Supported living in {place}", "Support for adults with learning disabilities to live in their own homes.",
     "214k_to_1m", ["North", "South"], ["work_placements"]),
    ("Healthcare", "Community physiotherapy sessions", "Weekly physiotherapy sessions in community venues.",
     "10k_to_50k", [], ["careers_talks"]),
    ("Professional Services", "Employment law advice", "Advice line and two training days a year for managers.",
     "10k_to_50k", [], ["mentoring"]),
    ("Catering", "Staff canteen and event catering", "Breakfast and lunch service for 200 staff, and catering for events.",
     "50k_to_214k", ["Canteen", "Events"], ["donations_in_kind"]),
    ("Vehicle Management", "Fleet servicing and MOTs", "Servicing, MOTs and repairs for 40 vans and cars.",
     "50k_to_214k", [], ["apprenticeships"]),
    ("Transport", "Home to school transport, {place} routes", "Minibus routes to special schools, with passenger assistants.",
     "214k_to_1m", ["Route A", "Route B", "Route C"], ["local_recruitment"]),
    ("Environmental Services", "Recycling of office waste", "Collection and recycling of paper, cans and food waste.",
     "under_10k", [], ["decarbonisation_help"]),
    ("Education", "Leadership training for supervisors", "A six-day course for new supervisors, in {place}.",
     "10k_to_50k", [], ["mentoring"]),
    ("Stationery & Printing", "Printing of leaflets and posters", "Short runs of leaflets and posters, delivered in two days.",
     "under_10k", [], ["work_placements"]),
]
ASK_TITLES = {
    "mentoring": ("Mentoring for a young people's charity", "{place} Youth Centre"),
    "work_placements": ("Two-week work placements for college students", "{place} College"),
    "apprenticeships": ("An apprenticeship for a care leaver", "{place} care leavers' service"),
    "careers_talks": ("Careers talks at a secondary school", "{place} Academy"),
    "decarbonisation_help": ("Help a community hall cut its energy bills", "{place} Community Hall"),
    "volunteering": ("Volunteers to clear a canal towpath", "Friends of the {place} Canal"),
    "local_recruitment": ("Jobs advertised through the local jobs fair", "{place} Jobcentre partnership"),
    "donations_in_kind": ("Surplus food for a community pantry", "{place} Community Pantry"),
}


def load_demo_smes(session: Session, network: Network, partners: dict[str, Organisation], today: date | None = None) -> list[tuple[str, str]]:
    """Fill the demo network's businesses, opportunities, interest and category codes; returns the SME's login."""
    today = today or date.today()
    partner_ids = [p.id for p in partners.values()]
    with network_wide(partner_ids, "demo: businesses", business_networks=[network.id]):
        has_businesses = session.scalar(select(func.count(Business.id)).where(Business.network_id == network.id))
        if not has_businesses:
            _add_businesses(session, network)
            session.commit()
    for short, partner in partners.items():
        with tenant_context(partner.id):
            if not session.scalar(select(func.count(Opportunity.id))):
                _add_opportunities(session, partner, short, today)
                session.commit()
    with network_wide(partner_ids, "demo: interest", business_networks=[network.id]):
        if not session.scalar(select(func.count(OpportunityInterest.id))):
            _add_interest(session, network)
            session.commit()
        if not session.scalar(select(func.count(AskOffer.id))):
            _add_offers(session, network)
            session.commit()
    _code_categories(session, network)
    session.commit()
    _match(session, network)
    return [(SME_LOGIN, f"a local SME registered with {network.name}")]


def _rng(*parts) -> random.Random:
    return random.Random("-".join(str(p) for p in (SEED, *parts)))


def _trade_of(rng: random.Random) -> str:
    names = list(TRADE_CODES)
    return rng.choices(names, [TRADE_CODES[n][1] for n in names])[0]


def _business_rows(network: Network) -> list[dict]:
    """Who registers: the demo spend's local SMEs and VCSEs first, then firms the partners do not use yet."""
    rng = _rng("businesses")
    rows = []
    for supplier in supplier_pool():
        if len(rows) >= FROM_SPEND_POOL:
            break
        if supplier.is_local and supplier.kind in ("private", "vcse", "sole_trader") and supplier.is_sme is not False:
            rows.append({
                "name": supplier.name, "trade": supplier.category, "word": _word_in(supplier.name), "postcode": supplier.postcode, "vcse": supplier.kind == "vcse",
                "employee_owned": supplier.employee_owned, "living_wage": supplier.living_wage,
                "company_number": supplier.company_number, "charity_number": supplier.charity_number, "supplier": True,
            })
    while len(rows) < BUSINESS_COUNT:
        trade = _trade_of(rng)
        vcse = rng.random() < 0.18
        place = rng.choice(_PLACES[:16])
        word = rng.choice(_TRADES[trade])
        name = (f"{place} {rng.choice(['Community', 'Together', 'Hope', 'Carers'])} {word.split()[-1]}" if vcse
                else f"{rng.choice([place, rng.choice(_SURNAMES)])} {word} Ltd")
        district = rng.choice(LOCAL_DISTRICTS) if rng.random() < 0.85 else rng.choice(NEARBY_DISTRICTS)
        rows.append({
            "name": name, "trade": trade, "word": word, "postcode": _postcode(rng, district), "vcse": vcse,
            "employee_owned": rng.random() < 0.05, "living_wage": rng.random() < 0.3,
            "company_number": None if vcse else f"{rng.randint(1_000_000, 16_999_999):08d}",
            "charity_number": f"{rng.randint(500_000, 1_199_999)}" if vcse else None, "supplier": False,
        })
    # The demo SME login: a local building co-operative.
    # Small, and saying what it does in the words buyers use, so its matches page has the partners' building work on it.
    rows[0] = {**rows[0], "name": "Rother Valley Builders Co-operative", "trade": "Construction", "word": None, "postcode": "S60 2BX",
               "vcse": False, "cooperative": True, "company_number": "07654321", "charity_number": None, "size_band": "small",
               "what_we_do": "A builders' co-operative in Rotherham: refurbishment of community buildings, new roof "
                             "coverings, heating, accessible entrances, and day-to-day repairs to buildings with a "
                             "four-hour call-out for emergencies. Most of our staff live within ten miles of our yard."}
    return rows


def _add_businesses(session: Session, network: Network) -> None:
    rng = _rng("profiles")
    password_hash = hash_password(_demo_password())  # once: every demo account shares the demo password
    suppliers = dict(session.execute(
        select(Supplier.normalised_name, Supplier.id).where(Supplier.network_id == network.id)
    ).all())
    verified = datetime.now(UTC)
    seen_names: set[str] = set()
    for n, row in enumerate(_business_rows(network)):
        if row["name"].lower() in seen_names:
            continue
        seen_names.add(row["name"].lower())
        business = Business(network_id=network.id, name=row["name"])
        session.add(business)
        session.flush()
        email = SME_LOGIN if n == 0 else f"owner{n}@business{business.id}.sme.demo"
        session.add(User(email=email, name=f"Owner of {row['name']}", password_hash=password_hash, business_id=business.id,
                         email_verified_at=verified))
        district = row["postcode"].split(" ")[0]
        vcse = row["vcse"]
        social = vcse and rng.random() < 0.6
        codes = WORD_CODES.get(row.get("word")) or TRADE_CODES[row["trade"]][0]
        session.add(SmeProfile(
            business_id=business.id, network_id=network.id,
            organisation_type=("charity" if rng.random() < 0.5 else "community_interest_company") if vcse
            else ("cooperative" if row.get("cooperative") else rng.choice(["company", "company", "company", "sole_trader"])),
            company_number=row["company_number"], charity_number=row["charity_number"],
            postcode=row["postcode"], postcode_district=district, is_local=locality(row["postcode"], network, session)[2],
            size_band=_or(row.get("size_band"), rng.choices(["micro", "small", "medium", "large"], [45, 35, 16, 4])[0]),
            employee_owned=row["employee_owned"], cooperative=bool(row.get("cooperative")) or (not vcse and rng.random() < 0.06),
            social_enterprise=social, charity=vcse and not social, living_wage_accredited=row["living_wage"],
            accreditations=rng.sample(["ISO 9001", "ISO 14001", "Cyber Essentials", "CHAS", "Constructionline Gold"], rng.randint(0, 2)),
            what_we_do=_or(row.get("what_we_do"), _what_we_do(rng, row)), social_value_offers=rng.sample(SOCIAL_VALUE_OFFERS, rng.randint(0, 3)),
            contact_name=f"{rng.choice(['Sam', 'Alex', 'Jo', 'Priya', 'Tomasz', 'Aisha', 'Gareth'])} {rng.choice(_SURNAMES)}",
            contact_email=email, wants_weekly_digest=rng.random() < 0.4,
            **_confirmed_claim(suppliers.get(normalise_supplier_name(row["name"])) if row["supplier"] else None),
        ))
        for code in sorted({codes[0], *rng.sample(codes, rng.randint(1, len(codes)))}):
            session.add(SmeCategory(business_id=business.id, network_id=network.id, cpv_code=code))
    session.flush()


def _or(given, drawn):
    """The row's own value if it has one; the draw is made either way, so every other business stays as it was."""
    return given or drawn


def _word_in(name: str) -> str | None:
    """The line of work a demo supplier's name carries ("Maltby Landscapes Ltd": Landscapes), if one with codes of its own."""
    return next((word for word in WORD_CODES if word in name), None)


def _confirmed_claim(supplier_id: int | None) -> dict:
    """The demo's businesses that are suppliers were confirmed by the lead (portal/smes/claims.py)."""
    if supplier_id is None:
        return {}
    return {"supplier_id": supplier_id, "claimed_supplier_id": supplier_id, "claim_status": "confirmed"}


def _what_we_do(rng: random.Random, row: dict) -> str:
    trade = row["trade"].lower().replace("&", "and")
    if row.get("word") in WORD_WORDS:
        trade = f"{WORD_WORDS[row['word']]} ({trade})"
    place = row["postcode"].split(" ")[0]
    who = "a charity" if row["vcse"] else rng.choice(["a family firm", "a small firm", "a local firm"])
    return (f"We are {who} based in {place} working in {trade}. "
            f"We work for councils, schools, housing associations and local businesses, "
            f"and most of our staff live within ten miles of our {rng.choice(['yard', 'office', 'workshop', 'base'])}.")


def _add_opportunities(session: Session, partner: Organisation, short: str, today: date) -> None:
    rng = _rng("opportunities", short)
    place = rng.choice(["Rotherham", "Maltby", "Wath", "Dinnington", "Rawmarsh", "Swinton"])
    ideas = rng.sample(OPPORTUNITY_IDEAS, 12)
    for n, (trade, title, description, band, lots, asks) in enumerate(ideas):
        codes = IDEA_CODES.get(title) or TRADE_CODES[trade][0]
        details = opportunities.OpportunityDetails(
            title=title.format(place=place), description=description.format(place=place),
            cpv_codes=sorted({codes[0], rng.choice(codes)}), value_band=band, estimated_value_pence=None,
            delivery_location=f"{place} and the surrounding area", delivery_districts=rng.sample(LOCAL_DISTRICTS, 2),
            suitable_for_sme=True, suitable_for_vcse=trade in ("Social Community Care Supplies & Services", "Voluntary Sector Grants", "Catering"),
            closing_date=today + timedelta(days=rng.randint(14, 90)), contact_name=f"Demo {short} buyer",
            contact_email=f"officer@{short}.demo",
            lots=[opportunities.LotDetails(title=lot) for lot in lots],
        )
        opportunity = opportunities.create_opportunity(session, details)
        # Published directly: the demo runs one full match at the end instead of a task per opportunity.
        if n < 10:
            opportunity.status, opportunity.published_at = "published", datetime.now(UTC)
        for kind in asks[: rng.randint(1, len(asks))]:
            ask_title, beneficiary = ASK_TITLES[kind]
            opportunities.create_ask(session, opportunities.AskDetails(
                kind=kind, title=ask_title, beneficiary=beneficiary.format(place=place),
                description="Suppliers bidding for this work can offer to help.", opportunity_id=opportunity.id,
                postcode_district=rng.choice(LOCAL_DISTRICTS),
            ))
    # One ask on its own, not tied to any purchase.
    kind = rng.choice(list(ASK_TITLES))
    ask_title, beneficiary = ASK_TITLES[kind]
    opportunities.create_ask(session, opportunities.AskDetails(kind=kind, title=ask_title, beneficiary=beneficiary.format(place=place)))
    session.flush()


def _add_interest(session: Session, network: Network) -> None:
    rng = _rng("interest")
    published = session.scalars(
        select(Opportunity).join(Organisation).where(Organisation.network_id == network.id, Opportunity.status == "published")
        .order_by(Opportunity.id)
    ).all()
    profiles = session.scalars(select(SmeProfile).where(SmeProfile.network_id == network.id, SmeProfile.is_local.is_(True))
                               .order_by(SmeProfile.business_id)).all()
    if not published or not profiles:
        return
    first = profiles[0]
    pairs = {(first, o) for o in published if o.categories and o.categories[0].cpv_code.startswith("45")}
    while len(pairs) < 25:
        pairs.add((rng.choice(profiles), rng.choice(published)))
    for profile, opportunity in sorted(pairs, key=lambda p: (p[0].business_id, p[1].id)):
        session.add(OpportunityInterest(
            organisation_id=opportunity.organisation_id, business_id=profile.business_id, network_id=network.id,
            opportunity_id=opportunity.id, contact_name=profile.contact_name, contact_email=profile.contact_email,
            message="We have done similar work locally and would like to talk about this.",
        ))
    session.flush()


def _add_offers(session: Session, network: Network) -> None:
    """Businesses offering to meet open social value asks: the demo SME one, others a dozen or so."""
    rng = _rng("offers")
    asks = session.scalars(
        select(SocialValueAsk).join(Organisation).where(Organisation.network_id == network.id, SocialValueAsk.status == "open")
        .order_by(SocialValueAsk.id)
    ).all()
    profiles = session.scalars(select(SmeProfile).where(SmeProfile.network_id == network.id, SmeProfile.is_local.is_(True))
                               .order_by(SmeProfile.business_id)).all()
    if not asks or not profiles:
        return
    pairs = {(profiles[0], asks[0])}
    for ask in rng.sample(asks, min(14, len(asks))):
        pairs.add((rng.choice(profiles), ask))
    for profile, ask in sorted(pairs, key=lambda p: (p[1].id, p[0].business_id)):
        session.add(AskOffer(
            ask_id=ask.id, organisation_id=ask.organisation_id, business_id=profile.business_id, network_id=network.id,
            message=f"We could help with this: {profile.contact_name} would be glad to talk it through.",
        ))
    session.flush()


def _code_categories(session: Session, network: Network) -> None:
    """Suggested codes for the spend categories, and the lead's choice where the words place none."""
    gap_services.suggest_codes(session, network, [c for c, _, _ in CATEGORIES])
    in_totals = gap_queries.spend_categories(session, network)
    for category, code in LEAD_CHOICES.items():
        current = next((row for row in gap_services.category_codes(session, network) if row.category == category), None)
        if category in in_totals and current is not None and current.cpv_code is None:
            gap_services.choose_code(session, network, category, code, note="Chosen for the demo")
    session.flush()


def _match(session: Session, network: Network) -> None:
    """Every business against every open opportunity, once, as the nightly job would."""
    matching.match_network(session, network.id)
    session.commit()


def _demo_password() -> str:
    from portal.demo import DEMO_PASSWORD

    return DEMO_PASSWORD
