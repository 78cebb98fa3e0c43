"""Recognise a spend file's column names: which column holds each of the portal's fields.

The names come from real publications: councils' Local Government Transparency Code
"spend over £500" files, police forces' and NHS trusts' "over £500 / £25,000" files, and the
LGA's spend template. Each is written the way its finance system exports it, so one field has
dozens of names ("Date paid", "Invoice Payment Date", "Transaction Date", "Value Date").
``guess_mapping`` proposes one column per field; the officer confirms or corrects it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# fmt: off
FIELDS = (
    "payment_date", "amount", "supplier_name", "transaction_ref", "expense_type",
    "service_area", "category", "supplier_postcode", "company_number", "charity_number",
    "vcse_flag", "supplier_ref", "body_name",
)
REQUIRED_FIELDS = ("payment_date", "amount", "supplier_name")

# Column names per field, best first. Each is a regular expression matched against the whole
# name with case, spaces and punctuation removed ("Supplier(Beneficiary) Name" ->
# "supplierbeneficiaryname", "Amount (£)" -> "amount", "Trans. No" -> "transno"). The order
# matters only when a file has two candidates for one field: the better one wins.
_HEADER_NAMES: dict[str, tuple[str, ...]] = {
    "payment_date": (
        # the day the money went out, then the ledger's own dates, then the bill's date
        "paymentdate", "datepaid", "paiddate", "dateofpayment", "invoicepaymentdate",
        "paymentrundate", "paydate", "chequedate", "date", "transactiondate", "transdate",
        "effectivedate", "valuedate", "postingdate", "posteddate", "documentdate", "docdate",
        "dateincurred", "expendituredate", "spenddate", "invoicedate",
    ),
    "amount": (
        # net of VAT first: the Transparency Code's amount; gross only if nothing else
        "netamount", "amount", "amountgbp", "netamountgbp", "amountinsterling",
        "amountexclvat", "amountexvat", "amountexcvat", "amountexcludingvat",
        "amountexclusiveofvat", "netamountexclvat", "netamountexcludingvat",
        "sumofamountexcvat", "invoicelinevaluenetofvat", "invoicelinevalue", "linevalue",
        "lineamount", "netlineamount", "netvalue", "value", "valuegbp", "amountpaid",
        "paidamount", "paymentamount", "paymentvalue", "transactionamount", "transactionvalue",
        "totalvalue", "totalamount", "total", "grossamount", "grossvalue", "amountincvat",
        "amountinclvat", "amountincludingvat", "sumofamountincvat",
        # accounts-payable and invoice exports (NHS and central government "over £25,000" files)
        "apamount", "invoiceamount", "netinvoiceamount", "invoicevalue", "netinvoicevalue", "expenditure",
        "spend", "[a-z]*amount[a-z]*",  # last: any other amount, VAT aside (_NEVER); not any "value": a contract's is not a payment
    ),
    "supplier_name": (
        "supplierbeneficiaryname", "supplierbeneficiary", "suppliername", "supplier",
        "beneficiaryname", "beneficiary", "suppliercompanyname", "nameofsupplier", "payeename",
        "payee", "vendorname", "vendor", "creditorname", "creditor", "merchantname", "merchant",
        "recipientname", "recipient",
        "(supplier|beneficiary|payee|vendor|creditor|merchant|recipient)[a-z]*name",
    ),
    "transaction_ref": (
        "transactionnumber", "transactionno", "transactionnum", "transno", "transnumber",
        "transactionid", "transid", "transactionref", "transactionreference", "transref",
        "uniquetransactionid", "uniquetransactionreference", "internalrefnumber",
        "internalreference", "internalref", "internalreferencenumber", "paymentreference",
        "paymentref", "paymentnumber", "paymentid", "vouchernumber", "voucherno", "reference",
        "referencenumber", "refno", "ref", "documentnumber", "documentno", "docno", "docnumber",
        "documentreference", "documentref", "docref",
        # an invoice number identifies the supplier's bill, not the payment: only if nothing better
        "invoicenumber", "invoiceno", "invoiceref", "invoicereference", "invoiceid",
    ),
    "expense_type": (
        # what was bought, in words; the detailed type before the broad one (Leeds and Cannock
        # Chase publish both), then the SeRCOP/CIPFA headings, then codes as a last resort
        "detailedexpenses?type", "detailedexpendituretype", "cipfadetailedexpendituretype",
        "expenses?type", "expendituretype", "expenses?description", "expendituredescription",
        "purposeofspend", "purposeofexpenditure", "purposeofexpenditureexpenditurecategory",
        "subjectivedescription", "accountdescription", "accountname", "gldescription",
        "glaccountdescription", "nominaldescription", "expenditurecategory", "expensecategory",
        "sercopexpenditurecategory", "account", "description", "purposeofexpenditurenarrative",
        "narrative", "subjective", "expenses?code", "expenditurecode", "detailedexpenditurecode",
        "subjectivecode", "cipfaexpenditurecode", "sercop(detailed)?expenditurecode",
    ),
    "service_area": (
        "servicearea", "serviceareacategorisation", "servicearea[a-z]*",
        # "Directorate / Service Where Expenditure Incurred", "Department or service where..."
        "(directorate|department)(or)?service(where[a-z]*)?", "servicelabel",
        "servicecategorylabel", "expensearea", "directorate", "directoratename",
        "servicedivisionlabel", "servicedivision", "servicedivisioncategorisation", "service",
        "servicename", "department", "departmentname", "division", "costcentredescription",
        "costcentrename", "costcentre", "responsibleunit", "businessunit", "portfolio",
    ),
    "category": (
        # the council's own procurement category names before ProClass codes: Calderdale
        # fills the first and leaves its "Proclass" column empty
        "procurementcategory[a-z]*", "procurementclassification[a-z]*",
        "procurementmerchantcategory", "merchantcategory", "proclass", "proclassclassification",
        "proclasscode", "proclass[a-z]*", "cpv", "cpvcode", "cpv[a-z]*", "category",
        "purchasecategory", "spendcategory",
    ),
    "supplier_postcode": (
        "supplierpostcode", "postcode", "supplierpostalcode", "postalcode", "[a-z]*postcode",
    ),
    "company_number": (
        "supplierregisteredcompanynumber", "companynumber", "companyregno",
        (
            "(supplier|beneficiary|supplierbeneficiary)?(registered)?company"
            "(registration|registered|reg)?(number|no|num)"
        ),
        "companieshouse(number|no|ref|reference)?", "crn",
    ),
    "charity_number": (
        "supplierregisteredcharitynumber", "charitynumber",
        "[a-z]*charity(registration|registered|reg)?(number|no|num)",
    ),
    "vcse_flag": (
        "voluntarycommunityandsocialenterprisesupplier", "vcse", "smevcse", "vcsesme",
        "vcsesupplier", "isvcse", "vcseflag", "[a-z]*vcse[a-z]*", "voluntarycommunity[a-z]*",
    ),
    "supplier_ref": (
        "supplierid", "supplierref", "supplierreference", "suppliernumber", "supplierno",
        "suppliercode", "supplieraccountnumber", "localsupplierinternalreference",
        "supplierinternalreference", "localsupplierreference", "supplierbeneficiaryid",
        "beneficiaryid", "vendorid", "vendornumber", "vendorno", "vendorcode", "creditorid",
        "creditornumber", "creditorno", "creditorcode", "creditorreference", "payeeid",
    ),
    "body_name": (
        "bodyname", "organisationname", "organizationname", "organisationlabel", "organisation",
        "organization", "publicbodyname", "authorityname", "councilname", "publisherlabel",
        "entity",
    ),
}
# fmt: on
_HEADER_PATTERNS = {
    name: tuple(re.compile(pattern) for pattern in patterns)
    for name, patterns in _HEADER_NAMES.items()
}

# Whatever the table grows to, these stay out: a VAT column is never the amount (it would count
# the tax instead of the spend) unless its name says the amount is net or gross of VAT, and a
# VAT registration number is never a company number.
_SAYS_NET_OR_GROSS = re.compile(
    r"(ex|exc|excl|excluding|exclusive|exclusiveof|netof|less|before|without"
    r"|inc|incl|including|inclusive|inclusiveof|plus)vat"
)
# The total of a whole invoice, repeated on each of its lines, would count the invoice once per line.
_INVOICE_TOTAL = re.compile(r"totalinvoice|invoicetotal|invoicegross|grossinvoice")
_NEVER = {
    "amount": lambda key: ("vat" in key and not _SAYS_NET_OR_GROSS.search(key)) or bool(_INVOICE_TOTAL.search(key)),
    "company_number": lambda key: "vat" in key,
}


class FieldMapping(dict):
    """Which of the file's columns holds each portal field: {"amount": "Net Amount", ...}."""

    @property
    def missing(self) -> list[str]:
        """The required fields no column is mapped to yet, for the officer to choose."""
        return missing_required(self)


def missing_required(mapping: dict[str, str]) -> list[str]:
    """Return the required fields (date, amount, supplier name) the mapping lacks, in order."""
    return [name for name in REQUIRED_FIELDS if not mapping.get(name)]


_MISENCODED_BOM = "\u00ef\u00bb\u00bf"  # a UTF-8 BOM read as Windows-1252: "ï»¿"


def clean_header(cell: str) -> str:
    """Return a column name as the officer would type it: no BOM, single spaces, trimmed."""
    text = cell.replace("\ufeff", "")
    while text.lstrip().startswith(_MISENCODED_BOM):
        text = text.lstrip()[len(_MISENCODED_BOM) :]
    return " ".join(text.split())


def _header_key(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", header.casefold())


def _fields_matching(header: str) -> list[tuple[int, str]]:
    """Each field the column name is known for, with its rank there (0 is best)."""
    key = _header_key(header)
    found = []
    if not key:
        return found
    for name, patterns in _HEADER_PATTERNS.items():
        never = _NEVER.get(name)
        if never and never(key):
            continue
        for rank, pattern in enumerate(patterns):
            if pattern.fullmatch(key):
                found.append((rank, name))
                break
    return found


def guess_mapping(headers: Iterable[str]) -> FieldMapping:
    """Propose a column for each field it recognises; ``.missing`` lists required fields left.

    The best-ranked names win: given both "Transaction Number" and "Invoice Number", the
    transaction number is the reference. A column is used for one field only. An unnamed
    column (read as "Column 1") matches no name, so it is never proposed.
    """
    headers = list(headers)
    candidates = sorted(
        (rank, FIELDS.index(name), position, name, header)
        for position, header in enumerate(headers)
        for rank, name in _fields_matching(header)
    )
    mapping = FieldMapping()
    used: set[int] = set()
    for _rank, _order, position, name, header in candidates:
        if name not in mapping and position not in used:
            mapping[name] = header
            used.add(position)
    return FieldMapping(sorted(mapping.items(), key=lambda item: FIELDS.index(item[0])))


def recognised_headers(cells: Iterable[str]) -> int:
    """Count the cells that are column names we know, to tell a header row from a title."""
    return sum(1 for cell in cells if _fields_matching(clean_header(cell)))
