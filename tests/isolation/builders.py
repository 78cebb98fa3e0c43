"""Builders of other features' objects for the matrix world, each returning {url argument: id}.

A feature whose routes take new URL arguments adds a builder here, making the
object as partner B (``base.b_partner``) or as the other SME (``other_sme``).
"""
from __future__ import annotations

from sqlalchemy import select

BUILDERS: list = []


def builder(function):
    BUILDERS.append(function)
    return function


@builder
def opportunities(base, other_sme):
    from tests.cross_tenant.opportunities import matrix_targets

    return matrix_targets(base, other_sme)


@builder
def grants(base, other_sme):
    from tests.cross_tenant.grants import matrix_targets

    return matrix_targets(base, other_sme)


@builder
def register_matches(base, other_sme):
    from tests.cross_tenant.register_matches import matrix_targets

    return matrix_targets(base, other_sme)


@builder
def business_claims(base, other_sme):
    """The other SME claims a supplier of the network (a claim only the network's lead may decide)."""
    from portal.extensions import db
    from portal.smes.claims import PENDING
    from portal.smes.models import SmeProfile
    from portal.suppliers.models import Supplier
    from tenants import business_context

    supplier = Supplier(network_id=base.network.id, name="Claimed Roofing Ltd", normalised_name="claimed roofing",
                        company_number="09999999")
    db.session.add(supplier)
    db.session.commit()
    with business_context(other_sme.id):
        profile = db.session.scalar(select(SmeProfile))
        profile.company_number, profile.claimed_supplier_id, profile.claim_status = "09999999", supplier.id, PENDING
        db.session.commit()
    return {"business_id": other_sme.id}


@builder
def people(base, other_sme):
    from tests.cross_tenant.people import matrix_targets

    return matrix_targets(base, other_sme)


@builder
def register_loads(base, other_sme):
    from portal.extensions import db
    from portal.registers.models import RegisterLoad

    load = RegisterLoad(register="companies", file_name="BasicCompanyDataAsOneFile-2026-11-01.zip", status="failed",
                        error="A test load")
    db.session.add(load)
    db.session.commit()
    return {"load_id": load.id}


@builder
def social_value_bulk_imports(base, other_sme):
    from tests.cross_tenant.social_value_bulk import matrix_targets

    return matrix_targets(base, other_sme)


@builder
def beneficiary_groups(base, other_sme):
    """A group the shared network adopted (only its lead may drop it)."""
    from portal.extensions import db
    from portal.social_value.models import AdoptedBeneficiaryGroup

    group = AdoptedBeneficiaryGroup(network_id=base.network.id, name="Armed forces community")
    db.session.add(group)
    db.session.commit()
    return {"group_id": group.id}


@builder
def benchmarks(base, other_sme):
    """A benchmark of the shared network (only its lead may change or delete it)."""
    from decimal import Decimal

    from portal.benchmarks.models import Benchmark
    from portal.extensions import db
    from portal.spend.queries import over_the_network

    with over_the_network(db.session, base.network.id, "matrix world: a benchmark"):
        benchmark = Benchmark(network_id=base.network.id, place="Wigan", publisher="CLES", title="Wigan baseline",
                              year=2023, definition="cles_based_or_branched", percent=Decimal("21.40"))
        db.session.add(benchmark)
        db.session.commit()
        return {"benchmark_id": benchmark.id}  # read in the scope: outside it, row-level security hides the row


@builder
def contract_register_imports(base, other_sme):
    """B's register import, checked and waiting to be applied: nobody else may see, download or apply it."""
    from portal.contract_registers.models import ContractRegisterImport
    from portal.extensions import db
    from tenants import tenant_context

    with tenant_context(base.b_partner.id):
        register_import = ContractRegisterImport(
            filename="b-register.csv", stored_name="missing.csv", sha256="0" * 64, size_bytes=1, status="checked",
            column_mapping={"title": "Contract Title"}, added_count=1)
        db.session.add(register_import)
        db.session.commit()
        return {"register_import_id": register_import.id}


@builder
def support(base, other_sme):
    """B's past event with the other SME's registration, the other SME's ask sent to B and its offer on B's ask."""
    from tests.cross_tenant.support import matrix_targets

    return matrix_targets(base, other_sme)


@builder
def supplier_merges(base, other_sme):
    """A merge in the shared network's register (only its lead may confirm one or undo it)."""
    from tests.cross_tenant.network_spend import a_merge

    return {"merge_id": a_merge(base).id}


@builder
def awards(base, other_sme):
    """B's awarded opportunity: its contract and the commitment proposed from its ask (only B may confirm it)."""
    from portal.extensions import db
    from portal.opportunities import awards as opportunity_awards
    from portal.opportunities import services
    from portal.social_value.awards import contract_proposals
    from portal.social_value.models import Contract
    from portal.suppliers.models import Supplier
    from tenants import tenant_context
    from tests.opportunities.conftest import details

    supplier = Supplier(network_id=base.network.id, name="Awarded Mowing Ltd", normalised_name="awarded mowing")
    db.session.add(supplier)
    db.session.commit()
    with tenant_context(base.b_partner.id):
        opportunity = services.create_opportunity(db.session, details(title="B's awarded grounds work"))
        services.create_ask(db.session, services.AskDetails(kind="volunteering", title="B's towpath ask",
                                                            opportunity_id=opportunity.id))
        award = opportunity_awards.record_award(db.session, opportunity, opportunity_awards.Bidder(supplier_id=supplier.id), 100)
        proposal = contract_proposals(db.session, db.session.get(Contract, award.contract_id))[0]
        db.session.commit()
        return {"proposal_id": proposal.id, "supplier_id": supplier.id}


@builder
def api_tokens(base, other_sme):
    """B's live API token (only B's admin may revoke it)."""
    from tests.cross_tenant.api import b_token

    return {"token_id": b_token(base)[0]}
