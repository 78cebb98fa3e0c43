"""A target for a period: about a measure, a theme or all social value; counted on delivery or commitments."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import RadioField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from portal.choices import labelled, offered

from .fields import date_field, pounds_to_pence, quantity

# Targets beyond social value, in the words of the reports that set them.
TARGET_LABELS = {
    "local_share": "Local share of procurable spend (%)",
    "sme_share": "SME share of procurable spend (%)",
    "vcse_share": "VCSE share of procurable spend (%)",
    "rlw_coverage": "In-scope contracts paying the Real Living Wage (%)",
    "employee_owned_spend": "Spend with employee-owned firms (£)",
}
SUBJECT_LABELS = {"measure": "One measure", "theme": "One theme (£)", "total_value": "All social value (£)", **TARGET_LABELS}
PERCENT_SUBJECTS = ("local_share", "sme_share", "vcse_share", "rlw_coverage")
BASIS_LABELS = {"delivered": "Verified delivery in the period", "committed": "Commitments made in the period"}


class TargetForm(FlaskForm):
    subject = RadioField("What is the target about?", widget=GovRadioInput(), choices=labelled(SUBJECT_LABELS),
                         validators=[DataRequired(message="Choose what the target is about")])
    measure_id = SelectField("Measure (for a measure's target)", widget=GovSelect(), choices=[], validate_choice=False)
    theme_id = SelectField("Theme (for a theme's target)", widget=GovSelect(), choices=[], validate_choice=False)
    basis = RadioField("Count", widget=GovRadioInput(), choices=labelled(BASIS_LABELS), default="delivered",
                       validators=[DataRequired(message="Choose what the target counts")])
    period_start = date_field("Start of the period", hint="For example, 1 4 2024")
    period_end = date_field("End of the period", hint="For example, 31 3 2025")
    target_quantity = StringField("Target quantity (a measure's target only)", widget=GovTextInput(), validators=[Optional()])
    target_value = StringField("Target value in pounds", widget=GovTextInput(), validators=[Optional()],
                               description="For a theme, all social value or employee-owned spend; optional for a "
                                           "measure with a quantity")
    target_percent = StringField("Target percentage (a share's target only)", widget=GovTextInput(),
                                 validators=[Optional()], description="From 0 to 100, for example 40 or 62.5")
    note = StringField("Note (optional)", widget=GovTextInput(), validators=[Optional(), Length(max=500)])
    submit = SubmitField("Add target", widget=GovSubmitInput())
    quantity_value = value_pence = percent_value = None  # set by their validators when given

    def set_choices(self, measures, themes) -> None:
        self.measure_id.choices = [SelectChoice("", "Choose a measure")] + [SelectChoice(str(m.id), f"{m.code}: {m.description}") for m in measures]
        self.theme_id.choices = [SelectChoice("", "Choose a theme")] + [SelectChoice(str(t.id), t.name) for t in themes]

    def validate_period_end(self, field):
        if field.data and self.period_start.data and field.data < self.period_start.data:
            raise ValidationError("The end of the period must be on or after its start")

    def validate_target_quantity(self, field):
        self.quantity_value = quantity(field.data, "The target quantity") if field.data else None

    def validate_target_value(self, field):
        self.value_pence = pounds_to_pence(field.data, "The target value") if field.data else None

    def validate_target_percent(self, field):
        self.percent_value = None
        if not field.data:
            if self.subject.data in PERCENT_SUBJECTS:
                raise ValidationError("Enter the target percentage")
            return
        try:
            value = Decimal(field.data.strip().rstrip("%").strip())
        except InvalidOperation:
            raise ValidationError("The target percentage must be a number, like 40 or 62.5") from None
        if not value.is_finite() or not Decimal(0) <= value <= Decimal(100):
            raise ValidationError("The target percentage must be between 0 and 100")
        self.percent_value = value

    def validate_measure_id(self, field):
        if self.subject.data == "measure" and field.data not in (offered(field) - {""}):
            raise ValidationError("Choose the measure the target is about")

    def validate_theme_id(self, field):
        if self.subject.data == "theme" and field.data not in (offered(field) - {""}):
            raise ValidationError("Choose the theme the target is about")
