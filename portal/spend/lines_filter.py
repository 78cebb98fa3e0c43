"""The filters that take a figure on a page down to the lines behind it."""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date

from sqlalchemy import Select, and_, not_, or_

from portal.suppliers.models import Supplier

from .models import SpendLine
from .procurable import LOCAL_LOCALITIES, PLACES, effective_locality, procurable_condition


def _month(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value).replace(day=1) if value else None
    except ValueError:
        return None


def _one_of(args, name: str, allowed) -> str | None:
    return args.get(name) if args.get(name) in allowed else None


@dataclass(frozen=True)
class LineFilter:
    """Months from/to (inclusive), district, ward, IMD decile, category, locality, procurable or not, supplier flags.

    ``excluded_kinds`` is the network's rule, not a choice in the address: the classes
    procurable spend leaves out, so "procurable" lines here are those the totals count.
    """

    start: date | None = None
    end: date | None = None  # first day of the last month included
    district: str | None = None
    category: str | None = None
    local: str | None = None  # "yes" (based or branched), "no" (placed elsewhere), "unplaced"
    flag: str | None = None  # "sme", "vcse", "employee_owned", "living_wage"
    supplier_id: int | None = None
    place: str | None = None  # one tier of PLACES
    procurable: str | None = None  # "yes" or "no"
    ward: str | None = None
    imd: str | None = None  # '1'..'10', '' unknown
    excluded_kinds: tuple[str, ...] = field(default=(), compare=False)

    @classmethod
    def from_args(cls, args, excluded_kinds=()) -> "LineFilter":
        supplier = args.get("supplier_id", type=int)
        return cls(
            start=_month(args.get("start")), end=_month(args.get("end")),
            district=args.get("district") if "district" in args else None,
            category=args.get("category") if "category" in args else None,
            local=_one_of(args, "local", ("yes", "no", "unplaced")),
            flag=_one_of(args, "flag", ("sme", "vcse", "employee_owned", "living_wage")),
            supplier_id=supplier,
            place=_one_of(args, "place", PLACES),
            procurable=_one_of(args, "procurable", ("yes", "no")),
            ward=args.get("ward") if "ward" in args else None,
            imd=_one_of(args, "imd", ("", *(str(n) for n in range(1, 11)))),
            excluded_kinds=tuple(excluded_kinds or ()),
        )

    def as_args(self) -> dict:
        values = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value is not None and f.name != "excluded_kinds":
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
        needs_supplier = (self.district is not None or self.local or self.flag or self.place or self.procurable
                          or self.ward is not None or self.imd is not None)
        if needs_supplier:
            query = query.outerjoin(Supplier, Supplier.id == SpendLine.supplier_id)
        for column, value in ((Supplier.district_code, self.district), (Supplier.ward_code, self.ward)):
            if value is not None:
                conditions.append(column == value if value else column.is_(None))
        if self.imd is not None:
            conditions.append(Supplier.imd_decile == int(self.imd) if self.imd else Supplier.imd_decile.is_(None))
        if self.procurable == "yes":
            conditions.append(procurable_condition(self.excluded_kinds))
        elif self.procurable == "no":
            conditions.append(not_(procurable_condition(self.excluded_kinds)))
        place = effective_locality()
        if self.local == "yes":
            conditions.append(place.in_(LOCAL_LOCALITIES))
        elif self.local == "no":
            conditions.append(place.in_(("wider", "region", "elsewhere")))
        elif self.local == "unplaced":
            conditions.append(or_(SpendLine.supplier_id.is_(None), place.is_(None)))
        if self.place:
            conditions.append(place == self.place)
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
        if self.ward is not None:
            parts.append(f"ward {self.ward or 'unknown'}")
        if self.imd is not None:
            parts.append(f"IMD decile {self.imd}" if self.imd else "IMD decile unknown")
        if self.procurable:
            parts.append({"yes": "procurable spend", "no": "spend left out of procurable spend"}[self.procurable])
        if self.place:
            parts.append({"based": "suppliers based in the area", "branched": "suppliers with a branch in the area",
                          "wider": "suppliers in the wider area", "region": "suppliers elsewhere in the region",
                          "elsewhere": "suppliers outside the region"}[self.place])
        if self.category is not None:
            parts.append(f"category {self.category or 'none'}")
        if self.local:
            parts.append({"yes": "local suppliers", "no": "suppliers outside the area", "unplaced": "suppliers we could not place"}[self.local])
        if self.flag:
            parts.append({"sme": "SMEs", "vcse": "VCSEs", "employee_owned": "employee-owned suppliers", "living_wage": "Real Living Wage employers"}[self.flag])
        return ", ".join(parts) or "all lines"
