"""The filters that take a figure on a page down to the lines behind it."""
from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date

from sqlalchemy import Select, and_, or_

from portal.suppliers.models import Supplier

from .models import SpendLine


def _month(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value).replace(day=1) if value else None
    except ValueError:
        return None


@dataclass(frozen=True)
class LineFilter:
    """Months from/to (inclusive), district, category, locality, supplier flags."""

    start: date | None = None
    end: date | None = None  # first day of the last month included
    district: str | None = None
    category: str | None = None
    local: str | None = None  # "yes", "no", "unplaced"
    flag: str | None = None  # "sme", "vcse", "employee_owned", "living_wage"
    supplier_id: int | None = None

    @classmethod
    def from_args(cls, args) -> "LineFilter":
        supplier = args.get("supplier_id", type=int)
        return cls(
            start=_month(args.get("start")), end=_month(args.get("end")),
            district=args.get("district") if "district" in args else None,
            category=args.get("category") if "category" in args else None,
            local=args.get("local") if args.get("local") in ("yes", "no", "unplaced") else None,
            flag=args.get("flag") if args.get("flag") in ("sme", "vcse", "employee_owned", "living_wage") else None,
            supplier_id=supplier,
        )

    def as_args(self) -> dict:
        values = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value is not None:
                values[f.name] = value.isoformat() if isinstance(value, date) else value
        return values

    def apply(self, query: Select) -> Select:
        conditions = []
        if self.start:
            conditions.append(SpendLine.month >= self.start)
        if self.end:
            conditions.append(SpendLine.month <= self.end)
        if self.category is not None:
            conditions.append(SpendLine.category == self.category if self.category else SpendLine.category.is_(None))
        if self.supplier_id:
            conditions.append(SpendLine.supplier_id == self.supplier_id)
        needs_supplier = self.district is not None or self.local or self.flag
        if needs_supplier:
            query = query.outerjoin(Supplier, Supplier.id == SpendLine.supplier_id)
        if self.district is not None:
            conditions.append(Supplier.postcode_district == self.district if self.district else Supplier.postcode_district.is_(None))
        if self.local == "yes":
            conditions.append(Supplier.is_local.is_(True))
        elif self.local == "no":
            conditions.append(Supplier.is_local.is_(False))
        elif self.local == "unplaced":
            conditions.append(or_(SpendLine.supplier_id.is_(None), Supplier.is_local.is_(None)))
        if self.flag == "sme":
            conditions.append(Supplier.is_sme.is_(True))
        elif self.flag == "vcse":
            conditions.append(Supplier.kind == "vcse")
        elif self.flag == "employee_owned":
            conditions.append(Supplier.employee_owned.is_(True))
        elif self.flag == "living_wage":
            conditions.append(Supplier.living_wage_accredited.is_(True))
        return query.where(and_(*conditions)) if conditions else query

    def describe(self) -> str:
        parts = []
        if self.start or self.end:
            parts.append(f"{(self.start or '…')} to {(self.end or '…')}".replace("-01 ", " ").replace("-01", ""))
        if self.district is not None:
            parts.append(f"district {self.district or 'unknown'}")
        if self.category is not None:
            parts.append(f"category {self.category or 'none'}")
        if self.local:
            parts.append({"yes": "local suppliers", "no": "suppliers outside the area", "unplaced": "suppliers we could not place"}[self.local])
        if self.flag:
            parts.append({"sme": "SMEs", "vcse": "VCSEs", "employee_owned": "employee-owned suppliers", "living_wage": "Real Living Wage employers"}[self.flag])
        return ", ".join(parts) or "all lines"
