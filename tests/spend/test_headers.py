"""Do we recognise the column names councils, police forces and NHS trusts really publish?"""

from __future__ import annotations

import pytest

from portal.spend.headers import (
    _HEADER_PATTERNS,
    FIELDS,
    REQUIRED_FIELDS,
    _header_key,
    guess_mapping,
    recognised_headers,
)
from portal.spend.reading import read_spend_file

# --- the five real spend files --------------------------------------------------------------

REAL_FILES = {
    "calderdale-spend-2022-08.csv": {
        "payment_date": "Date",
        "amount": "Net Amount",  # not "Irrecoverable VAT"
        "supplier_name": "Supplier(Beneficiary) Name",
        "transaction_ref": "Internal Ref Number",  # not "Invoice Number"
        "expense_type": "Expense Code",
        "service_area": "Expense Area",
        "category": "Procurement Classification: Council's Procurement Category Name",
        "company_number": "Supplier Registered Company Number",  # not "VAT Registration Number"
        "charity_number": "Supplier Registered Charity Number",
        "vcse_flag": "Voluntary Community and Social Enterprise Supplier",
        "supplier_ref": "Supplier ID",
        "body_name": "Organisation Name",  # "Body" holds a URI
    },
    "darlington-spend-2022-08.csv": {
        "payment_date": "Transaction Date",
        "amount": "Invoice Line Value (net of VAT)",
        "supplier_name": "Supplier",
        "transaction_ref": "Transaction Number",
        "expense_type": "Account",  # "Agency Staff Costs - Non Teaching", "Materials"
        "service_area": "Service",  # the file spells its other one "Directotate"
    },
    "leeds-spend-2011-01.csv": {
        "payment_date": "Date paid",
        "amount": "Net Amount",
        "supplier_name": "Supplier name",
        "transaction_ref": "Transaction Number",
        "expense_type": "Detailed expenditure type",  # before the broad "Expenditure category"
        "service_area": "Service label",
        "body_name": "Body name",
    },
    "manchester-spend-2022-04.csv": {
        "payment_date": "Invoice Payment Date",
        "amount": "Net Amount",
        "supplier_name": "Supplier Name",
        "transaction_ref": "Transaction Number",
        "expense_type": "Expenses Type",
        "service_area": "Service Area",
        "body_name": "Body Name",
    },
    "northtyneside-spend-2022-06_p.csv": {
        "payment_date": "Payment Date",
        "amount": "Net Amount",
        "supplier_name": "Supplier (Beneficiary) Name",
        "transaction_ref": "Transaction Number",
        "expense_type": "Purpose of Spend",  # the detailed SeRCOP type, not its broad category
        "service_area": "Directorate / Service Where Expenditure Incurred",
        "category": "Procurement Classification",
        "supplier_ref": "Local Supplier Internal Reference",
    },
}


@pytest.mark.parametrize("name", REAL_FILES)
def test_each_real_file_gets_the_right_proposed_mapping(real_file, name):
    mapping = read_spend_file(real_file(name), name).guess_mapping()
    assert mapping == REAL_FILES[name]
    assert mapping.missing == []


def test_darlingtons_unnamed_columns_keep_their_place_and_are_never_mapped(real_file):
    name = "darlington-spend-2022-08.csv"
    spend = read_spend_file(real_file(name), name)
    assert spend.headers[:3] == ["Column 1", "Column 2", "Directotate"]
    assert not {"Column 1", "Column 2"} & set(spend.guess_mapping().values())


# --- synonyms, table-driven ------------------------------------------------------------------

SYNONYMS = {
    "payment_date": [
        "Date", "Payment Date", "Date Paid", "Paid Date", "Date of Payment",
        "Invoice Payment Date", "Transaction Date", "Trans Date", "Pay Date", "Value Date",
        "Posting Date", "Document Date", "Doc Date", "Effective Date", "Payment Run Date",
        "Cheque Date", "Date Incurred", "Invoice Date", "PAYMENT_DATE",
    ],
    "amount": [
        "Amount", "Amount (£)", "Amount £", "Net Amount", "Net Amount £", "Net Amount (£)",
        "Amount excl VAT", "Amount Ex VAT", "Amount (excluding VAT)", "Amount exclusive of VAT",
        "Invoice Line Value (net of VAT)", "Line Value", "Line Amount", "Net Value", "Value",
        "Value (£)", "Payment Value", "Payment Amount", "Amount Paid", "Transaction Amount",
        "Total Value", "Total Amount", "Total", "Gross Amount", "Amount in Sterling",
        "SumOfAmount_Exc_VAT", "Amount inc VAT",
    ],
    "supplier_name": [
        "Supplier Name", "Supplier", "Supplier (Beneficiary) Name", "Supplier(Beneficiary) Name",
        "Supplier (Beneficiary)", "Beneficiary", "Beneficiary Name", "Payee", "Payee Name",
        "Vendor", "Vendor Name", "Creditor", "Creditor Name", "Merchant Name", "Merchant",
        "Recipient", "Recipient Name", "Supplier Company Name", "Name of Supplier",
        "Supplier_Name", "Supplier Trading Name",
    ],
    "transaction_ref": [
        "Transaction Number", "Transaction No", "Transaction No.", "TransNo", "Trans No",
        "Trans. No.", "Transaction ID", "Transaction Reference", "Trans Ref",
        "Internal Ref Number", "Internal Reference", "Payment Reference", "Payment Number",
        "Voucher Number", "Doc No", "Document Number", "Document No", "Reference", "Ref",
        "Ref No", "Invoice Number", "Invoice No", "Invoice Reference",
    ],
    "expense_type": [
        "Expense Type", "Expenses Type", "Expenses_Type", "Detailed Expenses Type",
        "Detailed expenditure type", "CIPFA Detailed Expenditure Type", "Expenditure Type",
        "Expense Description", "Purpose of Spend", "Purpose of Expenditure",
        "Purpose of Expenditure (Expenditure Category)", "SeRCOP Expenditure Category",
        "Expenditure Category", "Subjective Description", "Account Description",
        "Account Name", "G/L Description", "Account", "Description", "Narrative",
        "Expense Code", "CIPFA Expenditure Code", "SeRCOP Expenditure Code",
    ],
    "service_area": [
        "Service Area", "Service Area Categorisation", "Service_Area_Categorisation",
        "Directorate / Service Where Expenditure Incurred",
        "Department or service where expenditure occurred",
        "Department/service where expenditure occurred", "Directorate", "Directorate Name",
        "Department", "Department Name", "Service", "Service Label", "Service Division",
        "Service Division Label", "Service Category Label", "Expense Area", "Division",
        "Cost Centre Description", "Cost Centre Name", "Cost Centre", "Responsible Unit",
        "Business Unit", "Portfolio",
    ],
    "category": [
        "Procurement Category", "Procurement Classification",
        "Procurement Classification: Council's Procurement Category Name",
        "Procurement (Merchant Category)", "Merchant Category", "Proclass",
        "ProClass Classification", "CPV", "CPV Code", "Category", "Spend Category",
    ],
    "supplier_postcode": ["Supplier Postcode", "Supplier Post Code", "Postcode", "Post Code"],
    "company_number": [
        "Company Number", "Company No", "Company Reg No", "Company Registration Number",
        "Supplier Registered Company Number", "Registered Company Number",
        "Supplier Company Number", "Companies House Number",
    ],
    "charity_number": [
        "Charity Number", "Charity Reg No", "Registered Charity Number",
        "Supplier Registered Charity Number", "Charity Registration Number",
    ],
    "vcse_flag": [
        "VCSE", "SME/VCSE", "VCSE Supplier", "Voluntary Community and Social Enterprise Supplier",
    ],
    "supplier_ref": [
        "Supplier ID", "Supplier Number", "Supplier No", "Supplier Code", "Supplier Reference",
        "Supplier Account Number", "Local Supplier Internal Reference",
        "Supplier (Beneficiary) ID", "Vendor ID", "Vendor Number", "Creditor Number",
        "Creditor ID", "Payee ID",
    ],
    "body_name": [
        "Body Name", "Organisation Name", "Organisation", "Organisation Label",
        "Publisher Label", "Entity",
    ],
}
CASES = [(header, field) for field, headers in SYNONYMS.items() for header in headers]


@pytest.mark.parametrize(("header", "field"), CASES)
def test_a_published_column_name_is_recognised(header, field):
    assert guess_mapping([header]) == {field: header}
    assert guess_mapping([f"  {header.upper()} "]) == {field: f"  {header.upper()} "}


def test_every_field_has_synonyms_and_a_test():
    assert set(SYNONYMS) == set(FIELDS) == set(_HEADER_PATTERNS)
    assert set(REQUIRED_FIELDS) <= set(FIELDS)


# --- never these ----------------------------------------------------------------------------

NEVER = [
    # a VAT column is never the amount, even when nothing else is
    ("Irrecoverable VAT", "amount"),
    ("VAT Amount", "amount"),
    ("VAT", "amount"),
    ("VAT £", "amount"),
    ("Non-recoverable VAT", "amount"),
    ("VAT Value", "amount"),
    # neither a supplier id nor a VAT number is a company number
    ("Supplier ID", "company_number"),
    ("VAT Registration Number", "company_number"),
    ("Supplier VAT Registration Number", "company_number"),
    ("VAT Reg No", "company_number"),
    # a body's name, a supplier's id, type or postcode are not the supplier's name
    ("Company Name", "supplier_name"),  # West Mercia Police: the body making the payment
    ("Supplier ID", "supplier_name"),
    ("Supplier (Beneficiary) Type", "supplier_name"),
    ("Supplier Postcode", "supplier_name"),
    # a contract's reference is not a payment's
    ("Contract Reference", "transaction_ref"),
    # the total of a whole invoice would count it once per line
    ("Total Invoice Amount", "amount"),
    ("Start Date", "payment_date"),
    ("Body", "body_name"),  # Calderdale and Leeds put a URI there
    ("Capital or revenue", "expense_type"),
]


@pytest.mark.parametrize(("header", "field"), NEVER)
def test_a_column_is_never_taken_for_the_wrong_field(header, field):
    assert field not in guess_mapping([header])


@pytest.mark.parametrize("header", ["Column 1", "Column 2", "Column 17", "", "   ", "£", "?"])
def test_an_unnamed_column_is_never_mapped(header):
    assert guess_mapping([header]) == {}
    assert not any(
        pattern.fullmatch(_header_key(header) or "x")
        for patterns in _HEADER_PATTERNS.values()
        for pattern in patterns
    )


# --- ranking: best first, one field a column -------------------------------------------------

RANKED = [
    # (the file's columns, field, the column that should win)
    (["Invoice Number", "Transaction Number"], "transaction_ref", "Transaction Number"),
    (["Invoice Number", "Internal Ref Number"], "transaction_ref", "Internal Ref Number"),
    (["Invoice No", "Doc No"], "transaction_ref", "Doc No"),
    (["Amount", "Net Amount"], "amount", "Net Amount"),
    (["Irrecoverable VAT", "Net Amount"], "amount", "Net Amount"),
    (["Gross Amount", "Amount excl VAT"], "amount", "Amount excl VAT"),
    (["SumOfAmount_Inc_VAT", "SumOfAmount_Exc_VAT"], "amount", "SumOfAmount_Exc_VAT"),
    (["Total Invoice Amount", "Amount"], "amount", "Amount"),
    # accounts-payable exports (NHS and central government files), and any other amount column
    (["Date", "Supplier", "AP Amount"], "amount", "AP Amount"),
    (["Date", "Supplier", "VAT Amount", "Invoice Amount"], "amount", "Invoice Amount"),
    (["Date", "Supplier", "Contract Value", "Amount"], "amount", "Amount"),
    (["Date", "Supplier", "VAT Amount", "Refund Amount"], "amount", "Refund Amount"),
    (["Invoice Date", "Payment Date"], "payment_date", "Payment Date"),
    (["Transaction Date", "Invoice Payment Date"], "payment_date", "Invoice Payment Date"),
    (["Posting Date", "Date Paid"], "payment_date", "Date Paid"),
    (["Expenditure category", "Detailed expenditure type"], "expense_type",
     "Detailed expenditure type"),
    (["Expenses_Type", "Detailed_Expenses_Type"], "expense_type", "Detailed_Expenses_Type"),
    (["SeRCOP Expenditure Category", "Purpose of Spend"], "expense_type", "Purpose of Spend"),
    (["Expense Code", "Expense Type"], "expense_type", "Expense Type"),
    (["Service Category Label", "Directorate / Service Where Expenditure Incurred"],
     "service_area", "Directorate / Service Where Expenditure Incurred"),
    (["Service division label", "Service label"], "service_area", "Service label"),
    (["Cost Centre", "Service Area"], "service_area", "Service Area"),
    (["Vendor", "Supplier Name"], "supplier_name", "Supplier Name"),
    (["Proclass", "Procurement Category"], "category", "Procurement Category"),
    (["Supplier Number", "Supplier ID"], "supplier_ref", "Supplier ID"),
]


@pytest.mark.parametrize(("headers", "field", "best"), RANKED)
def test_the_better_column_wins(headers, field, best):
    assert guess_mapping(headers)[field] == best
    assert guess_mapping(list(reversed(headers)))[field] == best


def test_a_column_is_used_for_one_field_only():
    headers = ["Supplier", "Supplier ID", "VAT Registration Number", "Company Reg No", "Value"]
    mapping = guess_mapping(headers)
    assert mapping == {
        "amount": "Value",
        "supplier_name": "Supplier",
        "company_number": "Company Reg No",
        "supplier_ref": "Supplier ID",
    }
    assert len(set(mapping.values())) == len(mapping)


def test_a_header_row_is_told_from_a_title():
    assert recognised_headers(["Spend over £500, August 2022", "", ""]) == 0
    assert recognised_headers(["TransNo", "Pay Date", "Payee", "Amount excl VAT", "Notes"]) == 4
    assert recognised_headers(["\ufeffDate", "\u00ef\u00bb\u00bfVendor", "Value"]) == 3
