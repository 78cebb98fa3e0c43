"""The lead's forms for the supplier register: GOV.UK radios and checkboxes, no JavaScript."""
import re

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import RadioField, SelectChoice, SelectMultipleField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from portal.spend.normalise import (
    normalise_charity_number,
    normalise_company_number,
    normalise_postcode,
)

KIND_CHOICES = [
    SelectChoice("automatic", "Decide from the registers and the name"),
    SelectChoice("private", "Private company"),
    SelectChoice("vcse", "Voluntary, community or social enterprise (VCSE)"),
    SelectChoice("public", "Public body"),
    SelectChoice("tax", "Tax (HMRC)"),
    SelectChoice("pension", "Pension fund"),
    SelectChoice("individual", "Individual or payee not named"),
    SelectChoice("sole_trader", "Sole trader"),
    SelectChoice("unknown", "Not known"),
]
YES_NO_UNKNOWN = [SelectChoice("automatic", "Decide from the company's accounts"), SelectChoice("yes", "Yes"), SelectChoice("no", "No"), SelectChoice("unknown", "Not known")]
LOCAL_CHOICES = [
    SelectChoice("postcode", "Decide from the postcode"),
    SelectChoice("yes", "Local, whatever the postcode says"),
    SelectChoice("no", "Not local, whatever the postcode says"),
]
FEATURE_CHOICES = [
    SelectChoice("employee_owned", "Employee-owned (for example through an Employee Ownership Trust)"),
    SelectChoice("living_wage_accredited", "Accredited Real Living Wage employer"),
]

_TO_BOOL = {"yes": True, "no": False, "unknown": None, "postcode": None, "automatic": "automatic"}
_FROM_BOOL = {True: "yes", False: "no", None: "unknown"}


class SupplierForm(FlaskForm):
    is_sme = RadioField(
        "Is it a small or medium-sized enterprise (SME)?", widget=GovRadioInput(), choices=YES_NO_UNKNOWN,
        description="Fewer than 250 staff, and turnover up to £50m or balance sheet up to £43m.",
        validators=[DataRequired(message="Say whether the supplier is an SME")],
    )
    kind = RadioField(
        "Kind of supplier", widget=GovRadioInput(), choices=KIND_CHOICES,
        validators=[DataRequired(message="Choose the kind of supplier")],
    )
    features = SelectMultipleField(
        "Also", widget=GovCheckboxesInput(), choices=FEATURE_CHOICES, validators=[Optional()],
        description="Select all that apply.",
    )
    local = RadioField(
        "Is it local to the network?", widget=GovRadioInput(), choices=LOCAL_CHOICES,
        description="Override the postcode for a local branch of a firm registered elsewhere, or the reverse.",
        validators=[DataRequired(message="Say how to decide whether the supplier is local")],
    )
    submit = SubmitField("Save supplier", widget=GovSubmitInput())

    def fill_from(self, supplier) -> None:
        self.is_sme.data = _FROM_BOOL[supplier.is_sme] if supplier.sme_by_lead else "automatic"
        self.kind.data = supplier.kind if supplier.kind_by_lead else "automatic"
        self.features.data = [choice.value for choice in FEATURE_CHOICES if getattr(supplier, choice.value)]
        self.local.data = "postcode" if supplier.local_override is None else _FROM_BOOL[supplier.local_override]

    def changes(self) -> dict:
        """The form's answers as supplier attributes."""
        chosen = set(self.features.data or [])
        return {
            "is_sme": _TO_BOOL[self.is_sme.data],
            "kind": self.kind.data,
            "employee_owned": "employee_owned" in chosen,
            "living_wage_accredited": "living_wage_accredited" in chosen,
            "local_override": _TO_BOOL[self.local.data],
        }


def decision_form(candidate, formdata=None) -> FlaskForm:
    """Merge into one of the pair, or keep them apart; prefixed so each pair's form has its own ids."""

    class DecisionForm(FlaskForm):
        decision = RadioField(
            "What should happen to these two?", widget=GovRadioInput(),
            choices=[
                SelectChoice(f"keep-{candidate.supplier_id}", f"Same supplier: merge them, keeping the name {candidate.supplier.name}"),
                SelectChoice(f"keep-{candidate.candidate_id}", f"Same supplier: merge them, keeping the name {candidate.candidate.name}"),
                SelectChoice("distinct", "Different suppliers: keep them apart"),
            ],
            validators=[DataRequired(message="Choose whether to merge these suppliers or keep them apart")],
        )
        submit = SubmitField("Save decision", widget=GovSubmitInput())

    return DecisionForm(formdata=formdata, prefix=f"pair-{candidate.id}")


class SplitForm(FlaskForm):
    """A button: CSRF and nothing else."""

    submit = SubmitField("Split out", widget=GovSubmitInput())


class PlaceForm(FlaskForm):
    """The lead's numbers and postcodes for a supplier; blank means none."""

    company_number = StringField("Company number", widget=GovTextInput(), validators=[Optional(), Length(max=20)],
                                 description="Companies House number, like 01234567 or SC123456.")
    charity_number = StringField("Charity number", widget=GovTextInput(), validators=[Optional(), Length(max=20)])
    mutual_number = StringField("Mutuals Public Register number", widget=GovTextInput(), validators=[Optional(), Length(max=20)],
                                description="For a co-operative or community benefit society, like 12345R.")
    postcode = StringField("Postcode of its registered office or address", widget=GovTextInput(),
                           validators=[Optional(), Length(max=12)])
    branch_postcode = StringField("Postcode of a local branch (optional)", widget=GovTextInput(),
                                  validators=[Optional(), Length(max=12)],
                                  description="A branch in the area counts the supplier as branched in the area, "
                                              "wherever its registered office is.")
    save = SubmitField("Save where it is", widget=GovSubmitInput())
    automatic = SubmitField("Place it automatically again", widget=GovSubmitInput())

    def fill_from(self, supplier) -> None:
        for name in ("company_number", "charity_number", "mutual_number", "postcode", "branch_postcode"):
            getattr(self, name).data = getattr(supplier, name) or ""

    def _read(self, field, reader):
        try:
            return reader(field.data) if (field.data or "").strip() else None
        except ValueError as problem:
            raise ValidationError(str(problem)[:1].upper() + str(problem)[1:]) from None

    def validate_company_number(self, field):
        self._read(field, normalise_company_number)

    def validate_charity_number(self, field):
        self._read(field, normalise_charity_number)

    def validate_mutual_number(self, field):
        self._read(field, _mutual_number)

    def validate_postcode(self, field):
        self._read(field, normalise_postcode)

    def validate_branch_postcode(self, field):
        self._read(field, normalise_postcode)

    def place(self) -> dict:
        """The answers, normalised, as set_place takes them."""
        return {
            "company_number": self._read(self.company_number, normalise_company_number),
            "charity_number": self._read(self.charity_number, normalise_charity_number),
            "mutual_number": self._read(self.mutual_number, _mutual_number),
            "postcode": self._read(self.postcode, normalise_postcode),
            "branch_postcode": self._read(self.branch_postcode, normalise_postcode),
        }


def _mutual_number(text: str) -> str:
    """A Mutuals Public Register number as the register writes it (digits and a trailing R, or IP/SP/NP ... R)."""
    value = "".join(text.split()).upper()
    if not re.fullmatch(r"(IP|SP|NP)?[0-9]{1,6}R?", value):
        raise ValueError(f"mutual number {text.strip()} is not a Mutuals Public Register number, like 12345R")
    return value
