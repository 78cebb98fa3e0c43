"""Turn the text of one spend-file cell into a clean value, or say in plain words why not.

Every function here takes what a partner typed (or what their finance system exported) and
either returns a normalised value or raises ``ValueError`` with a message written for the
officer who uploaded the file, e.g. "amount '12,34.5x' is not a sum of money".
No database, no Flask: these are called once per cell, millions of times a year.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

# A single payment above this is a typo (or a misplaced column), not spend: £10bn in pence.
MAX_AMOUNT_PENCE = 10_000_000_000 * 100

# Cells that mean "nothing to say here" in real files (Salford writes "Various", Calderdale "N/A").
# fmt: off
_BLANKS = {
    "", "N/A", "NA", "N.A.", "N/K", "NONE", "NULL", "NIL", "-", "--", "UNKNOWN", "TBC", "VARIOUS",
}
# fmt: on

# Unicode spaces that finance exports use as thousands separators or padding.
_SPACES = "\u00a0\u2007\u2009\u202f"


def _show(text: object) -> str:
    """Quote what the user gave, cut short so a junk cell cannot flood an error page."""
    shown = str(text)
    if len(shown) > 40:
        shown = shown[:37] + "..."
    return f"'{shown}'"


def _clean(text: object) -> str:
    value = "" if text is None else str(text)
    for space in _SPACES:
        value = value.replace(space, " ")
    return value.strip()


def _is_blank(value: str) -> bool:
    return value.upper() in _BLANKS


# --- amounts -------------------------------------------------------------------------------

# Digits, optionally grouped in threes by commas or spaces, then optional pence.
# ASCII digits only: Python's \d would also accept Arabic-Indic and other digits.
_MONEY = re.compile(r"(?:[0-9]{1,3}(?:[, ][0-9]{3})+|[0-9]+)?(?:\.[0-9]*)?")
# What finance systems write nine times in ten: "1234.56", "-438.8", "500". Read directly, it
# skips the general parser's sign and currency handling (a third of its time per line).
_PLAIN_MONEY = re.compile(r"(-?)([0-9]{1,11})(?:\.([0-9]{1,2}))?")


def parse_amount(text: object) -> int:
    """Return the amount in pence (an int, never a float); raise ValueError if it is not money.

    Accepts "£1,234.56", "1234.5", "-438.80", "(438.80)", "£-12", "-£12", " 1 234.00 ",
    "438.80CR" / "438.80 CR" (credit, so negative) and "438.80-" (SAP-style trailing minus).
    Refuses blanks, letters, thousands separators in the wrong places, fractions of a penny
    (12.340 is fine, 12.345 is not) and anything above £10bn either way.
    """
    if type(text) is str and (plain := _PLAIN_MONEY.fullmatch(text)):
        sign, whole, fraction = plain.groups()
        pence = int(whole) * 100 + (int(fraction.ljust(2, "0")) if fraction else 0)
        if pence <= MAX_AMOUNT_PENCE:
            return -pence if sign else pence
    if isinstance(text, float):
        text = repr(text)  # the shortest exact form: 4101.36 stays 4101.36
    original = text
    value = _clean(text)
    if not value:
        raise ValueError("amount is blank")
    negative = False

    def flip() -> None:
        nonlocal negative
        if negative:  # "(-5)" or "-5 CR": two signs is a mistake, not a double negative
            raise ValueError(f"amount {_show(original)} has more than one minus sign")
        negative = True

    upper = value.upper()
    if upper.endswith("CR"):
        flip()
        value = value[:-2].rstrip()
    elif upper.endswith("DR"):  # a debit is the ordinary direction of a payment
        value = value[:-2].rstrip()
    if value.startswith("(") and value.endswith(")"):
        flip()
        value = value[1:-1].strip()
    value = value.replace("\u2212", "-")  # the typographic minus sign
    if value.endswith("-"):
        flip()
        value = value[:-1].rstrip()
    # A sign and a currency marker can come in either order: "£-12", "-£12".
    for _ in range(2):
        if value.startswith("-"):
            flip()
            value = value[1:].lstrip()
        elif value.startswith("+"):
            value = value[1:].lstrip()
        if value.startswith("£"):
            value = value[1:].lstrip()
        elif value.upper().startswith("GBP"):
            value = value[3:].lstrip()
    if not value or not any(c.isdigit() for c in value) or not _MONEY.fullmatch(value):
        raise ValueError(f"amount {_show(original)} is not a sum of money")
    # Whole pounds and pence as integers: exact, with no float and no Decimal context rounding
    # (Decimal arithmetic rounds to 28 digits, which would let "1.000...0001" pass as £1).
    whole, _, fraction = value.replace(",", "").replace(" ", "").partition(".")
    if fraction[2:].strip("0"):
        raise ValueError(f"amount {_show(original)} is not a whole number of pence")
    whole = whole.lstrip("0")
    if len(whole) > 11:  # more digits than £10bn has; also keeps int() away from huge strings
        raise ValueError(
            f"amount {_show(original)} is over £10bn: check the column and the decimal point"
        )
    pence = int(whole or "0") * 100 + int((fraction + "00")[:2])
    if pence > MAX_AMOUNT_PENCE:
        raise ValueError(
            f"amount {_show(original)} is over £10bn: check the column and the decimal point"
        )
    return -pence if negative else pence


def format_pence(pence: int) -> str:
    """Show pence as the officer would write it: -43880 -> "-£438.80"."""
    sign = "-" if pence < 0 else ""
    pounds, pennies = divmod(abs(pence), 100)
    return f"{sign}£{pounds:,}.{pennies:02d}"


# --- dates ---------------------------------------------------------------------------------

# fmt: off
_MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
    "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11,
    "dec": 12, "december": 12,
}
# fmt: on
_TIME = r"(?:[T ][0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?(?: ?[AaPp][Mm])?(?:Z|[+-][0-9]{2}:?[0-9]{2})?)?"
# Year first: ISO, and the same with slashes or dots or run together (20220401) as some ledgers export it.
_ISO = re.compile(r"([0-9]{4})([-/.]?)([0-9]{1,2})\2([0-9]{1,2})" + _TIME)
_DAY_FIRST = re.compile(r"([0-9]{1,2})([/.-])([0-9]{1,2})\2([0-9]{4}|[0-9]{2})" + _TIME)
_NAMED_MONTH = re.compile(
    r"([0-9]{1,2})(?:st|nd|rd|th)?[- ]([A-Za-z]{3,9})\.?[- ,]+([0-9]{4}|[0-9]{2})" + _TIME
)
_SERIAL = re.compile(r"([0-9]{5})(?:\.[0-9]+)?")

# Excel serial numbers are only believed inside this window: a five-digit number outside it is
# more likely a reference number in the wrong column than a date.
SERIAL_YEARS = (1990, 2100)
# Any other date outside these years is a typo ("20222", "1022").
DATE_YEARS = (1900, 2100)


def _excel_serial(serial: int) -> dt.date:
    # Excel's 1900 date system counts 1900-01-01 as day 1 and wrongly believes 1900 was a leap
    # year (day 60 is the phantom 29 February 1900), so from day 61 the epoch is 1899-12-30.
    if serial == 60:
        raise ValueError("Excel serial 60 is 29 February 1900, a day that never existed")
    epoch = dt.date(1899, 12, 31) if serial < 60 else dt.date(1899, 12, 30)
    return epoch + dt.timedelta(days=serial)


def parse_date(text: object) -> dt.date:
    """Return the date a cell means; raise ValueError if it is not a real date.

    Reads dd/mm/yyyy and d/m/yy (UK order always: 08/17/2022 is refused, not swapped; two-digit
    years are 20yy), ISO yyyy-mm-dd with or without a time (also yyyy/mm/dd and yyyymmdd), "14-Jan-2011", "14 Jan 2011",
    "14-January-2011", Excel serial numbers ("44790", "44790.0", 1990 to 2100), and date or
    datetime objects from spreadsheet cells.
    """
    if isinstance(text, dt.datetime):
        return text.date()
    if isinstance(text, dt.date):
        return text
    if isinstance(text, float):
        text = repr(text)
    original = text
    value = _clean(text)
    if not value:
        raise ValueError("date is blank")

    if match := _SERIAL.fullmatch(value):
        day = _excel_serial(int(match.group(1)))
        if not SERIAL_YEARS[0] <= day.year < SERIAL_YEARS[1]:
            raise ValueError(
                f"date {_show(original)} is a number, not a date between {SERIAL_YEARS[0]} and {SERIAL_YEARS[1]}"
            )
        return day
    if (match := _ISO.fullmatch(value)) and (match.group(2) or len(value) == 8):
        year, month, day = int(match.group(1)), int(match.group(3)), int(match.group(4))
    elif match := _DAY_FIRST.fullmatch(value):
        day, month, year = int(match.group(1)), int(match.group(3)), match.group(4)
        year = int(year) + (2000 if len(year) == 2 else 0)
    elif match := _NAMED_MONTH.fullmatch(value):
        day, name, year = match.groups()
        if name.lower() not in _MONTHS:
            raise ValueError(f"date {_show(original)}: '{name}' is not a month")
        day, month = int(day), _MONTHS[name.lower()]
        year = int(year) + (2000 if len(year) == 2 else 0)
    else:
        raise ValueError(
            f"date {_show(original)} is not a date we can read: write it as dd/mm/yyyy"
        )

    if not 1 <= month <= 12:
        raise ValueError(
            f"date {_show(original)} has no month {month} (dates are read day/month/year)"
        )
    if not DATE_YEARS[0] <= year <= DATE_YEARS[1]:
        raise ValueError(f"date {_show(original)} is in the year {year}: check it")
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(
            f"date {_show(original)} does not exist: there is no day {day} in that month"
        ) from None


# --- postcodes -----------------------------------------------------------------------------

# The UK postcode format (outward code: area + district, space, inward code), with the letters
# Royal Mail never uses in each position, plus the Girobank oddity GIR 0AA.
_POSTCODE = re.compile(
    r"GIR 0AA|"
    r"[A-PR-UWYZ](?:[0-9]{1,2}|[A-HK-Y][0-9](?:[0-9]|[ABEHMNPRV-Y])?|[0-9][A-HJKPSTUW])"
    r" [0-9][ABD-HJLNP-UW-Z]{2}"
)


def normalise_postcode(text: object) -> str:
    """Return the postcode as Royal Mail writes it ("s60 1ae" -> "S60 1AE"); raise if not one."""
    original = text
    value = "".join(_clean(text).split()).upper()
    if not value:
        raise ValueError("postcode is blank")
    if not value.isascii() or len(value) < 5 or len(value) > 7:
        raise ValueError(f"postcode {_show(original)} is not a UK postcode")
    value = f"{value[:-3]} {value[-3:]}"
    if not _POSTCODE.fullmatch(value):
        raise ValueError(f"postcode {_show(original)} is not a UK postcode")
    return value


def postcode_district(postcode: object) -> str:
    """Return the postcode district (outward code) a postcode is in: "s60 1ae" -> "S60"."""
    return normalise_postcode(postcode).split(" ")[0]


# --- Companies House and Charity Commission numbers ----------------------------------------

# Companies House prefixes (the register each company is on): England & Wales, Scotland and
# Northern Ireland companies, LLPs, limited partnerships, societies, CIOs, overseas entities.
# fmt: off
COMPANY_PREFIXES = frozenset((
    "AC", "BR", "CE", "CS", "FC", "FE", "GE", "GN", "GS", "IC", "IP", "LP", "NA", "NC", "NF",
    "NI", "NL", "NO", "NP", "NR", "NV", "NZ", "OC", "OE", "RC", "RS", "SA", "SC", "SE", "SF",
    "SG", "SI", "SL", "SO", "SP", "SR", "SZ", "ZC",
))
# fmt: on
_COMPANY_DIGITS = re.compile(r"[0-9]{1,8}")
_COMPANY_PREFIXED = re.compile(r"([A-Z]{2})([0-9]{1,6})")
# Co-operative and community benefit societies: IP (England & Wales), SP (Scotland), NP (NI)
# then the Mutuals Public Register number ending in R, e.g. IP29627R.
_SOCIETY = re.compile(r"(IP|SP|NP)([0-9]{1,5})R")


def normalise_company_number(text: object) -> str | None:
    """Return the 8-character Companies House number, None when the cell says there is none.

    "2535986" -> "02535986", "sc 12345" -> "SC012345", "R0123456" stays, "IP29627R" stays.
    Blank, "0", "N/A", "-", "Various" and similar mean no number (None). Anything else raises.
    """
    original = text
    value = "".join(_clean(text).split()).upper().lstrip("'")  # "'0123" is Excel's text marker
    if _is_blank(value) or value.strip("0") == "":
        return None
    if _COMPANY_DIGITS.fullmatch(value):
        return value.zfill(8)
    if value.startswith("R0") and len(value) == 8 and value[2:].isdigit() and value.isascii():
        return value  # pre-1922 Northern Ireland companies: R0 then six digits
    if match := _SOCIETY.fullmatch(value):
        return f"{match.group(1)}{match.group(2).zfill(5)}R"
    if (match := _COMPANY_PREFIXED.fullmatch(value)) and match.group(1) in COMPANY_PREFIXES:
        return f"{match.group(1)}{match.group(2).zfill(6)}"
    if re.fullmatch(r"[0-9]{1,5}R", value):
        raise ValueError(
            f"company number {_show(original)} looks like a Mutuals Public Register number: "
            "put IP (England & Wales), SP (Scotland) or NP (Northern Ireland) in front"
        )
    raise ValueError(f"company number {_show(original)} is not a Companies House number")


def normalise_charity_number(text: object) -> str | None:
    """Return a registered charity number, None when the cell says there is none.

    England & Wales: 6 to 8 digits, keeping a subsidiary suffix ("1123456-1"). Scotland:
    "SC" and six digits ("sc 12345" -> "SC012345"). Northern Ireland: "NIC" and six digits.
    """
    original = text
    value = "".join(_clean(text).split()).upper().lstrip("'")
    if _is_blank(value) or value.strip("0") == "":
        return None
    if match := re.fullmatch(r"([0-9]{6,8})(?:-([0-9]{1,3}))?", value):
        number, suffix = match.groups()
        return f"{number}-{int(suffix)}" if suffix else number
    if match := re.fullmatch(r"SC([0-9]{5,6})", value):
        return "SC" + match.group(1).zfill(6)
    if match := re.fullmatch(r"NIC([0-9]{6})", value):
        return value
    raise ValueError(f"charity number {_show(original)} is not a registered charity number")


# --- supplier names ------------------------------------------------------------------------

# Legal forms that say nothing about who the supplier is; removed only from the end of the name.
# Longest first, so a long form ("public limited company") is tried before any short one.
# fmt: off
_LEGAL_SUFFIXES = tuple(sorted((
    "limited", "ltd", "plc", "llp", "lp", "cic", "cio", "inc", "llc",
    "public limited company", "limited liability partnership", "community interest company",
    "cyf", "cyfyngedig", "ccc",  # Welsh: cyfyngedig (limited), ccc (plc)
), key=len, reverse=True))
# fmt: on
_TRADING_AS = re.compile(r"\b(?:t\s*/\s*a|trading\s+as)\b")
_JOINED = re.compile(r"['’`.]")  # O'Brien -> obrien, J.P. -> jp, Ltd. -> ltd


def _fold(text: str) -> str:
    # Compatibility-decompose, drop accents, fold case (ß -> ss), then again: case folding can
    # produce characters that decompose further, and a key must never change when re-keyed.
    for _ in range(2):
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return text


def _name_key(text: str) -> str:
    key = _fold(text).replace("&", " and ")
    key = _TRADING_AS.sub(" trading as ", key)
    key = _JOINED.sub("", key)
    key = "".join(c if c.isalnum() else " " for c in key)
    words = key.split()
    changed = True
    while changed:
        changed = False
        while len(words) > 1 and words[0] == "the":
            words, changed = words[1:], True
        for suffix in _LEGAL_SUFFIXES:
            parts = suffix.split()
            if len(words) > len(parts) and words[-len(parts) :] == parts:
                words, changed = words[: -len(parts)], True
                break
    return " ".join(words)


def normalise_supplier_name(text: object) -> str:
    """Return the key under which spellings of one supplier's name meet.

    "ACME LTD", "Acme Limited" and "The Acme Ltd." all give "acme". The rules, in order:
    accents dropped and case folded; "&" becomes "and"; "t/a" and "trading as" become
    "trading as" (both names are kept: the trading name alone could be anyone's); apostrophes
    and full stops removed ("O'Brien" -> "obrien", "J.P." -> "jp"); every other character that
    is not a letter or digit becomes a space; spaces collapsed; then, until nothing changes,
    a leading "the" and a trailing legal form (ltd, limited, plc, llp, lp, cic, cio, inc, llc,
    cyf, cyfyngedig, ccc and their long forms) are removed, never leaving the key empty.
    Applying it to its own result gives the same result. Raises if no letter or digit is left.
    """
    key = _name_key(_clean(text))
    # Unicode folding rarely settles in one pass for exotic input; repeat to a fixed point so
    # the key is stable when stored and compared again.
    for _ in range(5):
        again = _name_key(key)
        if again == key:
            break
        key = again
    if not key:
        raise ValueError(
            f"supplier name {_show(text)} has no letters or digits"
            if _clean(text)
            else "supplier name is blank"
        )
    return key


# --- yes / no flags ------------------------------------------------------------------------

_YES = {"Y", "YES", "TRUE", "T", "1"}
_NO = {"N", "NO", "FALSE", "F", "0"}


def parse_yes_no(text: object) -> bool | None:
    """Return True for Y/Yes/TRUE/1, False for N/No/FALSE/0, None for blank, N/A or "Various"."""
    if isinstance(text, bool):
        return text
    value = _clean(text).upper()
    if value in _YES:
        return True
    if value in _NO:
        return False
    if _is_blank(value):
        return None
    raise ValueError(f"{_show(text)} is not yes or no: write Y, N, or leave it blank")
