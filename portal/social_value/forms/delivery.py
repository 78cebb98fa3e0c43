"""Delivery reports (by an officer or by the supplier through its link), changing one, adding evidence, verifying or rejecting."""
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
from wtforms import SelectChoice, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from portal.query_args import whole_number

from .fields import date_field, quantity, quantity_field

BENEFICIARY_ROWS = 4
MAX_EVIDENCE_FILES = 5


def _evidence_field(label: str = "Evidence (optional)") -> MultipleFileField:
    return MultipleFileField(
        label, widget=GovFileInput(multiple=True),
        description=f"Up to {MAX_EVIDENCE_FILES} files: PDF, PNG, JPEG, Excel (.xlsx), Word (.docx) or CSV, each up to 10 MB.",
    )


class _EvidenceFiles:
    """The chosen files of an ``evidence`` field (a browser sends one empty part when none is chosen)."""

    def validate_evidence(self, field):
        if len(self.evidence_files()) > MAX_EVIDENCE_FILES:
            raise ValidationError(f"Attach at most {MAX_EVIDENCE_FILES} files")

    def evidence_files(self) -> list:
        return [f for f in (self.evidence.data or []) if getattr(f, "filename", "")]


class DeliveryFields(FlaskForm):
    """What a delivery report says: the period, the quantity, what was delivered, who benefited."""

    beneficiary_row_count = BENEFICIARY_ROWS
    period_start = date_field("Start of the period", hint="For example, 1 4 2024")
    period_end = date_field("End of the period", hint="For example, 30 6 2024")
    quantity = quantity_field("Quantity delivered in the period", hint="In the measure's unit, for example 12 or 2.5")
    narrative = TextAreaField(
        "What was delivered (optional)", widget=GovTextArea(), validators=[Length(max=5000)],
        description="A few sentences for the report. Do not name people or give their details.",
    )

    def validate_quantity(self, field):
        self.quantity_value = quantity(field.data, "The quantity delivered")

    def validate_period_end(self, field):
        if field.data and self.period_start.data and field.data < self.period_start.data:
            raise ValidationError("The end of the period must be on or after its start")

    def beneficiary_rows(self) -> list[tuple[str, str, int]]:
        return self._beneficiaries

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        self._beneficiaries = []
        for i in range(self.beneficiary_row_count):
            ward, group, count = (getattr(self, f"{name}_{i}") for name in ("ward", "group", "count"))
            if not (count.data or "").strip():
                if (ward.data or "").strip() or (group.data or "").strip():
                    count.errors = [*count.errors, f"Enter how many people benefited in row {i + 1}, or clear the row"]
                    ok = False
                continue
            number = whole_number(count.data.replace(",", ""), 0, 10**9)
            if number is None:
                count.errors = [*count.errors, f"The number of people in row {i + 1} must be a whole number, not negative"]
                ok = False
                continue
            self._beneficiaries.append((ward.data or "", group.data or "", number))
        return ok


def _beneficiary_boxes(form_class, rows: range) -> None:
    # Chosen, never typed: the choices are the network's (offer_beneficiary_choices), set per request.
    for i in rows:
        setattr(form_class, f"ward_{i}", SelectField(f"Ward, row {i + 1}", widget=GovSelect(), choices=[SelectChoice("", "Not recorded")], default=""))
        setattr(form_class, f"group_{i}", SelectField(f"Group, row {i + 1}", widget=GovSelect(), choices=[SelectChoice("", "Not recorded")], default=""))
        setattr(form_class, f"count_{i}", StringField(f"Number of people, row {i + 1}", widget=GovTextInput()))


_beneficiary_boxes(DeliveryFields, range(BENEFICIARY_ROWS))


def offer_beneficiary_choices(form, choices, recorded=()) -> None:
    """Let each beneficiary row choose the network's wards and groups (the Act's, then the network's).

    ``recorded`` are the (ward, group) pairs the report already has: a report made
    before wards were chosen keeps what it says until someone changes it.
    """
    kept_wards = sorted({w for w, _ in recorded if w and w not in choices.wards})
    known_groups = {*choices.protected, *choices.adopted}
    kept_groups = sorted({g for _, g in recorded if g and g not in known_groups})
    wards = [SelectChoice("", "Not recorded")] + [SelectChoice(w, w) for w in (*choices.wards, *kept_wards)]
    groups = ([SelectChoice("", "Not recorded")] + [SelectChoice(g, g) for g in choices.protected]
              + [SelectChoice(g, f"{g} (network group)") for g in choices.adopted]
              + [(g, f"{g} (as recorded)") for g in kept_groups])
    for i in range(form.beneficiary_row_count):
        form[f"ward_{i}"].choices = wards
        form[f"group_{i}"].choices = groups


class DeliveryForm(_EvidenceFiles, DeliveryFields):
    evidence = _evidence_field()
    submit = SubmitField("Send the delivery report", widget=GovSubmitInput())


def delivery_change_form(rows_recorded: int = 0) -> DeliveryFields:
    """Changing a report: its fields without the evidence, with a row for each count it already has (at least the usual four)."""

    class DeliveryChangeForm(DeliveryFields):
        beneficiary_row_count = max(BENEFICIARY_ROWS, rows_recorded)
        submit = SubmitField("Save the changes", widget=GovSubmitInput())

    _beneficiary_boxes(DeliveryChangeForm, range(BENEFICIARY_ROWS, DeliveryChangeForm.beneficiary_row_count))
    return DeliveryChangeForm()


class EvidenceForm(_EvidenceFiles, FlaskForm):
    """More evidence for a report already made: the same types and sizes as when it was made."""

    evidence = _evidence_field("Add evidence")
    submit = SubmitField("Add the files", widget=GovSubmitInput())

    def validate_evidence(self, field):
        if not self.evidence_files():
            raise ValidationError("Choose at least one file to add")
        super().validate_evidence(field)


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


class AdoptGroupForm(FlaskForm):
    name = StringField(
        "Group to add", widget=GovTextInput(),
        description="A group your network counts beneficiaries in beside the protected characteristics, like Care leavers.",
        validators=[DataRequired(message="Enter the name of the group, like Care leavers"), Length(max=120)],
    )
    submit = SubmitField("Add the group", widget=GovSubmitInput())


class DropGroupForm(FlaskForm):
    submit = SubmitField("Stop counting in this group", widget=GovSubmitInput())
