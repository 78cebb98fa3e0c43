"""The contract form: details, the supplier (from the register or as given), route and Real Living Wage."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, ValidationError

from portal.choices import labelled, offered

from ..chasing import FREQUENCY_LABELS
from .fields import date_field, pounds_to_pence

# The seven routes to social value of the Kirklees policy, in the users' words.
ROUTE_LABELS = {
    "employment_practice": "Employment practice",
    "commissioning": "Commissioning",
    "procurement": "Procurement",
    "planning_and_development": "Planning and development",
    "grants": "Grants",
    "asset_transfers": "Asset transfers",
    "non_treasury_investments": "Non-treasury investments",
}
RLW_LABELS = {"yes": "Yes", "no": "No", "unknown": "Not known"}
NOT_IN_REGISTER = ""
NOT_RECORDED = ""
ON_PREMISES_LABELS = {NOT_RECORDED: "Not recorded", "yes": "Yes", "no": "No"}


class ContractForm(FlaskForm):
    reference = StringField(
        "Your contract reference", widget=GovTextInput(),
        validators=[DataRequired(message="Enter the contract reference"), Length(max=120)],
    )
    title = StringField("Title", widget=GovTextInput(), validators=[DataRequired(message="Enter the contract's title"), Length(max=300)])
    supplier_id = SelectField(
        "Supplier in the network's register", widget=GovSelect(), choices=[], validate_choice=False,
        description="Search the register above, then choose. Or leave this and type the name below.",
    )
    supplier_name_as_given = StringField(
        "Supplier name, if it is not in the register", widget=GovTextInput(), validators=[Optional(), Length(max=300)],
    )
    value = StringField(
        "Contract value in pounds", widget=GovTextInput(), description="The whole contract, for example 1,250,000",
        validators=[DataRequired(message="Enter the contract value in pounds")],
    )
    start_date = date_field("Start date")
    end_date = date_field("End date", required=False, hint="Leave blank if it has no fixed end. For example, 31 3 2027")
    category = StringField("Category (optional)", widget=GovTextInput(), description="A CPV or ProClass code or label",
                           validators=[Optional(), Length(max=200)])
    route = RadioField(
        "Route to social value", widget=GovRadioInput(), choices=labelled(ROUTE_LABELS), default="procurement",
        validators=[DataRequired(message="Choose the route the contract came by")],
    )
    rlw_in_scope = BooleanField("In scope for the Real Living Wage", widget=GovCheckboxInput())
    supplier_pays_rlw = RadioField(
        "Does the supplier pay the Real Living Wage?", widget=GovRadioInput(), choices=labelled(RLW_LABELS),
        default="unknown", validators=[DataRequired(message="Say whether the supplier pays the Real Living Wage")],
    )
    rlw_on_premises = RadioField(
        "Do the supplier's staff work on your premises or property for this contract?", widget=GovRadioInput(),
        choices=labelled(ON_PREMISES_LABELS), default=NOT_RECORDED, validators=[Optional()],
        description="With the two questions below, the Living Wage Foundation's rule decides whether the contract is in scope.",
    )
    rlw_hours_on_a_day = StringField(
        "Hours they work on the busiest day of a week", widget=GovTextInput(), validators=[Optional(), Length(max=6)],
        description="For example, 2.5. Leave blank if not known.",
    )
    rlw_weeks_in_a_row = IntegerField(
        "Most weeks in a row they work in a year", widget=GovTextInput(),
        validators=[Optional(), NumberRange(min=0, max=53, message="Enter a number of weeks from 0 to 53")],
    )
    renewal_date = date_field("Renewal date", required=False, hint="When the contract comes up for renewal. For example, 31 3 2026")
    reporting_frequency = RadioField(
        "How often does the supplier send a return?", widget=GovRadioInput(), choices=labelled(FREQUENCY_LABELS),
        default="none", validators=[Optional()],
        description="When a return falls due the supplier is emailed its reporting link.",
    )
    supplier_contact_email = StringField(
        "Supplier contact's email address", widget=GovTextInput(),
        validators=[Optional(), Email(message="Enter an email address like name@example.com"), Length(max=320)],
    )
    contract_manager_id = SelectField(
        "Contract manager", widget=GovSelect(), choices=[], validate_choice=False,
        description="Told by email when a return is still missing after the network's chasing days.",
    )
    submit = SubmitField("Save contract", widget=GovSubmitInput())

    def set_manager_choices(self, people) -> None:
        self.contract_manager_id.choices = [SelectChoice("", "Nobody named")] + [SelectChoice(str(p.id), f"{p.name} ({p.email})") for p in people]

    def validate_contract_manager_id(self, field):
        if field.data and field.data not in offered(field):
            raise ValidationError("Choose one of your organisation's people")

    def validate_rlw_hours_on_a_day(self, field):
        self.rlw_hours = None
        if (field.data or "").strip():
            try:
                self.rlw_hours = Decimal(field.data.strip())
            except InvalidOperation:
                raise ValidationError("Enter the hours as a number, like 2.5") from None
            if not Decimal(0) <= self.rlw_hours <= Decimal(24):
                raise ValidationError("Enter the hours as a number from 0 to 24")

    def set_supplier_choices(self, suppliers) -> None:
        self.supplier_id.choices = [SelectChoice(NOT_IN_REGISTER, "Not in the register: use the name typed below")] + [
            SelectChoice(str(s.id), s.name + (f" ({s.postcode})" if s.postcode else "")) for s in suppliers
        ]

    def validate_value(self, field):
        self.value_pence = pounds_to_pence(field.data, "The contract value")

    def validate_end_date(self, field):
        if field.data and self.start_date.data and field.data < self.start_date.data:
            raise ValidationError("The end date must be on or after the start date")

    def validate_supplier_id(self, field):
        if field.data and field.data not in offered(field):
            raise ValidationError("Choose a supplier from the network's register, or type its name")
        if not field.data and not (self.supplier_name_as_given.data or "").strip():
            raise ValidationError("Choose the supplier from the register, or type its name")

    def contract_fields(self) -> dict:
        """The service's keyword arguments (reference apart)."""
        supplier_id = int(self.supplier_id.data) if self.supplier_id.data else None
        return {
            "title": self.title.data.strip(), "supplier_id": supplier_id,
            "supplier_name_as_given": None if supplier_id else self.supplier_name_as_given.data.strip(),
            "value_pence": self.value_pence, "start_date": self.start_date.data, "end_date": self.end_date.data,
            "category": (self.category.data or "").strip() or None, "route": self.route.data,
            "rlw_in_scope": bool(self.rlw_in_scope.data), "supplier_pays_rlw": self.supplier_pays_rlw.data,
            "rlw_on_premises": {"yes": True, "no": False}.get(self.rlw_on_premises.data),
            "rlw_hours_on_a_day": getattr(self, "rlw_hours", None), "rlw_weeks_in_a_row": self.rlw_weeks_in_a_row.data,
            "renewal_date": self.renewal_date.data, "reporting_frequency": self.reporting_frequency.data or "none",
            "supplier_contact_email": (self.supplier_contact_email.data or "").strip() or None,
            "contract_manager_id": int(self.contract_manager_id.data) if self.contract_manager_id.data else None,
        }

    def fill_from(self, contract) -> None:
        self.reference.data, self.title.data = contract.reference, contract.title
        self.supplier_id.data = str(contract.supplier_id) if contract.supplier_id else NOT_IN_REGISTER
        self.supplier_name_as_given.data = contract.supplier_name_as_given or ""
        pence = contract.value_pence
        self.value.data = "" if pence is None else f"{pence // 100}.{pence % 100:02d}"
        self.start_date.data, self.end_date.data = contract.start_date, contract.end_date
        self.category.data = contract.category or ""
        self.route.data, self.rlw_in_scope.data = contract.route, contract.rlw_in_scope
        self.supplier_pays_rlw.data = contract.supplier_pays_rlw
        self.rlw_on_premises.data = {True: "yes", False: "no"}.get(contract.rlw_on_premises, NOT_RECORDED)
        self.rlw_hours_on_a_day.data = "" if contract.rlw_hours_on_a_day is None else str(contract.rlw_hours_on_a_day)
        self.rlw_weeks_in_a_row.data = contract.rlw_weeks_in_a_row
        self.renewal_date.data = contract.renewal_date
        self.reporting_frequency.data = contract.reporting_frequency
        self.supplier_contact_email.data = contract.supplier_contact_email or ""
        self.contract_manager_id.data = str(contract.contract_manager_id) if contract.contract_manager_id else ""
