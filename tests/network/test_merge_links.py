"""Does undoing a merge put back every row that pointed at the merged supplier, in every table that can?"""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from portal.extensions import db
from portal.matching.models import AskOffer
from portal.opportunities.models import Opportunity, OpportunityBid, SocialValueAsk
from portal.registers.lookup_models import CompaniesHouseLookup
from portal.smes.models import SmeProfile
from portal.social_value import contracts
from portal.social_value.models import Contract
from portal.spend.models import RetiredSpendLine
from portal.suppliers.links import OWN_WAY, supplier_links
from portal.suppliers.merges import merge_recorded, undo_merge
from portal.suppliers.models import Supplier, SupplierMatchCandidate, SupplierRegisterCandidate
from tenants import business_context, network_wide, tenant_context

from .conftest import ACME, ACME_TYPO, NOWHERE, supplier_named


def _link_columns() -> dict[str, list[str]]:
    """{table: its columns that point at a supplier}, from the models: a new table joins the test by itself."""
    found = {}
    for table in db.metadata.sorted_tables:
        columns = sorted(fk.parent.name for fk in table.foreign_keys if fk.column.table.name == "suppliers")
        if columns:
            found[table.name] = columns
    return found


def _opened(anchors):
    return network_wide([p.id for p in anchors.partners], "the test reads every row that points at a supplier",
                        business_networks=(anchors.network.id,))


def _snapshot(anchors) -> dict[str, dict[int, dict]]:
    """Every row of every table with a supplier link, whole, by id."""
    db.session.expire_all()
    with _opened(anchors):
        return {name: {row["id"]: dict(row) for row in db.session.execute(select(db.metadata.tables[name])).mappings()}
                for name in _link_columns()}


def _pointing_at(snapshot, supplier_id) -> set[str]:
    return {f"{name}.{column}" for name, rows in snapshot.items() for row in rows.values()
            for column in _link_columns()[name] if row[column] == supplier_id}


def _link_everything_to(anchors, gone, keep, make_business):
    """One row in each table that can point at a supplier pointing at ``gone``, and a few at ``keep``."""
    council, police = anchors.council, anchors.police
    with tenant_context(council.id):
        contracts.create_contract(db.session, reference="C-GONE", title="Roofing", start_date=date(2024, 4, 1), supplier_id=gone.id)
        opportunity = Opportunity(title="School roofs", value_band="50k_to_214k", closing_date=date.today() + timedelta(days=30))
        ask = SocialValueAsk(kind="mentoring", title="Mentor a school leaver")
        db.session.add_all([opportunity, ask])
        db.session.flush()
        contracts.create_contract(db.session, reference="C-KEEP", title="Building works", start_date=date(2024, 4, 1), supplier_id=keep.id)
        db.session.add(OpportunityBid(opportunity_id=opportunity.id, supplier_id=gone.id, name=gone.name, recorded_on=date(2024, 5, 1)))
        db.session.commit()
        ask_id = ask.id
    with tenant_context(police.id):
        db.session.add(RetiredSpendLine(
            id=900_001, transaction_ref="P-OLD", payment_date=date(2023, 4, 13), month=date(2023, 4, 1), amount_pence=12_00,
            supplier_name=ACME_TYPO[0], supplier_id=gone.id, content_key="retired-test", occurrence=1,
            created_at=datetime(2024, 1, 1, tzinfo=UTC), reason="replaced",
        ))
        db.session.commit()
    firm, other = make_business("Acme Bulding Services", anchors.network), make_business("Acme Two", anchors.network)
    for business, supplier_id, claimed_id in ((firm, gone.id, gone.id), (other, keep.id, None)):
        with business_context(business.id):
            profile = db.session.scalar(select(SmeProfile))
            profile.supplier_id, profile.claimed_supplier_id = supplier_id, claimed_id
            profile.claim_status = "confirmed" if claimed_id else None
            db.session.commit()
    with network_wide([council.id], "a business offers to meet the council's ask", business_networks=(anchors.network.id,)):
        db.session.add(AskOffer(ask_id=ask_id, business_id=firm.id, organisation_id=council.id, network_id=anchors.network.id,
                                supplier_id=gone.id, message="We can mentor"))
        db.session.commit()
    db.session.add_all([
        CompaniesHouseLookup(network_id=anchors.network.id, supplier_id=gone.id, outcome="candidates"),
        SupplierRegisterCandidate(network_id=anchors.network.id, supplier_id=gone.id, register="companies", number="01234567",
                                  name="ACME BUILDING SERVICES LIMITED", postcode="S1 2BB", method="name", score=0.9),
        # A review pair naming it first (the fixtures' own pair names it second).
        SupplierMatchCandidate(network_id=anchors.network.id, supplier_id=gone.id,
                               candidate_id=supplier_named(anchors.network, NOWHERE[0]).id, score=61.0),
    ])
    db.session.commit()
    # An earlier merge into the supplier about to be merged away: it can be undone again once this one is.
    third = Supplier(network_id=anchors.network.id, name="Acme Bldg Services", normalised_name="acme bldg services")
    db.session.add(third)
    db.session.flush()
    with _opened(anchors):
        merge_recorded(db.session, anchors.network, gone, third, anchors.lead)
    db.session.commit()


def test_undoing_a_merge_points_every_row_back_at_the_supplier_it_pointed_at(anchors, make_business):
    keep, gone = supplier_named(anchors.network, ACME[0]), supplier_named(anchors.network, ACME_TYPO[0])
    keep_id, gone_id = keep.id, gone.id
    _link_everything_to(anchors, gone, keep, make_business)
    before = _snapshot(anchors)
    every_link = {f"{name}.{column}" for name, columns in _link_columns().items() for column in columns}
    # Every column that can point at a supplier points at the merged one somewhere: the test covers them all.
    assert _pointing_at(before, gone_id) == every_link
    assert {link.key for link in supplier_links()} | OWN_WAY == every_link

    with _opened(anchors):
        record = merge_recorded(db.session, anchors.network, keep, gone, anchors.lead)
    db.session.commit()
    merged = _snapshot(anchors)
    assert _pointing_at(merged, gone_id) == set()
    # Nothing that pointed at it was cut loose: contracts, bids, offers, businesses and lines follow the kept supplier.
    followed = {link.key for link in supplier_links() if link.fate == "moved"}
    assert {"sv_contracts.supplier_id", "opportunity_bids.supplier_id", "ask_offers.supplier_id", "sme_profiles.supplier_id",
            "sme_profiles.claimed_supplier_id", "retired_spend_lines.supplier_id"} <= followed
    for key in followed | {"spend_lines.supplier_id", "supplier_aliases.supplier_id"}:
        name, column = key.split(".")
        ids = [i for i, row in before[name].items() if row[column] == gone_id]
        assert all(merged[name][i][column] == keep_id for i in ids), key
    assert merged["companies_house_lookups"] == {} and merged["supplier_register_candidates"] == {}

    with _opened(anchors):
        undo_merge(db.session, anchors.network, db.session.get(type(record), record.id), anchors.lead)
    db.session.commit()
    after = _snapshot(anchors)
    for name, rows in before.items():
        if name == "supplier_merges":  # the undone merge's own record stays, marked undone
            rows_after = {i: row for i, row in after[name].items() if i in rows}
        else:
            rows_after = after[name]
        assert rows_after == rows, name


def test_a_link_changed_after_the_merge_keeps_its_later_value(anchors, make_business):
    """A contract given another supplier after the merge is the officer's later word: the undo leaves it."""
    keep, gone = supplier_named(anchors.network, ACME[0]), supplier_named(anchors.network, ACME_TYPO[0])
    gone_id = gone.id
    _link_everything_to(anchors, gone, keep, make_business)
    with _opened(anchors):
        record = merge_recorded(db.session, anchors.network, keep, gone, anchors.lead)
    db.session.commit()
    elsewhere = supplier_named(anchors.network, "Northern IT Solutions Ltd")
    with tenant_context(anchors.council.id):
        contract = db.session.scalar(select(Contract).where(Contract.reference == "C-GONE"))
        contract.supplier_id = elsewhere.id
        db.session.commit()
    with _opened(anchors):
        undo_merge(db.session, anchors.network, record, anchors.lead)
    db.session.commit()
    with tenant_context(anchors.council.id):
        assert db.session.scalar(select(Contract.supplier_id).where(Contract.reference == "C-GONE")) == elsewhere.id
    with tenant_context(anchors.council.id):
        assert db.session.scalar(select(OpportunityBid.supplier_id)) == gone_id
