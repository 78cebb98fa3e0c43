"""Forms for importing spend and entering a single line."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    DateField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from portal.widgets import DateInput

from .headers import REQUIRED_FIELDS
from .normalise import normalise_postcode, parse_amount

FIELD_LABELS = {
    "payment_date": "Payment date",
    "amount": "Amount",
    "supplier_name": "Supplier name",
    "transaction_ref": "Transaction reference",
    "expense_type": "Expense type",
    "service_area": "Service area",
    "category": "Category (ProClass or CPV)",
    "supplier_postcode": "Supplier postcode",
    "company_number": "Supplier company number",
    "charity_number": "Supplier charity number",
    "vcse_flag": "VCSE supplier (yes or no)",
    "supplier_ref": "Supplier ID",
    "body_name": "Body name",
}


class UploadForm(FlaskForm):
    spend_file = FileField(
        "Upload a spend file",
        widget=GovFileInput(),
        description="A CSV or Excel (.xlsx) file in the Transparency Code layout, up to 200 MB.",
        validators=[
            FileRequired(message="Select a spend file"),
            FileAllowed(["csv", "xlsx", "txt"], message="The selected file must be a CSV or an Excel (.xlsx) file"),
        ],
    )
    submit = SubmitField("Upload file", widget=GovSubmitInput())


def mapping_form(headers: list[str], mapping: dict, data=None) -> FlaskForm:
    """A form with one select per portal field, offering the file's headers."""

    class MappingForm(FlaskForm):
        submit = SubmitField("Import the file", widget=GovSubmitInput())

    choices = [SelectChoice("", "Not in this file")] + [SelectChoice(h, h) for h in headers]
    for field, label in FIELD_LABELS.items():
        validators = [Optional()]
        if field in REQUIRED_FIELDS:
            validators = [DataRequired(message=f"Choose the column that holds the {label.lower()}")]
            label = f"{label} (required)"  # said before the officer submits, not only in an error
        setattr(MappingForm, field, SelectField(label, choices=choices, default=mapping.get(field, ""), widget=GovSelect(), validators=validators))
    return MappingForm(formdata=data)


class SpendLineForm(FlaskForm):
    payment_date = DateField(
        "Payment date", widget=DateInput(), format="%d %m %Y",
        description="For example, 27 3 2025",
        validators=[DataRequired(message="Enter the payment date as a real date, like 27 3 2025")],
    )
    amount = StringField(
        "Amount in pounds", widget=GovTextInput(), description="Use a minus sign for a credit note, like -120.50",
        validators=[DataRequired(message="Enter the amount")],
    )
    supplier_name = StringField("Supplier name", widget=GovTextInput(), validators=[DataRequired(message="Enter the supplier's name"), Length(max=300)])
    supplier_postcode = StringField("Supplier postcode (optional)", widget=GovTextInput(), validators=[Optional()])
    transaction_ref = StringField(
        "Your transaction reference", widget=GovTextInput(),
        description="The reference in your finance system, so the line is never counted twice",
        validators=[DataRequired(message="Enter your transaction reference"), Length(max=120)],
    )
    expense_type = StringField("Expense type (optional)", widget=GovTextInput(), validators=[Optional(), Length(max=200)])
    service_area = StringField("Service area (optional)", widget=GovTextInput(), validators=[Optional(), Length(max=200)])
    category = StringField("Category (optional)", widget=GovTextInput(), validators=[Optional(), Length(max=200)])
    submit = SubmitField("Save line", widget=GovSubmitInput())

    def validate_amount(self, field):
        try:
            self.amount_pence = parse_amount(field.data)
        except ValueError as error:
            raise ValidationError(str(error)) from None
        if self.amount_pence == 0:
            raise ValidationError("The amount cannot be zero")

    def validate_supplier_postcode(self, field):
        if field.data:
            try:
                field.data = normalise_postcode(field.data)
            except ValueError as error:
                raise ValidationError(str(error)) from None


class ImportGoodLinesForm(FlaskForm):
    confirm = BooleanField(
        "I understand the rejected lines will not be imported", widget=GovCheckboxInput(),
        validators=[DataRequired(message="Confirm that the rejected lines will be left out")],
    )
    submit = SubmitField("Import the good lines", widget=GovSubmitInput())


class RetryImportForm(FlaskForm):
    submit = SubmitField("Try the import again", widget=GovSubmitInput())


class HeldMonthsChoiceForm(FlaskForm):
    choice = RadioField(
        "What should we do with the months you already hold?", widget=GovRadioInput(),
        choices=[
            SelectChoice("replace", "Replace those months with this file"),
            SelectChoice("add", "Add only the new lines"),
        ],
        validators=[DataRequired(message="Choose whether to replace those months or add only the new lines")],
    )
    submit = SubmitField("Continue the import", widget=GovSubmitInput())


class WithdrawImportForm(FlaskForm):
    confirm = BooleanField(
        "I understand this import's lines will stop counting in every total", widget=GovCheckboxInput(),
        validators=[DataRequired(message="Confirm that this import's lines will stop counting")],
    )
    submit = SubmitField("Withdraw this import", widget=GovSubmitInput())
