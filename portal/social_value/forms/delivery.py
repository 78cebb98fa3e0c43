"""Delivery reports (by an officer or by the supplier through its link), and verifying or rejecting one."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovFileInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from .fields import date_field, quantity, quantity_field

BENEFICIARY_ROWS = 4
MAX_EVIDENCE_FILES = 5


class DeliveryForm(FlaskForm):
    period_start = date_field("Start of the period", hint="For example, 1 4 2024")
    period_end = date_field("End of the period", hint="For example, 30 6 2024")
    quantity = quantity_field("Quantity delivered in the period", hint="In the measure's unit, for example 12 or 2.5")
    narrative = TextAreaField(
        "What was delivered (optional)", widget=GovTextArea(), validators=[Length(max=5000)],
        description="A few sentences for the report. Do not name people or give their details.",
    )
    evidence = MultipleFileField(
        "Evidence (optional)", widget=GovFileInput(multiple=True),
        description="Up to 5 files: PDF, PNG, JPEG, Excel (.xlsx), Word (.docx) or CSV, each up to 10 MB.",
    )
    submit = SubmitField("Send the delivery report", widget=GovSubmitInput())

    def validate_quantity(self, field):
        self.quantity_value = quantity(field.data, "The quantity delivered")

    def validate_period_end(self, field):
        if field.data and self.period_start.data and field.data < self.period_start.data:
            raise ValidationError("The end of the period must be on or after its start")

    def validate_evidence(self, field):
        if len(self.evidence_files()) > MAX_EVIDENCE_FILES:
            raise ValidationError(f"Attach at most {MAX_EVIDENCE_FILES} files")

    def evidence_files(self) -> list:
        return [f for f in (self.evidence.data or []) if getattr(f, "filename", "")]

    def beneficiary_rows(self) -> list[tuple[str, str, int]]:
        return self._beneficiaries

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        self._beneficiaries = []
        for i in range(BENEFICIARY_ROWS):
            ward, group, count = (getattr(self, f"{name}_{i}") for name in ("ward", "group", "count"))
            if not (count.data or "").strip():
                if (ward.data or "").strip() or (group.data or "").strip():
                    count.errors = [*count.errors, f"Enter how many people benefited in row {i + 1}, or clear the row"]
                    ok = False
                continue
            text = count.data.strip().replace(",", "")
            if not text.isdigit():
                count.errors = [*count.errors, f"The number of people in row {i + 1} must be a whole number, not negative"]
                ok = False
                continue
            self._beneficiaries.append((ward.data or "", group.data or "", int(text)))
        return ok


for _i in range(BENEFICIARY_ROWS):
    setattr(DeliveryForm, f"ward_{_i}", StringField(f"Ward, row {_i + 1}", widget=GovTextInput(), validators=[Length(max=120)]))
    setattr(DeliveryForm, f"group_{_i}", StringField(f"Group, row {_i + 1}", widget=GovTextInput(), validators=[Length(max=120)]))
    setattr(DeliveryForm, f"count_{_i}", StringField(f"Number of people, row {_i + 1}", widget=GovTextInput()))


class SupplierDeliveryForm(DeliveryForm):
    commitment_id = SelectField(
        "Which commitment are you reporting on?", widget=GovSelect(), choices=[],
        validators=[DataRequired(message="Choose the commitment you are reporting on")],
    )


class VerifyForm(FlaskForm):
    submit = SubmitField("Verify the report", widget=GovSubmitInput())


class RejectForm(FlaskForm):
    reason = TextAreaField(
        "Why is it rejected?", widget=GovTextArea(), description="The supplier sees this, so say what would make it acceptable.",
        validators=[DataRequired(message="Say why the report is rejected"), Length(max=2000)],
    )
    submit = SubmitField("Reject the report", widget=GovSubmitInput())
