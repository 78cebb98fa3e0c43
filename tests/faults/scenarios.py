"""The work the fault tests interrupt, one Scenario each, and what must hold after it.

Each check compares what the workers left with a fresh computation from the
lines (or commitments and reports), made in a transaction that is rolled back.
"""
from __future__ import annotations

import csv
import io
import random
from collections import Counter
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select, text

from portal.extensions import db
from portal.social_value import commitments, contracts, delivery, measures
from portal.social_value import tasks as sv_tasks
from portal.social_value import totals as sv_totals
from portal.social_value.models import (
    NetworkSocialValueBeneficiaryTotal,
    NetworkSocialValueTotal,
    SocialValueBeneficiaryTotal,
    SocialValueTotal,
    SocialValueTotalsPending,
)
from portal.spend import importing, services
from portal.spend import tasks as spend_tasks
from portal.spend import totals as spend_totals
from portal.spend.models import (
    NetworkSpendTotal,
    SpendImport,
    SpendLine,
    SpendTotal,
    SpendTotalsPending,
)
from tenants import network_wide, tenant_context
from tenants.models import Network, Organisation, User
from workers.queueing import discard_queued

from .harness import Scenario, advisory_lock_held
from .matching_scenario import matching_scenario

POSTCODES = ["S60 1AE", "S61 2DW", "S62 6JA", "M1 1AA", "LS1 4DY", "", "S25 1AA"]


def make_network(name: str, partners: int = 2) -> tuple[int, list[int], int]:
    """A network, its partners and an officer of the first; ids only (tasks take ids)."""
    network = Network(name=name, slug=name.lower().replace(" ", "-"), local_area=["S60", "S61", "S62"])
    db.session.add(network)
    db.session.flush()
    organisations = [Organisation(network_id=network.id, name=f"{name} partner {n}", slug=f"{network.slug}-{n}", kind="council")
                     for n in range(partners)]
    db.session.add_all(organisations)
    user = User(email=f"officer@{network.slug}.example.org", name="Officer", password_hash="x")
    db.session.add(user)
    db.session.commit()
    return network.id, [o.id for o in organisations], user.id


def _rows(model, exclude=("id", "computed_at")):
    columns = [c for c in model.__table__.columns if c.name not in exclude]
    return sorted(tuple(row) for row in db.session.execute(select(*columns)))


def _fresh(network_id: int, partner_ids: list[int], models, recompute) -> tuple[list, list]:
    """(what the workers stored, a fresh computation from scratch), in one transaction then rolled back."""
    db.session.remove()
    with network_wide(partner_ids, reason="fault check: stored totals"):
        stored = [_rows(m) for m in models]
    recompute(db.session, db.session.get(Network, network_id))
    with network_wide(partner_ids, reason="fault check: fresh totals"):
        fresh = [_rows(m) for m in models]
    db.session.rollback()
    return stored, fresh


# ------------------------------------------------------------ spend totals


def spend_totals_hold(network_id: int, partner_ids: list[int]) -> None:
    stored, fresh = _fresh(network_id, partner_ids, (SpendTotal, NetworkSpendTotal), spend_totals.recompute_all)
    for model, mine, theirs in zip(("spend_totals", "network_spend_totals"), stored, fresh):
        assert mine == theirs, f"{model}: {len(set(mine) ^ set(theirs))} rows differ from a fresh computation"
    # And independently of the totals code: each partner's years add up to its lines.
    for partner_id in partner_ids:
        with tenant_context(partner_id):
            lines = db.session.execute(select(func.coalesce(func.sum(SpendLine.amount_pence), 0), func.count(SpendLine.id))).one()
            years = db.session.execute(
                select(func.coalesce(func.sum(SpendTotal.total_pence), 0), func.coalesce(func.sum(SpendTotal.line_count), 0))
                .where(SpendTotal.period_type == "year", SpendTotal.breakdown == "all")
            ).one()
        assert tuple(lines) == tuple(years), f"partner {partner_id}: lines {tuple(lines)}, year totals {tuple(years)}"
    with network_wide(partner_ids, reason="fault check: nothing due"):
        assert db.session.scalar(select(func.count(SpendTotalsPending.id))) == 0, "a totals refresh is still marked due"
    db.session.rollback()


def nothing_due(partner_ids: list[int]) -> bool:
    """No spend or social value totals refresh of these partners is marked due."""
    db.session.remove()
    with network_wide(partner_ids, reason="fault check: refreshes due"):
        due = sum(db.session.scalar(select(func.count(m.id))) for m in (SpendTotalsPending, SocialValueTotalsPending))
    db.session.rollback()
    return due == 0


def spend_file(prefix: str, lines: int, rng: random.Random) -> bytes:
    out = ["Date,Transaction Number,Supplier Name,Supplier Postcode,Net Amount"]
    for n in range(lines):
        day = date(2024, 4, 1) + timedelta(days=rng.randrange(365))
        supplier = rng.randrange(60)
        out.append(f"{day:%d/%m/%Y},{prefix}-{n},Supplier {supplier} Ltd,{POSTCODES[supplier % len(POSTCODES)]},"
                   f"{rng.randrange(-5_000, 2_000_000) / 100:.2f}")
    return ("\n".join(out) + "\n").encode()


def corrected_file(partner_index: int, round_: int, lines: int) -> bytes:
    """A partner's year of spend as republished in this round: the same base each time (invoices of several
    lines, identical item lines), with a few amounts corrected, a few lines dropped and a few added."""
    base, fixes = random.Random(1000 + partner_index), random.Random(round_)
    out = ["Date,Transaction Number,Supplier Name,Supplier Postcode,Net Amount"]
    n = 0
    while n < lines:
        day = date(2024, 4, 1) + timedelta(days=base.randrange(365))
        supplier = base.randrange(60)
        invoice = f"P{partner_index}-{n}"
        for _ in range(min(base.choice((1, 1, 2, 4)), lines - n)):  # an invoice's lines share its number
            amount = base.choice((270, base.randrange(-5_000, 2_000_000)))  # many identical £2.70 item lines
            n += 1
            roll = fixes.random()
            if roll < 0.005:
                continue  # dropped from this publication
            if roll < 0.015:
                amount += 1  # corrected
            out.append(f"{day:%d/%m/%Y},{invoice},Supplier {supplier} Ltd,{POSTCODES[supplier % len(POSTCODES)]},"
                       f"{amount / 100:.2f}")
            if roll > 0.995:  # a line this publication adds
                out.append(f"{day:%d/%m/%Y},R{round_}-{n},Supplier {supplier} Ltd,,12.34")
    return ("\n".join(out) + "\n").encode()


def import_scenario(lines: int = 3000, seed: int = 6) -> Scenario:
    """A partner's spend file imported by the worker, then republished with corrections each round.

    After the first round of each partner the file covers months it holds: the worker compares the
    two and, as the officer chose in advance, replaces those months. So kills land in the reading,
    the comparison and the replacing alike.
    """

    def setup(state):
        state["network_id"], state["partner_ids"], state["user_id"] = make_network("Import faults")
        state["round"], state["imports"], state["last_file"] = 0, [], {}

    def start(state):
        state["round"] += 1
        index = state["round"] % 2
        partner_id = state["partner_ids"][index]
        content = corrected_file(index, state["round"], lines)
        with tenant_context(partner_id):
            partner, user = db.session.get(Organisation, partner_id), db.session.get(User, state["user_id"])
            spend_import = importing.store_upload(db.session, partner, user, "faults.csv", io.BytesIO(content))
            spend_import.column_mapping = importing.proposed_mapping(db.session, spend_import)[1]
            spend_import.overlap_choice, spend_import.choice_by_id = "replace", user.id
            services.queue_import(db.session, spend_import)
            db.session.commit()  # the task is sent now
            state["current"] = (partner_id, spend_import.id, content)
            state["imports"].append(state["current"])
            state["last_file"][partner_id] = (spend_import.id, content)

    def status(state):
        partner_id, import_id, _ = state["current"]
        db.session.remove()
        with tenant_context(partner_id):
            return db.session.scalar(select(SpendImport.status).where(SpendImport.id == import_id))

    def check(state):
        for partner_id, (import_id, content) in state["last_file"].items():
            import_holds(partner_id, import_id, content)

    return Scenario("spend import", setup, start, lambda s: status(s) == "imported", check, running=lambda s: status(s) == "running")


def file_lines(content: bytes) -> Counter:
    """What a generated file says, line by line, read without the portal: a multiset."""
    rows = csv.reader(io.StringIO(content.decode()))
    next(rows)
    return Counter((datetime.strptime(day, "%d/%m/%Y").date(), ref, supplier, int(Decimal(amount) * 100))
                   for day, ref, supplier, _postcode, amount in rows)


def import_holds(partner_id: int, import_id: int, content: bytes) -> None:
    """The partner's counted lines are exactly the file's, each once (identical lines as often as the file has them)."""
    expected = file_lines(content)
    db.session.remove()
    with tenant_context(partner_id):
        spend_import = db.session.get(SpendImport, import_id)
        assert spend_import.status == "imported", (spend_import.status, spend_import.failure_reason)
        assert spend_import.rejected_count == 0
        assert spend_import.imported_count + spend_import.already_held_count == sum(expected.values())
        held = Counter(tuple(row) for row in db.session.execute(
            select(SpendLine.payment_date, SpendLine.transaction_ref, SpendLine.supplier_name, SpendLine.amount_pence)))
    db.session.rollback()
    assert held == expected, f"import {import_id}: {sum((held - expected).values())} lines too many, {sum((expected - held).values())} missing"


def spend_totals_scenario(base_lines: int = 40_000, seed: int = 7) -> Scenario:
    """The full recompute of a network's spend totals, after new lines arrive each round."""
    rng = random.Random(seed)

    def setup(state):
        state["network_id"], state["partner_ids"], user_id = make_network("Totals faults")
        for partner_id in state["partner_ids"]:
            with tenant_context(partner_id):
                partner, user = db.session.get(Organisation, partner_id), db.session.get(User, user_id)
                spend_import = importing.store_upload(db.session, partner, user, "base.csv",
                                                      io.BytesIO(spend_file(f"B{partner_id}", base_lines // 2, rng)))
                spend_import.column_mapping = importing.proposed_mapping(db.session, spend_import)[1]
                db.session.commit()
                importing.run_import(db.session, spend_import.id)
                db.session.commit()
        state["round"] = 0

    def start(state):
        state["round"] += 1
        partner_id = rng.choice(state["partner_ids"])
        with tenant_context(partner_id):  # new lines, like some already there, in other months: the totals must move
            db.session.execute(text(
                "INSERT INTO spend_lines (organisation_id, transaction_ref, payment_date, month, amount_pence, supplier_name,"
                " supplier_id, supplier_alias_id, category, created_at, content_key, occurrence)"
                " SELECT organisation_id, transaction_ref || :suffix, payment_date + 31, CAST(date_trunc('month', payment_date + 31) AS date),"
                " amount_pence + 1, supplier_name, supplier_id, supplier_alias_id, category, created_at,"
                " substr(md5(content_key || :suffix), 1, 24), occurrence"
                " FROM spend_lines WHERE organisation_id = :partner AND id % 97 = :k AND transaction_ref NOT LIKE '%/%'"),
                {"suffix": f"/{state['round']}", "partner": partner_id, "k": state["round"] % 97})
            db.session.commit()
        state["result"] = spend_tasks.recompute_network_spend_totals.apply_async((state["network_id"],))

    def check(state):
        spend_totals_hold(state["network_id"], state["partner_ids"])

    return Scenario("spend totals recompute", setup, start, lambda s: s["result"].state == "SUCCESS", check,
                    running=lambda s: advisory_lock_held(spend_totals._PARTNER_LOCK, s["partner_ids"][0]))


# ------------------------------------------------------ social value totals


SV_MODELS = (SocialValueTotal, NetworkSocialValueTotal, SocialValueBeneficiaryTotal, NetworkSocialValueBeneficiaryTotal)


def social_value_totals_hold(network_id: int, partner_ids: list[int]) -> None:
    stored, fresh = _fresh(network_id, partner_ids, SV_MODELS, sv_totals.recompute_all)
    for model, mine, theirs in zip(SV_MODELS, stored, fresh):
        assert mine == theirs, f"{model.__tablename__}: {len(set(mine) ^ set(theirs))} rows differ from a fresh computation"
    with network_wide(partner_ids, reason="fault check: nothing waiting"):
        assert db.session.scalar(select(func.count(SocialValueTotalsPending.id))) == 0, "a recompute is still marked waiting"
    db.session.rollback()


def social_value_scenario(contracts_each: int = 6, seed: int = 8) -> Scenario:
    """A partner's social value totals, recomputed after a delivery report changes (as the pages do)."""
    rng = random.Random(seed)

    def setup(state):
        state["network_id"], state["partner_ids"], user_id = make_network("Social value faults")
        network = db.session.get(Network, state["network_id"])
        measures.load_demo_measures(db.session, network)
        db.session.commit()
        catalogue = measures.measures(db.session, network, in_use_only=True)[:8]
        user = db.session.get(User, user_id)
        for partner_id in state["partner_ids"]:
            with tenant_context(partner_id):
                for c in range(contracts_each):
                    contract = contracts.create_contract(db.session, reference=f"F-{c}", title="Faults",
                                                         start_date=date(2023, 4, 1), end_date=date(2027, 3, 31))
                    for measure in catalogue:
                        commitment = commitments.record_commitment(db.session, contract, measure,
                                                                   committed_on=date(2024, 5, 1), quantity=400)
                        for quarter in range(4):
                            start = date(2024, 4 + 3 * quarter, 1) if quarter < 3 else date(2025, 1, 1)
                            report = delivery.record_delivery(
                                db.session, commitment, period_start=start, period_end=start + timedelta(days=80),
                                quantity=rng.randrange(1, 20), beneficiaries=[(f"Ward {rng.randrange(5)}", "Age 16-24", 1)])
                            delivery.verify_delivery(db.session, report, user)
                # Built by hand, so nothing for the worker: the hundreds of refreshes this building queued are
                # dropped (they held up the first attempt for a minute), and one full recompute below clears every mark.
                discard_queued(db.session)
                db.session.commit()
        with network_wide(state["partner_ids"], reason="fault setup"):
            sv_totals.recompute_all(db.session, network)
            db.session.commit()

    def start(state):
        partner_id = rng.choice(state["partner_ids"])
        state["partner_id"] = partner_id
        with tenant_context(partner_id):
            db.session.execute(text(
                "UPDATE sv_delivery_reports SET value_pence = value_pence + 100 "
                "WHERE id = (SELECT min(id) + :k FROM sv_delivery_reports)"), {"k": rng.randrange(50)})
            sv_tasks.queue_totals_refresh(db.session, partner_id, None)
            db.session.commit()  # the recompute is sent now

    def waiting(state) -> int:
        db.session.remove()
        with tenant_context(state["partner_id"]):
            return db.session.scalar(select(func.count(SocialValueTotalsPending.id)))

    def check(state):
        social_value_totals_hold(state["network_id"], state["partner_ids"])

    # The recompute itself takes a tenth of a second or so: kill once it holds the partner's lock.
    return Scenario("social value totals recompute", setup, start, lambda s: waiting(s) == 0, check,
                    running=lambda s: advisory_lock_held(sv_totals._PARTNER_LOCK, s["partner_id"]))


# The table the fault tests walk: add a kind of work here and it is killed like the others.
SCENARIOS = {
    "spend import": import_scenario,
    "spend totals recompute": spend_totals_scenario,
    "social value totals recompute": social_value_scenario,
    "matching run": matching_scenario,
}
