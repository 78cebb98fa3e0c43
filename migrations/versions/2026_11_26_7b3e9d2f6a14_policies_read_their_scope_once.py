"""row-level security policies read their scope once a statement, not once a row

Each policy's call of app_visible_organisations() (and the business twins) becomes a
sub-select, which PostgreSQL evaluates once per statement as an InitPlan; the inlined call
re-read its setting for every row a scan filtered or an insert checked.

Revision ID: 7b3e9d2f6a14
Revises: e57da2db4237
Create Date: 2026-11-26 04:25:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '7b3e9d2f6a14'
down_revision = 'e57da2db4237'
branch_labels = None
depends_on = None

# The protected tables at this revision, by kind (tenants/rls.py POLICIES).
PARTNER_TABLES = (
    "audit_events", "invitations", "opportunities", "opportunity_categories", "opportunity_lots",
    "social_value_asks", "spend_column_mappings", "spend_import_problems", "spend_imports", "spend_lines",
    "spend_totals", "spend_totals_pending", "sv_beneficiary_totals", "sv_commitment_profile_years",
    "sv_commitments", "sv_contracts", "sv_delivery_beneficiary_counts", "sv_delivery_reports",
    "sv_evidence_files", "sv_partner_targets", "sv_totals", "sv_totals_pending",
)
BUSINESS_TABLES = ("digests_sent", "sme_categories", "sme_profiles")
SHARED_TABLES = ("ask_offers", "opportunity_interests", "opportunity_matches")


def _sides(read):
    partner = f"organisation_id = ANY ({read('app_visible_organisations')})"
    business = (f"(business_id = ANY ({read('app_visible_businesses')})"
                f" OR network_id = ANY ({read('app_business_networks')}))")
    return {"partner": partner, "business": business, "shared": f"{partner} OR {business}"}


ONCE = _sides(lambda function: f"(SELECT {function}())::integer[]")
PER_ROW = _sides(lambda function: f"{function}()")


def _alter(policies):
    if op.get_bind().dialect.name != "postgresql":
        return
    for kind, tables in (("partner", PARTNER_TABLES), ("business", BUSINESS_TABLES), ("shared", SHARED_TABLES)):
        for table in tables:
            op.execute(f"ALTER POLICY tenant_isolation ON {table} USING ({policies[kind]}) WITH CHECK ({policies[kind]})")


def upgrade():
    _alter(ONCE)


def downgrade():
    _alter(PER_ROW)
