"""Is a contract's Real Living Wage scope decided by the Living Wage Foundation's rule, with its version kept,
and does the in-scope list download whatever the year?"""
from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from portal.extensions import db
from portal.social_value import contracts, living_wage
from tenants import tenant_context

from .test_pages_journey import CONTRACT

RULE = living_wage.CURRENT_RULE.version


def made(partner, make_contract, **fields):
    contract_id = make_contract(partner, **fields)
    with tenant_context(partner.id):
        return contracts.get_contract(db.session, contract_id)


@pytest.mark.parametrize(("on_premises", "hours", "weeks", "in_scope"), [
    (True, Decimal(2), 8, True),          # exactly the rule's thresholds
    (True, Decimal("7.5"), 52, True),
    (True, Decimal("1.9"), 52, False),    # under two hours on any day
    (True, Decimal(3), 7, False),         # under eight weeks in a row
    (False, Decimal(8), 52, False),       # not on the premises (a supplier of goods, say)
])
def test_does_the_rule_decide_scope_and_record_its_version(partners, make_contract, app_ctx, on_premises, hours, weeks, in_scope):
    contract = made(partners[0], make_contract, rlw_in_scope=not in_scope, rlw_on_premises=on_premises,
                    rlw_hours_on_a_day=hours, rlw_weeks_in_a_row=weeks)
    assert (contract.rlw_in_scope, contract.rlw_rule_version) == (in_scope, RULE)


def test_without_the_rules_facts_is_the_officers_answer_kept_and_marked_as_by_hand(partners, make_contract, app_ctx):
    contract = made(partners[0], make_contract, rlw_in_scope=True, rlw_on_premises=True)
    assert (contract.rlw_in_scope, contract.rlw_rule_version) == (True, None)
    assert living_wage.rule_title(None).startswith("Decided by hand")


def test_does_changing_the_facts_re_decide_the_scope(partners, make_contract, app_ctx):
    council = partners[0]
    contract = made(council, make_contract, rlw_on_premises=True, rlw_hours_on_a_day=Decimal(3), rlw_weeks_in_a_row=10)
    assert contract.rlw_in_scope
    with tenant_context(council.id):
        contracts.update_contract(db.session, contract, rlw_weeks_in_a_row=4)
        assert (contract.rlw_in_scope, contract.rlw_rule_version) == (False, RULE)
        contracts.update_contract(db.session, contract, rlw_weeks_in_a_row=None, rlw_in_scope=True)
        assert (contract.rlw_in_scope, contract.rlw_rule_version) == (True, None)
        db.session.rollback()


def test_does_the_rule_cite_its_source():
    assert any("livingwage.org.uk" in source for source in living_wage.CURRENT_RULE.sources)
    assert living_wage.CURRENT_RULE.minimum_weeks_in_a_row == 8
    assert living_wage.CURRENT_RULE.minimum_hours_on_a_day == Decimal(2)


@pytest.fixture
def register(partners, make_contract, make_user, sign_in):
    """In scope: one long ended (2015), one far ahead (2030), one by the rule; one out of scope; the client."""
    council = partners[0]
    make_contract(council, reference="OLD-2015", title="Cleaning 2015", start=date(2015, 4, 1), end=date(2016, 3, 31),
                  rlw_in_scope=True)
    make_contract(council, reference="NEW-2030", title="Security 2030", start=date(2030, 4, 1), end=date(2033, 3, 31),
                  rlw_in_scope=True, renewal_date=date(2033, 4, 1), supplier_pays_rlw="yes")
    make_contract(council, reference="RULE-1", title="Catering", rlw_on_premises=True, rlw_hours_on_a_day=Decimal("2.5"),
                  rlw_weeks_in_a_row=40, renewal_date=date(2026, 4, 1))
    make_contract(council, reference="OUT-1", title="Stationery", rlw_on_premises=False, rlw_hours_on_a_day=Decimal(0),
                  rlw_weeks_in_a_row=0)
    make_contract(partners[1], reference="POLICE-1", title="Police cleaning", rlw_in_scope=True)
    return sign_in(make_user(council, "viewer"))


def test_does_the_csv_list_every_in_scope_contract_whatever_the_year(register):
    response = register.get("/social-value/contracts/living-wage.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == living_wage.REGISTER_HEADER
    by_reference = {row[0]: row for row in rows[1:]}
    assert list(by_reference) == ["RULE-1", "NEW-2030", "OLD-2015"], "by renewal date, those without one last"
    assert by_reference["NEW-2030"][5] == "2033-04-01" and by_reference["NEW-2030"][6] == "Yes"
    assert RULE in by_reference["RULE-1"][-1] and by_reference["OLD-2015"][-1].startswith("Decided by hand")


def test_does_the_xlsx_hold_the_same_list(register):
    response = register.get("/social-value/contracts/living-wage.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == ["RULE-1", "NEW-2030", "OLD-2015"]
    assert rows[1][8] == 2.5 and rows[1][9] == 40


def test_is_another_format_not_found(register):
    assert register.get("/social-value/contracts/living-wage.pdf").status_code == 404


def test_does_the_contract_form_record_the_rules_facts_and_renewal(partners, make_user, sign_in):
    council = partners[0]
    client = sign_in(make_user(council, "officer"))
    response = client.post("/social-value/contracts/new", data={
        **CONTRACT, "rlw_in_scope": "", "rlw_on_premises": "yes", "rlw_hours_on_a_day": "3", "rlw_weeks_in_a_row": "12",
        "renewal_date": ["1", "4", "2027"]})
    assert response.status_code == 302, response.get_data(as_text=True)
    with tenant_context(council.id):
        contract = contracts.contract_by_reference(db.session, CONTRACT["reference"])
        assert (contract.rlw_in_scope, contract.rlw_rule_version, contract.renewal_date) == (True, RULE, date(2027, 4, 1))
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert living_wage.CURRENT_RULE.title in page and "1 April 2027" in page


@pytest.mark.parametrize(("changes", "message"), [
    ({"rlw_hours_on_a_day": "two"}, "Enter the hours as a number"),
    ({"rlw_hours_on_a_day": "25"}, "from 0 to 24"),
    ({"rlw_weeks_in_a_row": "60"}, "from 0 to 53"),
    ({"reporting_frequency": "quarterly"}, "supplier contact"),
    ({"supplier_contact_email": "not an address"}, "email address"),
    ({"contract_manager_id": "99999"}, "Choose one of your organisation"),
])
def test_does_the_form_refuse_bad_answers(partners, make_user, sign_in, changes, message):
    client = sign_in(make_user(partners[0], "officer"))
    response = client.post("/social-value/contracts/new", data={**CONTRACT, **changes})
    assert response.status_code == 400 and message in response.get_data(as_text=True)
