"""Recognise a contracts register's column names: which column holds each of the contract's fields.

The names come from the Local Government Transparency Code 2015 ("contracts over £5,000":
reference, title, description, supplier, supplier's company number and postcode, value,
start and end dates, review date, whether the supplier is an SME or VCSE) as councils
publish it (Salford's register is the model). ``guess_mapping`` proposes one column per
field, the best-ranked name winning; the officer confirms or corrects it.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from portal.spend.headers import clean_header
from portal.spend.reading import HeaderRule

# fmt: off
FIELD_LABELS = {
    "reference": "Contract reference",
    "title": "Contract title",
    "description": "Contract description",
    "supplier_name": "Supplier name",
    "supplier_postcode": "Supplier postcode",
    "company_number": "Supplier company number",
    "annual_value": "Annual value",
    "total_value": "Total value (with extensions)",
    "start_date": "Start date",
    "end_date": "End date",
    "expiry_date": "Current expiry date",
    "sme": "SME supplier (yes or no)",
    "category": "Category code (ProClass or CPV)",
    "category_description": "Category description",
    "ojeu_fts": "Advertised in OJEU / Find a Tender (yes or no)",
    "directorate": "Directorate",
    "procurement_process": "Procurement process",
    "purchasing_body": "Purchasing body",
    "duration_months": "Duration (months)",
    "extension_option_months": "Option to extend (months)",
    "extension_count": "How many extensions",
    "extension_1_taken": "Extension 1 taken (yes or no)",
    "extension_2_taken": "Extension 2 taken (yes or no)",
}
FIELDS = tuple(FIELD_LABELS)
REQUIRED_FIELDS = ("title",)

_HEADER_NAMES: dict[str, tuple[str, ...]] = {
    "reference": ("contractreference", "contractref", "contractreferencenumber", "contractid", "contractnumber",
                  "contractno", "reference", "referencenumber", "ref", "refno"),
    "title": ("contracttitle", "title", "contractname", "titleofcontract", "titleofagreement"),
    "description": ("contractdescription", "description", "descriptionofgoodsandservices",
                    "descriptionofthegoodsandorservices", "summary", "scope"),
    "supplier_name": ("suppliercompanyname", "suppliername", "supplier", "contractorname", "contractor",
                      "providername", "provider", "supplierbeneficiaryname", "nameofsupplier"),
    "supplier_postcode": ("supplierpostcode", "postcode", "supplierpostalcode", "[a-z]*postcode"),
    "company_number": ("companynumber", "suppliercompanynumber", "companyregistrationnumber",
                       "suppliercompanyregistrationnumber", "registeredcompanynumber", "companyregno",
                       "companieshousenumber", "crn"),
    "annual_value": ("annualvalue", "estimatedannualvalue", "annualcontractvalue", "valueperannum", "annualvaluegbp"),
    "total_value": ("totalcontractvalueincludingextensions", "totalcontractvalue", "totalvalue", "contractvalue",
                    "estimatedtotalvalue", "valueofcontract", "totalvalueincludingextensions", "value", "valuegbp"),
    "start_date": ("startdate", "contractstartdate", "commencementdate", "datestarted"),
    "end_date": ("enddate", "contractenddate", "originalenddate", "dateended"),
    "expiry_date": ("currentexpirydate", "expirydate", "currentenddate", "reviewdate"),
    "sme": ("smesupplier", "sme", "issme", "supplierissme", "smeflag", "smeyesno", "smesupplieryesno"),
    "category": ("proclassclassification", "proclasscode", "proclass", "cpvcode", "cpv", "categorycode", "category"),
    "category_description": ("proclassdescription", "cpvdescription", "categorydescription"),
    "ojeu_fts": ("ojeufts", "ojeu", "fts", "ojeuftsadvertised", "advertisedinojeu", "findatender"),
    "directorate": ("directoratename", "directorate", "department", "departmentname", "servicearea", "service"),
    "procurement_process": ("processused", "procurementprocess", "procurementroute", "procurementprocedure",
                            "procedure", "procedureused"),
    "purchasing_body": ("purchasingbody", "contractingauthority", "bodyname", "organisationname"),
    "duration_months": ("contractdurationmonths", "durationmonths", "duration", "contractduration"),
    "extension_option_months": ("optiontoextendmonths", "extensionoptionmonths", "optiontoextend",
                                "extensionperiodmonths", "extensionperiod"),
    "extension_count": ("howmanyextensions", "numberofextensions", "extensions"),
    "extension_1_taken": ("extension1taken", "firstextensiontaken"),
    "extension_2_taken": ("extension2taken", "secondextensiontaken"),
}
# fmt: on
_PATTERNS = {name: tuple(re.compile(p) for p in patterns) for name, patterns in _HEADER_NAMES.items()}


def _key(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", header.casefold())


def guess_mapping(headers: Iterable[str]) -> dict[str, str]:
    """Propose a column for each field it recognises; a column is used for one field only."""
    headers = list(headers)
    candidates = []
    for position, header in enumerate(headers):
        key = _key(header)
        for name, patterns in _PATTERNS.items():
            for rank, pattern in enumerate(patterns):
                if key and pattern.fullmatch(key):
                    candidates.append((rank, FIELDS.index(name), position, name, header))
                    break
    mapping: dict[str, str] = {}
    used: set[int] = set()
    for _rank, _order, position, name, header in sorted(candidates):
        if name not in mapping and position not in used:
            mapping[name] = header
            used.add(position)
    return {name: mapping[name] for name in FIELDS if name in mapping}


def missing_required(mapping: dict[str, str]) -> list[str]:
    """The required fields no column is mapped to."""
    return [name for name in REQUIRED_FIELDS if not mapping.get(name)]


def recognised_headers(cells: Iterable[str]) -> int:
    """Count the cells that are contracts register column names, to tell the header row from a title."""
    count = 0
    for cell in cells:
        key = _key(clean_header(cell))
        if key and any(pattern.fullmatch(key) for patterns in _PATTERNS.values() for pattern in patterns):
            count += 1
    return count


# The spend reader's header search, told the names of a contracts register's columns.
HEADER_RULE = HeaderRule(recognised_headers, "column names like Contract Reference, Contract Title and Supplier Name")
