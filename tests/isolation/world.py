"""The matrix world: partners A and B of one network, two SMEs, a lead, and another network's lead.

Every actor signs in as themselves; every URL points at something that is B's, the
other SME's or the shared network's. ``fingerprint`` reads, without the ORM filter,
every row those owners have, so a request that changed any of them is caught
whatever page it answered with.
"""
from __future__ import annotations

import hashlib
from functools import lru_cache
from dataclasses import dataclass, field

from sqlalchemy import select

from portal.extensions import db
from tenants.scoping import BusinessScoped, SharedScoped, TenantScoped
from tests.cross_tenant import network_spend, social_value
from tests.cross_tenant.world import build_world

ROLES = ("anonymous", "sme", "a_viewer", "a_officer", "a_admin", "lead", "other_lead")

# Words only B's or the other SME's own people may read.
B_SECRETS = (social_value.B_TITLE, social_value.B_REF, social_value.B_NOTE, "b-timesheets.pdf", "invitee@b.org")
OTHER_SME_SECRET = "Other SME's private description of its trade secrets"
# The API token each role calls /api/v1 with (its partner's): every scope, alone and together.
TOKEN_SCOPES = {"a_viewer": ("read",), "a_officer": ("import_spend",), "a_admin": ("read", "import_spend"),
                "lead": ("read", "import_spend"), "other_lead": ("read", "import_spend")}


@dataclass
class MatrixWorld:
    base: object
    actors: dict
    targets: dict
    secrets: tuple = B_SECRETS + (OTHER_SME_SECRET,)
    owners: dict = field(default_factory=dict)
    api_tokens: dict = field(default_factory=dict)  # role: the whole token of its partner's

    def client_for(self, role: str, app):
        if role == "anonymous":
            return app.test_client()
        return self.base.sign_in(self.actors[role])

    def headers_for(self, role: str, url: str) -> dict:
        """A bearer token for the API's routes, where the role's partner has one; nothing for pages."""
        token = self.api_tokens.get(role)
        return {"Authorization": f"Bearer {token}"} if token and url.startswith("/api/") else {}


def build_matrix_world(make_network, make_partner, make_user, sign_in, make_business) -> MatrixWorld:
    base = build_world(make_network, make_partner, make_user, sign_in)
    supplier, pair = network_spend._b_spend(base, share_lines=False)
    b_rows = social_value._b_rows(base)
    a_viewer = make_user(base.a_partner, "viewer", email="viewer@a.org")
    sme = make_business("Our Local Firm", base.network)
    other_sme = make_business("Other Local Firm", base.network, what_we_do=OTHER_SME_SECRET)
    actors = {
        "sme": sme.owner,
        "a_viewer": a_viewer,
        "a_officer": base.a_officer,
        "a_admin": base.a_admin,
        "lead": base.lead,
        "other_lead": base.other_lead,
    }
    from portal.spend.models import SpendImport
    from tenants import tenant_context

    with tenant_context(base.b_partner.id):
        import_id = db.session.scalar(select(SpendImport.id))
    alias_id = supplier.aliases[0].id if supplier.aliases else 0
    targets = {
        "import_id": import_id,
        "contract_id": b_rows["contract"],
        "commitment_id": b_rows["commitment"],
        "report_id": b_rows["report"],
        "evidence_id": b_rows["evidence"],
        "invitation_id": base.b_invitation_id,
        "network_id": base.network.id,
        "organisation_id": base.b_partner.id,
        "supplier_id": supplier.id,
        "alias_id": alias_id,
        "candidate_id": pair.id if pair else 0,
        "slug": base.network.slug,
        "token": "forged-token",
        "fmt": "csv",
        "group": "new",
        "filename": "missing-file.css",
    }
    targets.update(_feature_targets(base, other_sme))
    owners = {"organisations": (base.b_partner.id,), "businesses": (other_sme.id,), "network": base.network.id}
    return MatrixWorld(base, actors, targets, owners=owners, api_tokens=_api_tokens(base))


def _api_tokens(base) -> dict:
    """Each partner role's token: A's for A's people, the outsider's partner's for the other network's lead."""
    from portal.api import tokens
    from tenants import tenant_context
    from tenants.models import Membership, Organisation

    partners = {"a_viewer": base.a_partner, "a_officer": base.a_partner, "a_admin": base.a_partner, "lead": base.a_partner}
    outsider = db.session.scalar(select(Organisation).join(Membership).where(Membership.user_id == base.other_lead.id))
    partners["other_lead"] = outsider
    made = {}
    for role, scopes in TOKEN_SCOPES.items():
        with tenant_context(partners[role].id):
            made[role] = tokens.create_token(db.session, partners[role], None, f"{role}'s system", list(scopes)).secret
            db.session.commit()
    return made


def _feature_targets(base, other_sme) -> dict:
    """Objects of features that register their own builder (opportunities, matches ...)."""
    from . import builders

    targets: dict = {}
    for build in builders.BUILDERS:
        targets.update(build(base, other_sme))
    return targets


def fingerprint(world: MatrixWorld, include_network: bool = True) -> str:
    """A digest of every row that belongs to B, to the other SME, or (optionally) to the shared network."""
    digest = hashlib.sha256()
    b_ids = world.owners["organisations"]
    other_business = world.owners["businesses"]
    db.session.expire_all()
    connection = db.session.connection()
    for table in sorted(db.Model.metadata.sorted_tables, key=lambda t: t.name):
        mapper_class = _class_of(table)
        columns = table.c
        where = None
        if mapper_class is not None and issubclass(mapper_class, TenantScoped):
            where = columns.organisation_id.in_(b_ids)
        elif mapper_class is not None and issubclass(mapper_class, BusinessScoped):
            where = columns.business_id.in_(other_business)
        elif mapper_class is not None and issubclass(mapper_class, SharedScoped):
            where = columns.organisation_id.in_(b_ids) | columns.business_id.in_(other_business)
        elif include_network and "network_id" in columns and table.name not in VOLATILE_NETWORK_TABLES:
            where = columns.network_id == world.owners["network"]
        elif table.name == "memberships":
            where = columns.organisation_id.in_(b_ids)
        elif table.name == "users":
            # B's people's accounts: disabling one, or ending its sessions, changes B too.
            memberships = db.Model.metadata.tables["memberships"]
            where = columns.id.in_(select(memberships.c.user_id).where(memberships.c.organisation_id.in_(b_ids)))
        if where is None:
            continue
        key = [c for c in table.primary_key.columns] or list(columns)
        rows = connection.execute(select(table).where(where).order_by(*key)).all()
        digest.update(table.name.encode())
        digest.update(repr([tuple(r) for r in rows]).encode())
    return digest.hexdigest()


# Snapshots the workers recompute: a legitimate request may queue their refresh.
VOLATILE_NETWORK_TABLES = {"network_spend_totals", "sv_network_totals", "sv_network_beneficiary_totals", "spend_periods"}


def _class_of(table):
    return _classes_by_table().get(table.name)


@lru_cache(maxsize=1)
def _classes_by_table() -> dict:
    # Built once: the fingerprint is taken after every role of every route.
    return {mapper.local_table.name: mapper.class_ for mapper in db.Model.registry.mappers}


