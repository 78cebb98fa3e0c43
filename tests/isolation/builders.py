"""Builders of other features' objects for the matrix world, each returning {url argument: id}.

A feature whose routes take new URL arguments adds a builder here, making the
object as partner B (``base.b_partner``) or as the other SME (``other_sme``).
"""
from __future__ import annotations

BUILDERS: list = []


def builder(function):
    BUILDERS.append(function)
    return function


@builder
def opportunities(base, other_sme):
    from tests.cross_tenant.opportunities import matrix_targets

    return matrix_targets(base, other_sme)


@builder
def register_matches(base, other_sme):
    from tests.cross_tenant.register_matches import matrix_targets

    return matrix_targets(base, other_sme)


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
