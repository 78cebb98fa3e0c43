"""The published layouts of the four official files: which column holds what.

Companies House and the Charity Commission publish one fixed header, read here by
name (after stripping: Companies House writes " CompanyNumber" and the previous-name
columns with a leading space). The ONS postcode directory renames its columns with
each release ("laua", "lad23cd", "lad25cd" ...), and the FCA's export is not
documented, so those two are found by a table of known aliases, compared without
case, spaces or punctuation.
"""
from __future__ import annotations

import re


class RegisterFileProblem(ValueError):
    """The file is not the official layout it claims to be (the message says what is wrong)."""


# --- Companies House Free Company Data Product -------------------------------------------

# The header as published (https://download.companieshouse.gov.uk/en_output.html), leading
# spaces included; the sample writer writes it exactly so, and the reader strips each name.
COMPANIES_HEADER = (
    ["CompanyName", " CompanyNumber", "RegAddress.CareOf", "RegAddress.POBox", "RegAddress.AddressLine1",
     " RegAddress.AddressLine2", "RegAddress.PostTown", "RegAddress.County", "RegAddress.Country",
     "RegAddress.PostCode", "CompanyCategory", "CompanyStatus", "CountryOfOrigin", "DissolutionDate",
     "IncorporationDate", "Accounts.AccountRefDay", "Accounts.AccountRefMonth", "Accounts.NextDueDate",
     "Accounts.LastMadeUpDate", "Accounts.AccountCategory", "Returns.NextDueDate", "Returns.LastMadeUpDate",
     "Mortgages.NumMortCharges", "Mortgages.NumMortOutstanding", "Mortgages.NumMortPartSatisfied",
     "Mortgages.NumMortSatisfied", "SICCode.SicText_1", "SICCode.SicText_2", "SICCode.SicText_3",
     "SICCode.SicText_4", "LimitedPartnerships.NumGenPartners", "LimitedPartnerships.NumLimPartners", "URI"]
    + [name for n in range(1, 11) for name in (
        f"PreviousName_{n}.CONDATE" if n == 1 else f" PreviousName_{n}.CONDATE", f" PreviousName_{n}.CompanyName")]
    + ["ConfStmtNextDueDate", " ConfStmtLastMadeUpDate"]
)
COMPANY_ADDRESS_COLUMNS = ("RegAddress.CareOf", "RegAddress.POBox", "RegAddress.AddressLine1", "RegAddress.AddressLine2",
                           "RegAddress.PostTown", "RegAddress.County", "RegAddress.Country")
COMPANY_SIC_COLUMNS = tuple(f"SICCode.SicText_{n}" for n in range(1, 5))
COMPANY_PREVIOUS_NAME_COLUMNS = tuple(f"PreviousName_{n}.CompanyName" for n in range(1, 11))
# What a load reads; the rest of the header may change without harm.
COMPANIES_NEEDED = ("CompanyName", "CompanyNumber", *COMPANY_ADDRESS_COLUMNS, "RegAddress.PostCode", "CompanyCategory",
                    "CompanyStatus", "IncorporationDate", "Accounts.AccountCategory", *COMPANY_SIC_COLUMNS,
                    *COMPANY_PREVIOUS_NAME_COLUMNS)

# --- Charity Commission register extract ---------------------------------------------------

# publicextract.charity.txt, tab-separated, UTF-8 with a byte order mark
# (https://register-of-charities.charitycommission.gov.uk/en/register/full-register-download).
CHARITIES_HEADER = [
    "date_of_extract", "organisation_number", "registered_charity_number", "linked_charity_number", "charity_name",
    "charity_type", "charity_registration_status", "date_of_registration", "date_of_removal",
    "charity_reporting_status", "latest_acc_fin_period_start_date", "latest_acc_fin_period_end_date",
    "latest_income", "latest_expenditure", "charity_contact_address1", "charity_contact_address2",
    "charity_contact_address3", "charity_contact_address4", "charity_contact_address5", "charity_contact_postcode",
    "charity_contact_phone", "charity_contact_email", "charity_contact_web", "charity_company_registration_number",
    "charity_insolvent", "charity_in_administration", "charity_previously_excepted", "charity_is_cdf_or_cif",
    "charity_is_cio", "cio_is_dissolved", "date_cio_dissolution_notice", "charity_activities", "charity_gift_aid",
    "charity_has_land",
]
CHARITIES_NEEDED = ("date_of_extract", "registered_charity_number", "linked_charity_number", "charity_name",
                    "charity_registration_status", "charity_contact_postcode", "charity_company_registration_number")

# --- ONS postcode directory (NSPL and ONSPD) -------------------------------------------------

# field -> the names releases have given its column, newest last. Found without case.
POSTCODE_ALIASES: dict[str, tuple[str, ...]] = {
    "postcode": ("pcds", "pcd", "pcd7", "pcd8", "pcd2", "pcds25"),
    "district_code": ("laua", "lad", "oslaua", "lad21cd", "lad22cd", "lad23cd", "lad24cd", "lad25cd", "lad26cd"),
    "ward_code": ("ward", "osward", "wd21cd", "wd22cd", "wd23cd", "wd24cd", "wd25cd", "wd26cd"),
    "lsoa_code": ("lsoa21", "lsoa11", "lsoa01", "lsoa21cd", "lsoa11cd", "lsoa25cd"),
    "region_code": ("rgn", "gor", "rgn21cd", "rgn23cd", "rgn24cd", "rgn25cd", "itl", "itl1", "itl121cd", "itl125cd"),
    "country_code": ("ctry", "ctry21cd", "ctry23cd", "ctry24cd", "ctry25cd"),
    "imd_rank": ("imd", "imd19ind", "imd20ind", "imd25ind", "imdrank"),
    "terminated_on": ("doterm",),
}
# Present in every release; a directory without one of these is refused.
POSTCODE_REQUIRED = ("postcode", "district_code", "ward_code", "lsoa_code", "region_code", "country_code", "imd_rank",
                     "terminated_on")
# The columns of the two layouts the sample writer writes (a typical recent release of each).
NSPL_HEADER = ["pcd", "pcd2", "pcds", "dointr", "doterm", "usertype", "oseast1m", "osnrth1m", "osgrdind", "oa21", "cty",
               "ced", "laua", "ward", "nhser", "ctry", "rgn", "pcon", "ttwa", "itl", "npark", "lsoa21", "msoa21",
               "wz11", "sicbl", "bua24", "ruc21", "oac11", "lat", "long", "lep1", "lep2", "pfa", "imd", "icb"]
ONSPD_HEADER = ["pcd7", "pcd8", "pcds", "dointr", "doterm", "usrtypind", "east1m", "north1m", "gridind", "oa21cd",
                "cty25cd", "ced25cd", "lad25cd", "wd25cd", "nhser24cd", "ctry25cd", "rgn25cd", "pcon24cd", "ttwa15cd",
                "itl25cd", "npark16cd", "lsoa21cd", "msoa21cd", "wz11cd", "sicbl24cd", "bua24cd", "ruc21ind", "oac11ind",
                "lat", "long", "lep21cd1", "lep21cd2", "pfa23cd", "imd20ind", "icb23cd"]

# The directory ranks each nation's small areas separately (1 = most deprived), so a
# decile needs the number of areas ranked in that nation: England's IMD 2019 ranks 32,844
# LSOAs, Wales's WIMD 2019 1,909, Scotland's SIMD 2020 6,976 data zones, Northern Ireland's
# NIMDM 2017 890 super output areas. A release whose ranks run higher (a newer index on
# newer areas) is decided by its own highest rank instead (reading.py, loading.py).
RANKED_AREAS = {"E92000001": 32_844, "W92000004": 1_909, "S92000003": 6_976, "N92000002": 890}

# Names files shipped under Documents/ ("LA_UA names and codes UK as at 04_24.csv" ...): code, name columns.
AREA_NAME_CODE = re.compile(r"^(?:lad|laua|wd|ward|rgn|gor|ctry|itl\w*)\d*cd$|^(?:lad|laua|wd|ward|rgn|gor|ctry)\d*$")
AREA_NAME_NAME = re.compile(r"^(?:lad|laua|wd|ward|rgn|gor|ctry|itl\w*)\d*nm$")
AREA_NAME_FILES = re.compile(r"(la_?ua|ward|region|country|lad)\b.*names? and codes", re.IGNORECASE)

# --- FCA Mutuals Public Register export -------------------------------------------------------

# The export's columns are not documented; these are the names it and its past versions use.
MUTUAL_ALIASES: dict[str, tuple[str, ...]] = {
    "number": ("society number", "registration number", "register number", "society registration number",
               "registered number", "firm reference number", "frn", "number"),
    "name": ("society name", "registered name", "name of society", "name"),
    "postcode": ("registered office postcode", "registered office post code", "postcode", "post code"),
    "address": ("registered office address", "registered office", "address"),
    "society_type": ("society type", "registered as", "type of society", "type", "legislation", "registration act"),
    "status": ("society status", "registration status", "status", "current status"),
    "country": ("country", "country of registration", "jurisdiction"),
}
MUTUAL_REQUIRED = ("number", "name", "status")


def simple(name: str) -> str:
    """A column name compared the way aliases are: without case, spaces, dots or underscores."""
    return re.sub(r"[\s._\-/()]+", "", name.lstrip("\ufeff")).lower()


def find_columns(header: list[str], aliases: dict[str, tuple[str, ...]], required: tuple[str, ...], what: str) -> dict[str, int]:
    """field -> position in ``header``, by alias; raise naming what is missing and what the file has."""
    positions = {simple(name): index for index, name in enumerate(header)}
    found: dict[str, int] = {}
    for field, names in aliases.items():
        for alias in names:
            if simple(alias) in positions:
                found[field] = positions[simple(alias)]
                break
    missing = [field for field in required if field not in found]
    if missing:
        wanted = "; ".join(f"{field} (one of {', '.join(aliases[field])})" for field in missing)
        raise RegisterFileProblem(
            f"This does not look like the {what}: no column for {wanted}. "
            f"The file's columns are: {', '.join(name.strip() for name in header) or 'none'}."
        )
    return found


def find_named(header: list[str], needed: tuple[str, ...], what: str) -> dict[str, int]:
    """name -> position for a fixed published header, read by name after stripping each."""
    positions = {name.strip().lstrip("\ufeff").strip(): index for index, name in enumerate(header)}
    missing = [name for name in needed if name not in positions]
    if missing:
        raise RegisterFileProblem(
            f"This does not look like the {what}: it has no {', '.join(missing)} "
            f"column{'s' if len(missing) > 1 else ''}. The file's columns are: "
            f"{', '.join(name.strip() for name in header[:60]) or 'none'}{' ...' if len(header) > 60 else ''}."
        )
    return {name: positions[name] for name in needed}
