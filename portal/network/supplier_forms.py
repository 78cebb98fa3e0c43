"""The lead's forms for the supplier register: GOV.UK radios and checkboxes, no JavaScript."""
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovRadioInput, GovSubmitInput
from wtforms import RadioField, SelectMultipleField, SubmitField
from wtforms.validators import DataRequired, Optional

KIND_CHOICES = [
    ("private", "Private company"),
    ("vcse", "Voluntary, community or social enterprise (VCSE)"),
    ("public", "Public body"),
    ("sole_trader", "Sole trader"),
    ("unknown", "Not known"),
]
YES_NO_UNKNOWN = [("yes", "Yes"), ("no", "No"), ("unknown", "Not known")]
LOCAL_CHOICES = [
    ("postcode", "Decide from the postcode"),
    ("yes", "Local, whatever the postcode says"),
    ("no", "Not local, whatever the postcode says"),
]
FEATURE_CHOICES = [
    ("employee_owned", "Employee-owned (for example through an Employee Ownership Trust)"),
    ("living_wage_accredited", "Accredited Real Living Wage employer"),
]

_TO_BOOL = {"yes": True, "no": False, "unknown": None, "postcode": None}
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
        self.is_sme.data = _FROM_BOOL[supplier.is_sme]
        self.kind.data = supplier.kind
        self.features.data = [name for name, _ in FEATURE_CHOICES if getattr(supplier, name)]
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
                (f"keep-{candidate.supplier_id}", f"Same supplier: merge them, keeping the name {candidate.supplier.name}"),
                (f"keep-{candidate.candidate_id}", f"Same supplier: merge them, keeping the name {candidate.candidate.name}"),
                ("distinct", "Different suppliers: keep them apart"),
            ],
            validators=[DataRequired(message="Choose whether to merge these suppliers or keep them apart")],
        )
        submit = SubmitField("Save decision", widget=GovSubmitInput())

    return DecisionForm(formdata=formdata, prefix=f"pair-{candidate.id}")


class SplitForm(FlaskForm):
    """A button: CSRF and nothing else."""

    submit = SubmitField("Split out", widget=GovSubmitInput())
