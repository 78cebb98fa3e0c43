"""The lead's choice among a supplier's register candidates: GOV.UK radios, no JavaScript."""
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput
from wtforms import HiddenField, RadioField, SelectChoice, SubmitField
from wtforms.validators import DataRequired

NONE_OF_THESE = "none"
REGISTER_NAMES = {"companies": "Companies House", "charities": "Charity Commission", "mutuals": "FCA Mutuals Public Register"}


def choice_form(supplier_id: int, candidates, formdata=None) -> FlaskForm:
    """One radio per candidate, then "none of these"; the supplier's id travels with the answer."""

    class ChoiceForm(FlaskForm):
        supplier_id = HiddenField()
        choice = RadioField(
            "Which of these is the supplier?", widget=GovRadioInput(),
            choices=[
                *(SelectChoice(str(c.id), f"{c.name}, {REGISTER_NAMES[c.register]} {c.number}") for c in candidates),
                SelectChoice(NONE_OF_THESE, "None of these"),
            ],
            validators=[DataRequired(message="Choose the register entry that is this supplier, or none of these")],
        )
        submit = SubmitField("Save and see the next", widget=GovSubmitInput())

    form = ChoiceForm(formdata=formdata)
    if formdata is None:
        form.supplier_id.data = str(supplier_id)
    return form
