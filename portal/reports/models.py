"""What an officer chooses for the partner's annual report: the delivery reports whose narratives are its case studies."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from tenants.models import utcnow
from tenants.scoping import TenantScoped


class CaseStudy(TenantScoped, db.Model):
    """A delivery report whose narrative the partner puts in its annual report of one financial year.

    The narrative is read from the report each time (never copied), so an edit shows up and a
    deleted report takes its case study with it.
    """

    __tablename__ = "report_case_studies"
    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)  # the financial year's starting calendar year
    delivery_report_id: Mapped[int] = mapped_column(ForeignKey("sv_delivery_reports.id", ondelete="CASCADE"), index=True)
    chosen_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    chosen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    delivery_report = relationship("DeliveryReport")

    __table_args__ = (UniqueConstraint("organisation_id", "year", "delivery_report_id"),)
