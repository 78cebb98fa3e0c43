"""A partner's contracts and what each supplier committed to, valued when committed."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from tenants.models import utcnow
from tenants.scoping import TenantScoped

# "all" without "expunge": the tenant layer expunges rows of other partners one by one
# when the scope changes, and a cascade would expunge children it then tries to expunge again.
OWNED_ROWS = "save-update, merge, refresh-expire, delete, delete-orphan"

# The seven routes to social value of the Kirklees policy (2022).
ROUTES = (
    "employment_practice", "commissioning", "procurement", "planning_and_development",
    "grants", "asset_transfers", "non_treasury_investments",
)
RLW_ANSWERS = ("yes", "no", "unknown")
# How often the supplier sends a return (a delivery report); "none": nobody chases it.
REPORTING_FREQUENCIES = ("none", "quarterly", "half_yearly", "annual")


def _in(column: str, values) -> str:
    return f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"


class Contract(TenantScoped, db.Model):
    """A contract (or grant, consent, transfer, investment) that can carry social value."""

    __tablename__ = "sv_contracts"
    id: Mapped[int] = mapped_column(primary_key=True)
    # The partner's own reference: not a key. Registers repeat one (a contract and its extension, lots)
    # or leave it blank; a contract entered by hand still gets a reference new to the partner.
    reference: Mapped[str] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    supplier_id: Mapped[int | None] = mapped_column(ForeignKey("suppliers.id", ondelete="SET NULL"), index=True)
    # As the partner wrote it, kept when the supplier is not (yet) in the register.
    supplier_name_as_given: Mapped[str | None] = mapped_column(String(300))
    supplier_postcode: Mapped[str | None] = mapped_column(String(8))
    supplier_company_number: Mapped[str | None] = mapped_column(String(8))
    # The whole value (with extensions, as the Transparency Code asks); None: the register does not say.
    value_pence: Mapped[int | None] = mapped_column(BigInteger, default=0)
    annual_value_pence: Mapped[int | None] = mapped_column(BigInteger)
    # None: not known yet ("TBC" in a register).
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    # The end with the extensions taken so far (a register's "Current Expiry Date").
    expiry_date: Mapped[date | None] = mapped_column(Date)
    # CPV or ProClass code or label, as the partner uses.
    category: Mapped[str | None] = mapped_column(String(200))
    category_description: Mapped[str | None] = mapped_column(String(200))
    # The register's own word: None when it says nothing or "Various" (never guessed from the supplier).
    is_sme: Mapped[bool | None] = mapped_column(Boolean)
    # Advertised in the OJEU or on Find a Tender (above the procurement thresholds).
    ojeu_fts: Mapped[bool | None] = mapped_column(Boolean)
    directorate: Mapped[str | None] = mapped_column(String(200))
    procurement_process: Mapped[str | None] = mapped_column(String(100))
    purchasing_body: Mapped[str | None] = mapped_column(String(200))
    duration_months: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))
    extension_option_months: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))
    extension_count: Mapped[int | None] = mapped_column(Integer)
    extension_1_taken: Mapped[bool | None] = mapped_column(Boolean)
    extension_2_taken: Mapped[bool | None] = mapped_column(Boolean)
    # The Open Contracting id of a contract read from an award notice (Contracts Finder, Find a Tender).
    ocid: Mapped[str | None] = mapped_column(String(120))
    route: Mapped[str] = mapped_column(String(30), default="procurement")
    rlw_in_scope: Mapped[bool] = mapped_column(Boolean, default=False)
    # The facts the Living Wage Foundation's rule asks for (portal/social_value/living_wage.py), and
    # the version of the rule that decided rlw_in_scope from them (None: decided by hand).
    rlw_on_premises: Mapped[bool | None] = mapped_column(Boolean)
    rlw_hours_on_a_day: Mapped[Decimal | None] = mapped_column(Numeric(4, 1))
    rlw_weeks_in_a_row: Mapped[int | None] = mapped_column(Integer)
    rlw_rule_version: Mapped[str | None] = mapped_column(String(40))
    # When the contract comes up for renewal: the point an accredited partner brings it up to the Real Living Wage.
    renewal_date: Mapped[date | None] = mapped_column(Date)
    # Chasing returns: how often they are due, who at the supplier is emailed, and who manages the contract.
    reporting_frequency: Mapped[str] = mapped_column(String(12), default="none", server_default="none")
    supplier_contact_email: Mapped[str | None] = mapped_column(String(320))
    contract_manager_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    supplier_pays_rlw: Mapped[str] = mapped_column(String(8), default="unknown")
    # Bumped to revoke every supplier self-reporting link issued for this contract.
    supplier_link_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # A contract from a register import: its line's identity, as spend lines have (portal.contract_registers.identity):
    # the hash of the line's content and its occurrence among identical lines. None for one entered by hand.
    register_import_id: Mapped[int | None] = mapped_column(
        ForeignKey("contract_register_imports.id", ondelete="SET NULL"), index=True)
    content_key: Mapped[str | None] = mapped_column(String(24))
    occurrence: Mapped[int | None] = mapped_column(Integer)
    line_number: Mapped[int | None] = mapped_column(Integer)
    # The register's line as written, column by column: every value, the unreadable ones too.
    as_given: Mapped[dict | None] = mapped_column(JSON)
    # A later register no longer lists it: kept, with its commitments, but no longer on the register.
    left_register_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    supplier = relationship("Supplier")
    contract_manager = relationship("User")
    commitments: Mapped[list[Commitment]] = relationship(back_populates="contract", order_by="Commitment.id")

    __table_args__ = (
        UniqueConstraint("organisation_id", "content_key", "occurrence"),
        Index("ix_sv_contracts_organisation_reference", "organisation_id", "reference"),
        CheckConstraint(_in("route", ROUTES), name="route"),
        CheckConstraint(_in("supplier_pays_rlw", RLW_ANSWERS), name="supplier_pays_rlw"),
        CheckConstraint(_in("reporting_frequency", REPORTING_FREQUENCIES), name="reporting_frequency"),
        CheckConstraint("rlw_hours_on_a_day IS NULL OR rlw_hours_on_a_day >= 0", name="rlw_hours_not_negative"),
        CheckConstraint("rlw_weeks_in_a_row IS NULL OR rlw_weeks_in_a_row BETWEEN 0 AND 53", name="rlw_weeks_in_a_year"),
        CheckConstraint("value_pence >= 0", name="value_not_negative"),
        CheckConstraint("annual_value_pence >= 0", name="annual_value_not_negative"),
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="dates_in_order"),
    )


class Commitment(TenantScoped, db.Model):
    """A supplier's promise in one contract: a quantity of one measure.

    The valuation is a snapshot: the proxy value (and its edition) in force on
    ``committed_on`` and the value it gave. A re-base by the lead fills the
    ``rebased_*`` columns and leaves the original figures as they were, so pages
    can show both.
    """

    __tablename__ = "sv_commitments"
    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("sv_contracts.id", ondelete="CASCADE"), index=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("sv_measures.id", ondelete="RESTRICT"), index=True)
    # The whole commitment over the contract; the sum of the profile when there is one.
    quantity: Mapped[Decimal] = mapped_column(Numeric(16, 3))
    committed_on: Mapped[date] = mapped_column(Date)
    proxy_value_id: Mapped[int | None] = mapped_column(ForeignKey("sv_proxy_values.id", ondelete="SET NULL"))
    proxy_edition: Mapped[str] = mapped_column(String(40))
    proxy_value_pence: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    committed_value_pence: Mapped[int] = mapped_column(BigInteger)
    rebased_edition: Mapped[str | None] = mapped_column(String(40))
    rebased_proxy_value_pence: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    rebased_value_pence: Mapped[int | None] = mapped_column(BigInteger)
    rebased_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Dated before the measure's first edition (a back-filled year): valued at the earliest edition
    # rather than refused, and shown so on every page that shows the value.
    valued_at_earliest_edition: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    # A bulk-imported line's identity (portal.social_value.bulk_identity): content hash and occurrence.
    line_key: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    contract: Mapped[Contract] = relationship(back_populates="commitments")
    measure = relationship("Measure")
    profile: Mapped[list[CommitmentProfileYear]] = relationship(
        back_populates="commitment", order_by="CommitmentProfileYear.year_start", cascade=OWNED_ROWS
    )

    __table_args__ = (
        # One line per measure per contract: a second promise of the same thing is an edit.
        UniqueConstraint("contract_id", "measure_id"),
        UniqueConstraint("organisation_id", "line_key"),
        CheckConstraint("quantity >= 0", name="quantity_not_negative"),
    )

    @property
    def current_proxy_value_pence(self) -> Decimal:
        """The proxy value to value delivery at now: the re-based one if the network re-based."""
        return self.rebased_proxy_value_pence if self.rebased_edition else self.proxy_value_pence

    @property
    def current_value_pence(self) -> int:
        return self.rebased_value_pence if self.rebased_edition else self.committed_value_pence


class CommitmentProfileYear(TenantScoped, db.Model):
    """How much of a commitment is due in one contract year (from ``year_start`` for a year)."""

    __tablename__ = "sv_commitment_profile_years"
    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("sv_commitments.id", ondelete="CASCADE"), index=True)
    year_start: Mapped[date] = mapped_column(Date)
    quantity: Mapped[Decimal] = mapped_column(Numeric(16, 3))

    commitment: Mapped[Commitment] = relationship(back_populates="profile")

    __table_args__ = (
        UniqueConstraint("commitment_id", "year_start"),
        CheckConstraint("quantity >= 0", name="quantity_not_negative"),
    )


PROPOSAL_STATUSES = ("proposed", "confirmed", "dropped")


class ProposedCommitment(TenantScoped, db.Model):
    """A social value ask of an awarded opportunity, carried onto its contract for the officer to confirm.

    Not a ``Commitment``: it has no measure or quantity until the officer confirms it, and no
    totals query reads this table, so a proposal counts in no figure. Confirming records a real
    commitment (``commitment_id``) through the same service as any other.
    """

    __tablename__ = "sv_proposed_commitments"
    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("sv_contracts.id", ondelete="CASCADE"), index=True)
    ask_id: Mapped[int | None] = mapped_column(ForeignKey("social_value_asks.id", ondelete="SET NULL"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(300))
    beneficiary: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(10), default="proposed")
    commitment_id: Mapped[int | None] = mapped_column(ForeignKey("sv_commitments.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    contract: Mapped[Contract] = relationship()

    __table_args__ = (
        UniqueConstraint("contract_id", "ask_id"),
        CheckConstraint(_in("status", PROPOSAL_STATUSES), name="status"),
    )
