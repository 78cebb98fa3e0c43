"""Reference tables loaded whole from the official open files (Open Government Licence).

They hold no partner's data: every network reads them, and on PostgreSQL the app
role may SELECT them and nothing more (a load runs as the owner role). A load
fills a fresh copy of the table and swaps it in at the end, so readers see the
old register or the new one, never a half-loaded one.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Boolean, CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from tenants.models import utcnow

# What each load kind fills; the page and the command name them this way.
REGISTERS = ("companies", "charities", "postcodes", "mutuals")
LOAD_STATUSES = ("queued", "loading", "loaded", "failed")
# The tables a load swaps in whole (RegisterLoad is the log of loads, never swapped).
REFERENCE_TABLES = ("register_companies", "register_company_names", "register_charities", "register_mutuals",
                    "register_postcodes", "register_area_names")


class RegisterCompany(db.Model):
    """One company from the Companies House Free Company Data Product."""

    __tablename__ = "register_companies"
    company_number: Mapped[str] = mapped_column(String(8), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    postcode: Mapped[str | None] = mapped_column(String(8))
    address: Mapped[str | None] = mapped_column(String(400))
    # "Private Limited Company", "PRI/LBG/NSC (Private, Limited by guarantee, no share capital, use of 'Limited' exemption)", ...
    category: Mapped[str | None] = mapped_column(String(120))
    # "Active", "Liquidation", "Dissolved" (the API), ...
    status: Mapped[str | None] = mapped_column(String(80))
    # "MICRO ENTITY", "SMALL", "FULL", "GROUP", "DORMANT", "NO ACCOUNTS FILED", ...
    accounts_category: Mapped[str | None] = mapped_column(String(40))
    # Up to four, "62020 - Information technology consultancy activities", joined by "; ".
    sic_codes: Mapped[str | None] = mapped_column(Text)
    incorporated_on: Mapped[date | None] = mapped_column(Date)


class RegisterCompanyName(db.Model):
    """A company's current or previous name, normalised, for matching suppliers by name.

    ``block`` is the name's first word (its first two when the first is a common word):
    fuzzy candidates come only from a supplier's own block, never from every pair.
    """

    __tablename__ = "register_company_names"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    company_number: Mapped[str] = mapped_column(String(8))
    normalised_name: Mapped[str] = mapped_column(String(300))
    block: Mapped[str] = mapped_column(String(80))
    is_current: Mapped[bool] = mapped_column(Boolean)

    __table_args__ = (
        Index("ix_register_company_names_normalised_name", "normalised_name"),
        Index("ix_register_company_names_block", "block"),
        Index("ix_register_company_names_company_number", "company_number"),
    )


class RegisterCharity(db.Model):
    """A registered charity (England and Wales) from the Charity Commission register extract."""

    __tablename__ = "register_charities"
    charity_number: Mapped[str] = mapped_column(String(20), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    normalised_name: Mapped[str] = mapped_column(String(300))
    block: Mapped[str] = mapped_column(String(80))
    postcode: Mapped[str | None] = mapped_column(String(8))
    # "Registered" or "Removed"
    status: Mapped[str | None] = mapped_column(String(40))
    # A charitable company is in both registers.
    company_number: Mapped[str | None] = mapped_column(String(8))

    __table_args__ = (
        Index("ix_register_charities_normalised_name", "normalised_name"),
        Index("ix_register_charities_block", "block"),
    )


class RegisterMutual(db.Model):
    """A society on the FCA Mutuals Public Register: co-operatives and community benefit societies."""

    __tablename__ = "register_mutuals"
    mutual_number: Mapped[str] = mapped_column(String(20), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    normalised_name: Mapped[str] = mapped_column(String(300))
    block: Mapped[str] = mapped_column(String(80))
    postcode: Mapped[str | None] = mapped_column(String(8))
    # "Registered Society - Co-operative", "Registered Society - Community Benefit", ...
    society_type: Mapped[str | None] = mapped_column(String(120))
    status: Mapped[str | None] = mapped_column(String(40))

    __table_args__ = (Index("ix_register_mutuals_normalised_name", "normalised_name"),)


class RegisterPostcode(db.Model):
    """One postcode from the ONS postcode directory (NSPL or ONSPD), with the places it lies in."""

    __tablename__ = "register_postcodes"
    # As the directory writes it with one space ("S60 1AA"): the form suppliers' postcodes are kept in.
    postcode: Mapped[str] = mapped_column(String(8), primary_key=True)
    # Local authority district (GSS code, E06/E07/E08/E09, W06, S12, N09).
    district_code: Mapped[str | None] = mapped_column(String(9))
    ward_code: Mapped[str | None] = mapped_column(String(9))
    lsoa_code: Mapped[str | None] = mapped_column(String(9))
    # English region (E12...) or the country's pseudo-region: the ITL1 tier.
    region_code: Mapped[str | None] = mapped_column(String(9))
    country_code: Mapped[str | None] = mapped_column(String(9))
    # Index of Multiple Deprivation of the postcode's LSOA: rank within its nation (1 = most deprived).
    imd_rank: Mapped[int | None] = mapped_column(Integer)
    imd_decile: Mapped[int | None] = mapped_column(SmallInteger)
    terminated: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (Index("ix_register_postcodes_district_code", "district_code"),)


class RegisterAreaName(db.Model):
    """A GSS code's name (district, ward, region), from the names files the directory ships with."""

    __tablename__ = "register_area_names"
    code: Mapped[str] = mapped_column(String(9), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))


class RegisterLoad(db.Model):
    """One load of a register file: who started it, how far it has got, and what it found."""

    __tablename__ = "register_loads"
    id: Mapped[int] = mapped_column(primary_key=True)
    register: Mapped[str] = mapped_column(String(20))
    file_name: Mapped[str] = mapped_column(String(300))
    # The date the publisher gives the file (in its name, or as the person loading it says).
    published_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="queued")
    bytes_total: Mapped[int | None] = mapped_column(BigInteger)
    bytes_read: Mapped[int] = mapped_column(BigInteger, default=0)
    rows_loaded: Mapped[int] = mapped_column(Integer, default=0)
    rows_skipped: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        CheckConstraint("register IN (" + ", ".join(f"'{r}'" for r in REGISTERS) + ")", name="register"),
        CheckConstraint("status IN (" + ", ".join(f"'{s}'" for s in LOAD_STATUSES) + ")", name="status"),
        Index("ix_register_loads_register_status", "register", "status"),
    )
