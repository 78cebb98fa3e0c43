"""The cell normalisers: what they accept, what they refuse and with which words."""

from __future__ import annotations

import csv
import datetime as dt

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from portal.spend.normalise import (
    format_pence,
    normalise_charity_number,
    normalise_company_number,
    normalise_postcode,
    normalise_supplier_name,
    parse_amount,
    parse_date,
    parse_yes_no,
    postcode_district,
)

# --- amounts -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "pence"),
    [
        ("£1,234.56", 123456),
        ("1234.5", 123450),
        ("-438.80", -43880),
        ("(438.80)", -43880),
        ("£-12", -1200),
        ("-£12", -1200),
        (" 1 234.00 ", 123400),
        ("438.80CR", -43880),
        ("438.80 CR", -43880),
        ("438.80 cr", -43880),
        ("438.80-", -43880),
        ("12.340", 1234),
        ("0.5", 50),
        ("£ 1,000,000", 100000000),
        ("0", 0),
        ("-0.00", 0),
        ("10000000000", 10_000_000_000 * 100),  # exactly £10bn is allowed
        ("\u00a01\u00a0234.56", 123456),  # non-breaking spaces from a web page
        ("\u2212438.80", -43880),  # a typographic minus
    ],
)
def test_parse_amount_accepts(text, pence):
    assert parse_amount(text) == pence
    assert isinstance(parse_amount(text), int)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "amount is blank"),
        ("   ", "amount is blank"),
        ("12,34.5x", "amount '12,34.5x' is not a sum of money"),
        ("abc", "is not a sum of money"),
        ("12,34.56", "is not a sum of money"),  # thousands in the wrong places
        ("1.234,56", "is not a sum of money"),  # continental notation
        ("1e5", "is not a sum of money"),
        ("£", "is not a sum of money"),
        ("12.345", "amount '12.345' is not a whole number of pence"),
        ("12.3450", "is not a whole number of pence"),
        ("1.0000000000000000000000000000001", "is not a whole number of pence"),
        ("10000000000.01", "is over £10bn"),
        ("-99999999999999999999", "is over £10bn"),
        ("(-5)", "more than one minus sign"),
        ("٣٤", "is not a sum of money"),  # Arabic-Indic digits are not in any UK ledger
    ],
)
def test_parse_amount_refuses(text, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_amount(text)


def test_parse_amount_never_uses_float_for_cells_given_as_floats():
    assert parse_amount(4101.36) == 410136
    with pytest.raises(ValueError, match="whole number of pence"):
        parse_amount(0.1 + 0.2)  # 0.30000000000000004 is not a whole number of pence


_pence = st.integers(min_value=-10_000_000_000 * 100, max_value=10_000_000_000 * 100)


@given(
    _pence, st.sampled_from(["{plain}", "{money}", "({abs_money})", "{abs_plain} CR", " {plain} "])
)
def test_parse_amount_round_trips_formatted_pence(pence, layout):
    pounds, pennies = divmod(abs(pence), 100)
    sign = "-" if pence < 0 else ""
    plain = f"{sign}{pounds}.{pennies:02d}"
    text = layout.format(
        plain=plain,
        money=format_pence(pence),
        abs_money=format_pence(abs(pence)),
        abs_plain=f"{pounds:,}.{pennies:02d}",
    )
    expected = -abs(pence) if ("(" in layout or "CR" in layout) else pence
    assert parse_amount(text) == expected


@given(st.text())
@example("\x00")
@example("(")
@example("()")
@example("CR")
@example(".")
@example("1" * 5000)
def test_parse_amount_raises_only_value_error(text):
    try:
        assert isinstance(parse_amount(text), int)
    except ValueError:
        pass


# --- dates ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("17/08/2022", dt.date(2022, 8, 17)),
        ("1/2/22", dt.date(2022, 2, 1)),
        ("01/02/2022", dt.date(2022, 2, 1)),  # UK order: 1 February, never 2 January
        ("17-08-2022", dt.date(2022, 8, 17)),
        ("17.08.2022", dt.date(2022, 8, 17)),
        ("17/08/2022 00:00", dt.date(2022, 8, 17)),
        ("2022-08-17", dt.date(2022, 8, 17)),
        ("2022-08-17 00:00:00", dt.date(2022, 8, 17)),
        ("2022-08-17T13:45:00", dt.date(2022, 8, 17)),
        ("2022-08-17T13:45:00Z", dt.date(2022, 8, 17)),
        ("14-Jan-2011", dt.date(2011, 1, 14)),
        ("14 Jan 2011", dt.date(2011, 1, 14)),
        ("14-January-2011", dt.date(2011, 1, 14)),
        ("14-jan-11", dt.date(2011, 1, 14)),
        ("5 Sept 2022", dt.date(2022, 9, 5)),
        ("44790", dt.date(2022, 8, 17)),
        ("44790.0", dt.date(2022, 8, 17)),
        ("44790.75", dt.date(2022, 8, 17)),  # a time of day does not move the date
        ("32874", dt.date(1990, 1, 1)),
        (44790.0, dt.date(2022, 8, 17)),
        (dt.date(2022, 8, 17), dt.date(2022, 8, 17)),
        (dt.datetime(2022, 8, 17, 9, 30), dt.date(2022, 8, 17)),
        (" 29/02/2024 ", dt.date(2024, 2, 29)),
    ],
)
def test_parse_date_accepts(text, day):
    assert parse_date(text) == day


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "date is blank"),
        ("08/17/2022", "has no month 17 \\(dates are read day/month/year\\)"),
        ("31/02/2022", "does not exist: there is no day 31 in that month"),
        ("29/02/2023", "does not exist"),
        ("00/01/2022", "does not exist"),
        ("14-Foo-2011", "'Foo' is not a month"),
        ("yesterday", "is not a date we can read: write it as dd/mm/yyyy"),
        ("2022/17/08", "has no month 17"),
        ("12345", "is a number, not a date between 1990 and 2100"),
        ("99999", "is a number, not a date"),
        ("17/08/20222", "is not a date we can read"),
        ("17/08/1022", "is in the year 1022"),
    ],
)
def test_parse_date_refuses(text, message):
    with pytest.raises(ValueError, match=message):
        parse_date(text)


def test_excel_serials_follow_excel_including_its_1900_leap_year_bug():
    # Excel shows 61 as 1 March 1900 and 59 as 28 February 1900; 60 is its phantom 29 Feb.
    from portal.spend.normalise import _excel_serial

    assert _excel_serial(1) == dt.date(1900, 1, 1)
    assert _excel_serial(59) == dt.date(1900, 2, 28)
    assert _excel_serial(61) == dt.date(1900, 3, 1)
    with pytest.raises(ValueError, match="never existed"):
        _excel_serial(60)
    assert _excel_serial(44790) == dt.date(2022, 8, 17)


@given(st.text())
@example("99/99/9999")
@example("0000-00-00")
@example("31-Feb-2022")
@example("00000")
def test_parse_date_raises_only_value_error(text):
    try:
        assert isinstance(parse_date(text), dt.date)
    except ValueError:
        pass


# --- postcodes -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "postcode", "district"),
    [
        ("s60 1ae", "S60 1AE", "S60"),
        ("S601AE", "S60 1AE", "S60"),
        ("  s60   1ae ", "S60 1AE", "S60"),
        ("M1 1AE", "M1 1AE", "M1"),
        ("m81ry", "M8 1RY", "M8"),
        ("LA14 2TB", "LA14 2TB", "LA14"),
        ("EC1A 1BB", "EC1A 1BB", "EC1A"),
        ("W1A 0AX", "W1A 0AX", "W1A"),
        ("DN55 1PT", "DN55 1PT", "DN55"),
        ("gir0aa", "GIR 0AA", "GIR"),
    ],
)
def test_normalise_postcode(text, postcode, district):
    assert normalise_postcode(text) == postcode
    assert postcode_district(text) == district


@pytest.mark.parametrize(
    "text",
    ["", "Various", "12345", "S60", "QA1 1AA", "S60 1CE", "S60 1AEX", "S60-1AE", "ＳＶ１ １ＡＡ"],
)
def test_normalise_postcode_refuses(text):
    with pytest.raises(ValueError, match="postcode"):
        normalise_postcode(text)


_postcode_like = st.from_regex(r"\A[A-Za-z]{1,2}[0-9][0-9A-Za-z]? ?[0-9][A-Za-z]{2}\Z")


@given(st.one_of(st.text(), _postcode_like))
def test_normalise_postcode_is_idempotent_and_raises_only_value_error(text):
    try:
        postcode = normalise_postcode(text)
    except ValueError:
        return
    assert normalise_postcode(postcode) == postcode
    assert postcode_district(postcode) == postcode.split(" ")[0]


# --- company and charity numbers -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("2535986", "02535986"),
        ("02535986", "02535986"),
        (" 9871073 ", "09871073"),
        ("sc 12345", "SC012345"),
        ("SC249935", "SC249935"),
        ("NI050833", "NI050833"),
        ("OC305934", "OC305934"),
        ("R0123456", "R0123456"),
        ("IP29627R", "IP29627R"),
        ("'01234567", "01234567"),
        ("", None),
        ("N/A", None),
        ("0", None),
        ("-", None),
        ("Various", None),
    ],
)
def test_normalise_company_number(text, number):
    assert normalise_company_number(text) == number


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("ACME", "is not a Companies House number"),
        ("123456789", "is not a Companies House number"),
        ("XX123456", "is not a Companies House number"),
        ("CHA1049226", "is not a Companies House number"),  # a charity number in Salford's file
        ("RO 34737997", "is not a Companies House number"),  # letter O, and too many digits
        ("31552R", "Mutuals Public Register number"),
    ],
)
def test_normalise_company_number_refuses(text, message):
    with pytest.raises(ValueError, match=message):
        normalise_company_number(text)


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("1123456", "1123456"),
        ("216250", "216250"),
        ("1123456-1", "1123456-1"),
        ("1123456 - 01", "1123456-1"),
        ("sc12345", "SC012345"),
        ("SC 012345", "SC012345"),
        ("NIC100002", "NIC100002"),
        ("", None),
        ("N/A", None),
    ],
)
def test_normalise_charity_number(text, number):
    assert normalise_charity_number(text) == number


@pytest.mark.parametrize(
    "text", ["12345", "Registered Charity", "123456789", "1123456-", "SC1234567"]
)
def test_normalise_charity_number_refuses(text):
    with pytest.raises(ValueError, match="is not a registered charity number"):
        normalise_charity_number(text)


def test_company_numbers_in_the_real_files(real_file):
    """Calderdale's company numbers all normalise; Salford's column shows what officers type."""
    with real_file("calderdale-spend-2022-08.csv").open(encoding="utf-8", newline="") as stream:
        numbers = [row["Supplier Registered Company Number"] for row in csv.DictReader(stream)]
    cleaned = [normalise_company_number(number) for number in numbers]
    assert sum(1 for number in cleaned if number) == 326
    assert all(len(number) == 8 for number in cleaned if number)

    with real_file("salford-contracts-2022-07.csv").open(encoding="utf-8", newline="") as stream:
        numbers = [row["Company Number"] for row in csv.DictReader(stream)]
    refused = []
    for number in numbers:
        try:
            normalise_company_number(number)
        except ValueError:
            refused.append(number)
    # Charity numbers, FCA register numbers, two numbers in one cell: said, not guessed.
    assert {"CHA1049226", "31552R", "RO 34737997", "Registered Charity"} <= set(refused)
    assert len(refused) < len(numbers) // 10


# --- supplier names ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "spellings",
    [
        ["ACME LTD", "Acme Limited", "The Acme Ltd.", "acme  ltd", "ACME PLC", "Acme"],
        ["A & A ELECTRICAL DISTRIBUTORS LTD", "A&A Electrical Distributors Limited"],
        ["O'Brien Builders", "OBRIEN BUILDERS LTD"],
        ["Café Noir", "CAFE NOIR LIMITED"],
        ["Smith & Co. Ltd", "SMITH AND CO LIMITED"],
        ["Keolis Amey Metrolink Limited", "KEOLIS AMEY METROLINK LTD"],
        ["J Smith t/a Smith Plumbing", "J SMITH TRADING AS SMITH PLUMBING"],
        ["Green Futures CIC", "Green Futures Community Interest Company"],
        ["Cwmni Da Cyf", "CWMNI DA CYFYNGEDIG"],
    ],
)
def test_supplier_name_spellings_meet(spellings):
    keys = {normalise_supplier_name(name) for name in spellings}
    assert len(keys) == 1, keys


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("A ANDREWS & SONS (MARBLES & TILES)", "a andrews and sons marbles and tiles"),
        ("The Ltd", "ltd"),  # never stripped to nothing
        ("Limited", "limited"),
        ("The", "the"),
        ("Achieve Together Ltd", "achieve together"),
        (
            "Smith Ltd (in administration)",
            "smith ltd in administration",
        ),  # suffixes only at the end
    ],
)
def test_supplier_name_key(name, key):
    assert normalise_supplier_name(name) == key


@pytest.mark.parametrize("name", ["", "   ", "!!!", "(-)"])
def test_supplier_name_refuses_blank(name):
    with pytest.raises(ValueError, match="supplier name"):
        normalise_supplier_name(name)


def test_supplier_names_keys_group_the_leeds_file(real_file):
    """Leeds writes names in capitals with "&": keys group spellings, never split one name."""
    with real_file("leeds-spend-2011-01.csv").open(encoding="cp1252", newline="") as stream:
        names = {row["Supplier name"] for row in csv.DictReader(stream)}
    keys = {normalise_supplier_name(name) for name in names}
    assert len(keys) <= len(names)
    assert normalise_supplier_name("A & A ELECTRICAL DISTRIBUTORS LTD") in keys


@given(st.text())
@example("The The Ltd Ltd")
@example("ß Ltd")
@example("ﬀ the ltd")
@example("the\u0130")
def test_normalise_supplier_name_is_idempotent(text):
    try:
        key = normalise_supplier_name(text)
    except ValueError:
        return
    assert normalise_supplier_name(key) == key


# --- yes / no ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("Y", True),
        ("Yes", True),
        ("yes", True),
        ("TRUE", True),
        ("1", True),
        ("N", False),
        ("No", False),
        ("FALSE", False),
        ("0", False),
        ("", None),
        ("N/A", None),
        ("Various", None),
        (" ", None),
    ],
)
def test_parse_yes_no(text, flag):
    assert parse_yes_no(text) is flag


def test_parse_yes_no_refuses_anything_else():
    with pytest.raises(ValueError, match="'Noo' is not yes or no"):
        parse_yes_no("Noo")  # a real cell in Salford's register


def test_vcse_flags_in_calderdale(real_file):
    with real_file("calderdale-spend-2022-08.csv").open(encoding="utf-8", newline="") as stream:
        flags = [
            parse_yes_no(row["Voluntary Community and Social Enterprise Supplier"])
            for row in csv.DictReader(stream)
        ]
    assert flags.count(True) == 165
    assert flags.count(None) == len(flags) - 165


# --- the plain-amount fast path ------------------------------------------------------------


@given(st.from_regex(r"-?[0-9]{1,12}(\.[0-9]{1,2})?", fullmatch=True))
@example("99999999999.99")  # plain, but over £10bn: the general parser must refuse it
@example("-0.00")
def test_plain_amounts_read_fast_agree_with_the_general_parser(text):
    # Padded, the same text goes through the general parser: both must agree, errors included.
    def outcome(cell):
        try:
            return parse_amount(cell)
        except ValueError as error:
            return str(error).replace(repr(f" {text} "), repr(text))

    assert outcome(text) == outcome(f" {text} ")


@pytest.mark.parametrize("text", ["2022/04/01", "20220401", "2022.04.01", "2022-4-1 10:00"])
def test_year_first_dates_as_ledgers_export_them(text):
    assert parse_date(text) == dt.date(2022, 4, 1)


@pytest.mark.parametrize("text", ["2022041", "202204011", "20221301"])
def test_a_run_of_digits_that_is_no_date_is_refused(text):
    with pytest.raises(ValueError):
        parse_date(text)
