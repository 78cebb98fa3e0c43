"""Reading spend files: the real councils' files, a corpus of awkward ones, and flat memory."""

from __future__ import annotations

import datetime as dt
import re
import tempfile
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.spend import reading
from portal.spend.normalise import parse_amount, parse_date
from portal.spend.reading import (
    EXTRA,
    FIELDS,
    SpendFileProblem,
    cell_text,
    guess_mapping,
    missing_required,
    read_spend_file,
)

HEADER = "Date,Transaction Number,Net Amount,Supplier Name,Expense Type"


def write(tmp_path, name, content, encoding="utf-8"):
    path = tmp_path / name
    if isinstance(content, str):
        content = content.encode(encoding)
    path.write_bytes(content)
    return path


def read(path, name=None):
    return read_spend_file(path, name or path.name)


# --- the real files ------------------------------------------------------------------------


def test_calderdale(real_file):
    path = real_file("calderdale-spend-2022-08.csv")
    spend = read(path)
    assert spend.encoding == "utf-8"
    assert len(spend.headers) == 23
    mapping = spend.guess_mapping()
    assert mapping.missing == []
    assert mapping["payment_date"] == "Date"
    assert mapping["amount"] == "Net Amount"
    assert mapping["supplier_name"] == "Supplier(Beneficiary) Name"
    assert mapping["transaction_ref"] == "Internal Ref Number"  # not the invoice number
    assert mapping["company_number"] == "Supplier Registered Company Number"
    assert mapping["charity_number"] == "Supplier Registered Charity Number"
    assert mapping["vcse_flag"] == "Voluntary Community and Social Enterprise Supplier"
    assert mapping["body_name"] == "Organisation Name"  # "Body" holds a URI

    rows = list(spend.rows())
    assert len(rows) == 1956
    assert (rows[0].line_number, rows[-1].line_number) == (2, 1957)
    assert all(row.problem is None and EXTRA not in row.values for row in rows)
    amounts = [parse_amount(row.values["Net Amount"]) for row in rows]
    assert sum(amounts) == 1_590_150_875  # £15,901,508.75, to the penny
    assert sum(1 for amount in amounts if amount < 0) == 81
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", row.values["Date"]) for row in rows)
    dates = {parse_date(row.values["Date"]) for row in rows}
    assert min(dates) >= dt.date(2022, 8, 1) and max(dates) <= dt.date(2022, 8, 31)


def test_leeds(real_file):
    path = real_file("leeds-spend-2011-01.csv")
    spend = read(path)
    # Plain ASCII for 1.9 MB, then a Windows-1252 dash: only a whole-file check sees it.
    assert spend.encoding == "cp1252"
    mapping = spend.guess_mapping()
    assert mapping.missing == []
    assert mapping["payment_date"] == "Date paid"
    assert mapping["transaction_ref"] == "Transaction Number"
    assert mapping["service_area"] == "Service label"
    assert mapping["expense_type"] == "Detailed expenditure type"
    assert mapping["body_name"] == "Body name"
    assert "supplier_postcode" not in mapping  # Leeds published no postcodes

    rows = list(spend.rows())
    assert len(rows) == 8837
    assert rows[-1].line_number == 8838
    assert sum(parse_amount(row.values["Net Amount"]) for row in rows) == 6_548_394_563
    assert rows[0].values["Date paid"] == "14-Jan-2011"
    assert parse_date(rows[0].values["Date paid"]) == dt.date(2011, 1, 14)
    assert all(
        re.fullmatch(r"\d{1,2}-[A-Z][a-z]{2}-\d{4}", row.values["Date paid"]) for row in rows
    )
    assert any("\u2013" in value for row in rows for value in row.values.values())  # the dash


def test_salford_register_header_loses_its_misencoded_bom(real_file):
    spend = read(real_file("salford-contracts-2022-07.csv"))
    assert spend.headers[0] == "Directorate Name"
    assert spend.header_cells[0] == "\u00ef\u00bb\u00bfDirectorate Name"  # as written in the file
    rows = list(spend.rows())
    assert len(rows) == 360
    assert rows[0].values["Directorate Name"] == "Place"
    mapping = spend.guess_mapping()
    assert mapping["supplier_name"] == "Supplier Company Name"
    assert mapping["supplier_postcode"] == "Supplier Postcode"
    assert mapping["company_number"] == "Company Number"
    assert mapping["category"] == "ProClass Classification"
    assert mapping.missing == ["payment_date", "amount"]  # a register, not spend: ask the officer


# --- encodings -----------------------------------------------------------------------------


def test_windows_1252_with_pound_signs(tmp_path):
    lines = [HEADER] + [f'17/08/2022,T{n},"£1,234.56",Café Noir Ltd,Catering' for n in range(2000)]
    # A Windows-1252 dash after the first sniffing chunk: proves the whole file decides.
    lines.append("18/08/2022,T9999,£10.00,Smith \u2013 Jones,Catering")
    path = write(tmp_path, "spend.csv", "\r\n".join(lines) + "\r\n", encoding="cp1252")
    assert path.stat().st_size > reading.SNIFF_CHUNK_BYTES
    spend = read(path)
    assert spend.encoding == "cp1252"
    rows = list(spend.rows())
    assert rows[0].values["Net Amount"] == "£1,234.56"
    assert parse_amount(rows[0].values["Net Amount"]) == 123456
    assert rows[0].values["Supplier Name"] == "Café Noir Ltd"
    assert rows[-1].values["Supplier Name"] == "Smith \u2013 Jones"
    assert rows[-1].line_number == 2002


def test_utf8_with_bom(tmp_path):
    path = write(
        tmp_path, "spend.csv", "\ufeff" + HEADER + "\n17/08/2022,T1,£5.00,Café Noir,Food\n"
    )
    spend = read(path)
    assert spend.encoding == "utf-8-sig"
    assert spend.headers[0] == "Date"
    assert next(spend.rows()).values["Supplier Name"] == "Café Noir"


def test_utf8_character_split_across_sniffing_chunks_stays_utf8(tmp_path):
    body = HEADER + "\n"
    filler = "17/08/2022,T1,5.00,Acme,Food\n"
    while len(body.encode()) < reading.SNIFF_CHUNK_BYTES - 100:
        body += filler
    pad = reading.SNIFF_CHUNK_BYTES - 1 - len(body.encode()) - len("17/08/2022,T2,5.00,Caf")
    body += "17/08/2022,T2,5.00,Caf" + "f" * pad + "é,Food\n"  # "é" straddles the boundary
    path = write(tmp_path, "spend.csv", body)
    assert (
        path.read_bytes()[reading.SNIFF_CHUNK_BYTES - 1 : reading.SNIFF_CHUNK_BYTES + 1]
        == "é".encode()
    )
    assert read(path).encoding == "utf-8"


def test_bytes_neither_utf8_nor_windows_1252_are_refused(tmp_path):
    path = write(
        tmp_path, "spend.csv", (HEADER + "\n17/08/2022,T1,5.00,Ac\x81me,Food\n").encode("latin-1")
    )
    with pytest.raises(
        SpendFileProblem, match="byte 0x81 on line 2, which is neither UTF-8 nor Windows-1252"
    ):
        read(path)


def test_nul_bytes_are_refused(tmp_path):
    path = write(tmp_path, "spend.csv", HEADER + "\n17/08/2022,T1,5.00,Acme,Food\n17/08\x00/2022\n")
    with pytest.raises(SpendFileProblem, match="spend.csv has a NUL byte on line 3"):
        read(path)


def test_utf16_is_refused_with_advice(tmp_path):
    path = write(tmp_path, "spend.csv", HEADER.encode("utf-16"))
    with pytest.raises(SpendFileProblem, match="UTF-16.*save it as 'CSV UTF-8'"):
        read(path)


# --- layout --------------------------------------------------------------------------------


def test_title_rows_and_blank_rows_before_the_header(tmp_path):
    content = (
        "Calderdale Council\n"
        "Spend over £500, August 2022,,,\n"
        "\n"
        ",,,,\n"
        f"{HEADER}\n"
        "17/08/2022,T1,5.00,Acme,Food\n"
        ",,,,\n"
        "\n"
        "18/08/2022,T2,6.00,Acme,Food\n"
    )
    spend = read(write(tmp_path, "spend.csv", content))
    assert spend.header_line == 5
    assert spend.headers == [
        "Date",
        "Transaction Number",
        "Net Amount",
        "Supplier Name",
        "Expense Type",
    ]
    assert [row.line_number for row in spend.rows()] == [6, 9]


def test_repeated_header_rows_mid_file_are_skipped(tmp_path):
    content = f"{HEADER}\n17/08/2022,T1,5.00,Acme,Food\n{HEADER}\n DATE , transaction number,Net Amount,Supplier Name,Expense Type\n18/08/2022,T2,6.00,Acme,Food\n"
    rows = list(read(write(tmp_path, "spend.csv", content)).rows())
    assert [(row.line_number, row.values["Transaction Number"]) for row in rows] == [
        (2, "T1"),
        (5, "T2"),
    ]


def test_rows_with_the_wrong_number_of_cells_are_returned_and_marked(tmp_path):
    content = (
        f"{HEADER}\n"
        "17/08/2022,T1,5.00,Acme,Food,surprise,more\n"
        "17/08/2022,T2,5.00\n"
        "17/08/2022,T3,5.00,Acme,Food,,\n"  # blank padding cells are not a problem
        "17/08/2022,T4,5.00,Acme,Food\n"
    )
    rows = list(read(write(tmp_path, "spend.csv", content)).rows())
    long, short, padded, fine = rows
    assert long.values[EXTRA] == "surprise, more"
    assert long.values["Expense Type"] == "Food"
    assert long.problem == "line 2 has 7 cells, the header has 5"
    assert short.values["Supplier Name"] == "" and short.values["Expense Type"] == ""
    assert short.problem == "line 3 has 3 cells, the header has 5"
    assert padded.problem is None and EXTRA not in padded.values
    assert fine.problem is None


def test_a_quoted_cell_over_two_lines_is_one_row(tmp_path):
    content = f'{HEADER}\n17/08/2022,T1,5.00,"Acme\nHoldings",Food\n18/08/2022,T2,6.00,Acme,Food\n'
    rows = list(read(write(tmp_path, "spend.csv", content)).rows())
    assert rows[0].values["Supplier Name"] == "Acme\nHoldings"
    assert [row.line_number for row in rows] == [2, 3]  # Excel's row numbers


def test_excel_serial_dates_in_a_csv(tmp_path):
    content = f"{HEADER}\n44790,T1,5.00,Acme,Food\n44790.0,T2,5.00,Acme,Food\n"
    rows = list(read(write(tmp_path, "spend.csv", content)).rows())
    assert [parse_date(row.values["Date"]) for row in rows] == [dt.date(2022, 8, 17)] * 2


def test_semicolons_and_tabs_are_understood(tmp_path):
    for delimiter in (";", "\t"):
        content = (
            HEADER.replace(",", delimiter)
            + "\n"
            + delimiter.join(["17/08/2022", "T1", "1,234.00", "Acme", "Food"])
            + "\n"
        )
        spend = read(write(tmp_path, "spend.csv", content))
        assert spend.delimiter == delimiter
        assert next(spend.rows()).values["Net Amount"] == "1,234.00"


def test_duplicate_and_unnamed_columns_get_names(tmp_path):
    content = "Date,Amount,Supplier,Amount,,Notes,,\n17/08/2022,1,Acme,2,x,y,,\n"
    spend = read(write(tmp_path, "spend.csv", content))
    assert spend.headers == ["Date", "Amount", "Supplier", "Amount (2)", "Column 5", "Notes"]
    row = next(spend.rows())
    assert row.values["Amount (2)"] == "2" and row.values["Column 5"] == "x"
    assert row.problem is None


def test_rows_can_be_read_twice(tmp_path):
    spend = read(write(tmp_path, "spend.csv", f"{HEADER}\n17/08/2022,T1,5.00,Acme,Food\n"))
    assert list(spend.rows()) == list(spend.rows())


# --- refusals ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.csv", b"", "empty.csv is empty"),
        ("blank.csv", b"\r\n\r\n,,,\r\n  \r\n", "blank.csv is empty"),
        (
            "noheader.csv",
            b"17/08/2022,T1,5.00,Acme,Food\n18/08/2022,T2,6.00,Acme,Food\n",
            "noheader.csv has no header row we recognise in its first 20 lines",
        ),
        (
            "late.csv",
            b"title\n" * 20 + HEADER.encode() + b"\n",
            "late.csv has no header row we recognise",
        ),
        (
            "image.csv",
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(100),
            "image.csv is a PNG image, not a spreadsheet",
        ),
        (
            "old.xlsx",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500),
            "old-style Excel .xls workbook",
        ),
        ("report.csv", b"%PDF-1.7\n", "report.csv is a PDF document"),
        ("spend.pdf", b"%PDF-1.7\n", "spend.pdf is not a CSV \\(.csv\\) or Excel \\(.xlsx\\) file"),
        ("spend", HEADER.encode(), "spend is not a CSV"),
        (
            "spend.xlsx",
            (HEADER + "\n").encode(),
            "spend.xlsx is called .xlsx but is not an Excel workbook: if it is a CSV file, name it .csv",
        ),
    ],
)
def test_refusals(tmp_path, name, content, message):
    with pytest.raises(SpendFileProblem, match=message):
        read(write(tmp_path, name, content))


def test_other_zips_are_refused(tmp_path):
    path = tmp_path / "spend.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("spend.csv", HEADER)
    with pytest.raises(
        SpendFileProblem, match="spend.xlsx is a zip archive, not an Excel workbook"
    ):
        read(path)


def test_damaged_zip_is_refused(tmp_path):
    with pytest.raises(SpendFileProblem, match="damaged zip archive"):
        read(write(tmp_path, "spend.xlsx", b"PK\x03\x04" + b"junk" * 50))


def _bomb(path, size, member="xl/worksheets/sheet1.xml"):
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open(member, "w", force_zip64=True) as stream:
            block = b"\0" * (1024 * 1024)
            for _ in range(size // len(block)):
                stream.write(block)
    return path


def test_zip_bomb_over_the_size_limit_is_refused(tmp_path):
    path = _bomb(tmp_path / "bomb.xlsx", reading.MAX_UNCOMPRESSED_BYTES + 1024 * 1024)
    assert path.stat().st_size < 1024 * 1024  # a few hundred kB on disk
    with pytest.raises(SpendFileProblem, match="would unpack to 201 MB, over the 200 MB limit"):
        read(path)


def test_zip_bomb_by_compression_ratio_is_refused(tmp_path):
    path = _bomb(tmp_path / "bomb.xlsx", 20 * 1024 * 1024)
    with pytest.raises(
        SpendFileProblem, match="compressed over 100 to 1: it looks like a zip bomb"
    ):
        read(path)


def test_zip_bomb_named_csv_is_refused_as_a_bomb(tmp_path):
    path = _bomb(tmp_path / "bomb.csv", 20 * 1024 * 1024)
    with pytest.raises(SpendFileProblem, match="zip bomb"):
        read(path)


# --- XLSX ----------------------------------------------------------------------------------


def _workbook(path, sheets):
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


XLSX_ROWS = [
    ["Spend over £500 - August 2022"],
    [],
    [
        "Payment Date",
        "Transaction ID",
        "Amount (£)",
        "Supplier",
        "Supplier Postcode",
        "Company Number",
    ],
    [dt.datetime(2022, 8, 17), 31651681, 4101.36, "Achieve Together Ltd", "s60 1ae", 2535986],
    [dt.date(2022, 8, 18), "T2", -438.8, "Acme", None, None],
    [],
    [dt.datetime(2022, 8, 19, 13, 45), "T3", 0.1 + 0.2, "Acme", "M8 0RY", "SC012345"],
    [
        "Payment Date",
        "Transaction ID",
        "Amount (£)",
        "Supplier",
        "Supplier Postcode",
        "Company Number",
    ],
    [44792, "T4", 1e16 / 1e6, "Acme"],
]


def test_xlsx_made_with_openpyxl(tmp_path):
    path = _workbook(
        tmp_path / "spend.xlsx",
        [("Notes", [["Read me first"], ["Nothing here"]]), ("Spend", XLSX_ROWS)],
    )
    spend = read(path)
    assert (spend.kind, spend.sheet_name, spend.header_line, spend.encoding) == (
        "xlsx",
        "Spend",
        3,
        None,
    )
    mapping = spend.guess_mapping()
    assert mapping.missing == []
    assert (mapping["payment_date"], mapping["amount"], mapping["transaction_ref"]) == (
        "Payment Date",
        "Amount (£)",
        "Transaction ID",
    )
    rows = list(spend.rows())
    assert [row.line_number for row in rows] == [4, 5, 7, 9]
    assert rows[0].values == {
        "Payment Date": "2022-08-17",
        "Transaction ID": "31651681",
        "Amount (£)": "4101.36",
        "Supplier": "Achieve Together Ltd",
        "Supplier Postcode": "s60 1ae",
        "Company Number": "2535986",
    }
    assert rows[1].values["Amount (£)"] == "-438.8"
    assert rows[1].values["Supplier Postcode"] == ""
    assert rows[2].values["Payment Date"] == "2022-08-19 13:45:00"
    assert rows[2].values["Amount (£)"] == "0.3"  # what Excel shows, not 0.30000000000000004
    assert rows[3].values["Amount (£)"] == "10000000000"
    assert (
        rows[3].values["Supplier Postcode"] == "" and rows[3].problem is None
    )  # Excel omits empty cells
    assert [parse_date(row.values["Payment Date"]) for row in rows] == [
        dt.date(2022, 8, 17),
        dt.date(2022, 8, 18),
        dt.date(2022, 8, 19),
        dt.date(2022, 8, 19),
    ]
    assert (
        sum(parse_amount(row.values["Amount (£)"]) for row in rows)
        == 410136 - 43880 + 30 + 1_000_000_000_000
    )


def test_xlsx_named_csv_is_refused(tmp_path):
    path = _workbook(tmp_path / "spend.csv", [("Spend", XLSX_ROWS)])
    with pytest.raises(
        SpendFileProblem,
        match="spend.csv is called .csv but is an Excel workbook: upload it with its .xlsx name",
    ):
        read(path)


def test_xlsx_without_a_header(tmp_path):
    path = _workbook(tmp_path / "spend.xlsx", [("Sheet", [["just", "some", "words"]])])
    with pytest.raises(SpendFileProblem, match="no header row we recognise"):
        read(path)


def test_xlsx_without_data(tmp_path):
    path = _workbook(tmp_path / "spend.xlsx", [("Sheet", [])])
    with pytest.raises(SpendFileProblem, match="spend.xlsx has no data in any sheet"):
        read(path)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (True, "TRUE"),
        (4101.36, "4101.36"),
        (2535986.0, "2535986"),
        (12, "12"),
        (1e16, "10000000000000000"),
        (-0.5, "-0.5"),
        (dt.datetime(2022, 8, 17), "2022-08-17"),
        (dt.date(2011, 1, 14), "2011-01-14"),
        ("  text ", "  text "),
    ],
)
def test_cell_text(value, text):
    assert cell_text(value) == text


# --- guessing the mapping ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Date", "payment_date"),
        ("Date paid", "payment_date"),
        ("Payment Date", "payment_date"),
        ("TRANSACTION DATE", "payment_date"),
        ("Net Amount", "amount"),
        ("Amount", "amount"),
        ("Amount (£)", "amount"),
        ("Value", "amount"),
        ("Supplier(Beneficiary) Name", "supplier_name"),
        ("Supplier name", "supplier_name"),
        ("Supplier", "supplier_name"),
        ("Beneficiary", "supplier_name"),
        ("Supplier Company Name", "supplier_name"),
        ("Transaction Number", "transaction_ref"),
        ("Internal Ref Number", "transaction_ref"),
        ("Transaction ID", "transaction_ref"),
        ("Reference", "transaction_ref"),
        ("Invoice Number", "transaction_ref"),
        ("Expense Type", "expense_type"),
        ("Expenditure category", "expense_type"),
        ("Detailed expenditure type", "expense_type"),
        ("Expense Code", "expense_type"),
        ("Service Area", "service_area"),
        ("Service label", "service_area"),
        ("Expense Area", "service_area"),
        ("Directorate", "service_area"),
        ("Service division label", "service_area"),
        ("Proclass", "category"),
        ("ProClass Classification", "category"),
        ("CPV", "category"),
        ("Procurement Classification: Council's Procurement Category Name", "category"),
        ("Procurement Category", "category"),
        ("Supplier Postcode", "supplier_postcode"),
        ("Postcode", "supplier_postcode"),
        ("Supplier Registered Company Number", "company_number"),
        ("Company Number", "company_number"),
        ("Company Reg No", "company_number"),
        ("Supplier Registered Charity Number", "charity_number"),
        ("Charity Number", "charity_number"),
        ("Voluntary Community and Social Enterprise Supplier", "vcse_flag"),
        ("VCSE", "vcse_flag"),
        ("SME/VCSE", "vcse_flag"),
        ("Supplier ID", "supplier_ref"),
        ("Body name", "body_name"),
        ("Organisation Name", "body_name"),
    ],
)
def test_guess_mapping_recognises(header, field):
    assert guess_mapping([header]) == {field: header}
    assert guess_mapping([f"  {header.upper()}  "]) == {field: f"  {header.upper()}  "}


def test_guess_mapping_prefers_the_better_column():
    mapping = guess_mapping(
        ["Invoice Number", "Supplier", "Transaction Number", "Amount", "Net Amount"]
    )
    assert mapping["transaction_ref"] == "Transaction Number"
    assert mapping["amount"] == "Net Amount"
    assert guess_mapping(["Invoice Number"])["transaction_ref"] == "Invoice Number"


def test_guess_mapping_says_what_is_missing():
    mapping = guess_mapping(["Body", "Supplier Name", "Widget"])
    assert mapping == {"supplier_name": "Supplier Name"}
    assert mapping.missing == ["payment_date", "amount"]
    mapping["payment_date"] = "Widget"  # the officer chose a column
    assert missing_required(mapping) == ["amount"]
    assert set(guess_mapping([]).missing) == {"payment_date", "amount", "supplier_name"}
    assert set(FIELDS) >= set(reading.REQUIRED_FIELDS)


def test_guess_mapping_never_uses_a_column_twice():
    mapping = guess_mapping(
        [
            "Supplier Registered Company Number",
            "Supplier Registered Charity Number",
            "Supplier Company Name",
        ]
    )
    assert mapping == {
        "supplier_name": "Supplier Company Name",
        "company_number": "Supplier Registered Company Number",
        "charity_number": "Supplier Registered Charity Number",
    }


# --- memory --------------------------------------------------------------------------------


def test_memory_stays_flat_on_a_large_file(tmp_path):
    path = tmp_path / "big.csv"
    with path.open("w", encoding="utf-8", newline="") as stream:
        stream.write(HEADER + ",Notes\n")
        for n in range(200_000):
            stream.write(
                f'{n % 28 + 1:02d}/08/2022,T{n:07d},"£{n % 9000 + 500:,}.{n % 100:02d}",Supplier number {n % 5000} Ltd,Catering,some notes about line {n}\n'
            )
    size = path.stat().st_size
    assert size > 15 * 1024 * 1024

    tracemalloc.start()  # traces every allocation (slow): keep the loop body small
    try:
        spend = read(path)
        count = sampled = 0
        for row in spend.rows():
            count += 1
            if count % 1000 == 0:  # parse a sample: reading, not parsing, is under test
                sampled += parse_amount(row.values["Net Amount"])
        last_line = row.line_number
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (count, last_line) == (200_000, 200_001)
    assert sampled == sum((n % 9000 + 500) * 100 + n % 100 for n in range(999, 200_000, 1000))
    assert peak < 3 * 1024 * 1024, f"peak {peak:,} bytes reading a {size:,}-byte file"
    assert peak < size / 10


# --- more awkward files --------------------------------------------------------------------


def test_concatenated_months_repeat_the_header_with_its_bom(tmp_path):
    month = "\ufeff" + HEADER + "\r\n17/08/2022,T1,5.00,Acme,Food\r\n"
    rows = list(read(write(tmp_path, "spend.csv", month + month)).rows())
    assert [row.line_number for row in rows] == [2, 4]


def test_old_mac_line_endings(tmp_path):
    content = f"{HEADER}\r17/08/2022,T1,5.00,Acme,Food\r18/08/2022,T2,6.00,Acme,Food\r"
    rows = list(read(write(tmp_path, "spend.csv", content)).rows())
    assert [(row.line_number, row.values["Transaction Number"]) for row in rows] == [
        (2, "T1"),
        (3, "T2"),
    ]


def test_an_endless_line_is_refused_before_csv_reads_it(tmp_path):
    content = HEADER + "\n" + "x" * (reading.MAX_LINE_BYTES + 10)
    with pytest.raises(SpendFileProblem, match="has a line over 1 MB long near line 2"):
        read(write(tmp_path, "spend.csv", content))


def test_a_cell_over_the_csv_field_limit_is_refused_clearly(tmp_path):
    content = f'{HEADER}\n17/08/2022,T1,5.00,"{"x" * 200_000}",Food\n'
    spend = read(write(tmp_path, "spend.csv", content))
    with pytest.raises(SpendFileProblem, match="stops being a readable CSV file near line 2"):
        list(spend.rows())


def test_a_workbook_with_a_broken_sheet_is_refused(tmp_path):
    good = _workbook(tmp_path / "good.xlsx", [("Spend", XLSX_ROWS)])
    broken = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(broken, "w") as target:
        for member in source.infolist():
            data = source.read(member)
            if member.filename.startswith("xl/worksheets/"):
                data = data[: len(data) // 2]  # cut the sheet's XML in half
            target.writestr(member, data)
    with pytest.raises(SpendFileProblem, match="broken.xlsx"):
        read(broken)


@given(
    st.one_of(
        st.binary(max_size=2000),
        st.lists(
            st.sampled_from([HEADER, "17/08/2022,T1,5.00,Acme,Food", "", ",,", '"', "\ufeff", "£"])
        )
        .map("\n".join)
        .map(str.encode),
    ),
    st.sampled_from(["spend.csv", "spend.xlsx"]),
)
def test_any_bytes_give_rows_or_a_spend_file_problem(content, name):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        try:
            spend = read_spend_file(path, name)
            rows = list(spend.rows())
        except SpendFileProblem:
            return
        assert all(set(spend.headers) <= set(row.values) for row in rows)


def test_a_row_starting_like_the_header_is_still_data(tmp_path):
    # The repeated-header test is remembered per first cell; a row sharing only that cell with
    # the header must still be read, before and after a real repeated header.
    content = f"{HEADER}\nDate,T1,5.00,Acme,Food\n{HEADER}\nDate,T2,6.00,Acme,Food\n"
    rows = list(read(write(tmp_path, "spend.csv", content)).rows())
    assert [(row.line_number, row.values["Transaction Number"]) for row in rows] == [(2, "T1"), (4, "T2")]
