"""The forms of the pipeline: moving a stage, the plan's dates and notices, a bidder, the award."""
from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import RadioField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, ValidationError

from portal.choices import offered
from portal.query_args import whole_number
from portal.social_value.forms.fields import date_field, pounds_to_pence

from . import notices
from .awards import Bidder


class StageForm(FlaskForm):
    stage = RadioField("Move it to", widget=GovRadioInput(), choices=[],
                       validators=[DataRequired(message="Choose the stage to move it to")])
    on = date_field("Date it moved", hint="For example, 27 3 2027")
    submit = SubmitField("Move to this stage", widget=GovSubmitInput())


class PlanForm(FlaskForm):
    expected_market_engagement_on = date_field("Expected start of market engagement", required=False)
    expected_tender_on = date_field("Expected tender date", required=False,
                                    hint="When you expect to go out to tender: this puts it on the forward plan")
    expected_award_on = date_field("Expected award date", required=False)
    find_a_tender_notice = StringField(
        "Find a Tender notice number (optional)", widget=GovTextInput(),
        description="Like 000123-2025, or 2024/S 000-123456 on older notices")
    contracts_finder_notice = StringField(
        "Contracts Finder notice id (optional)", widget=GovTextInput(),
        description="The last part of the notice's address, like 3f2c9a0e-5b1d-4c7e-9f3a-2d8b6e4a1c05")
    submit = SubmitField("Save the plan", widget=GovSubmitInput())

    def validate_find_a_tender_notice(self, field):
        self.fts = self._checked(field.data, notices.find_a_tender)

    def validate_contracts_finder_notice(self, field):
        self.cf = self._checked(field.data, notices.contracts_finder)

    @staticmethod
    def _checked(text, check):
        if not (text or "").strip():
            return None
        try:
            return check(text)
        except notices.NoticeProblem as problem:
            raise ValidationError(str(problem)) from None


def bidder_value(bidder: Bidder) -> str:
    return f"business-{bidder.business_id}" if bidder.business_id is not None else f"supplier-{bidder.supplier_id}"


def bidder_from(value: str) -> Bidder:
    kind, _, number = (value or "").partition("-")
    number = whole_number(number, low=1)
    if kind not in ("business", "supplier") or number is None:
        raise ValidationError("Choose the bidder from the list")
    return Bidder(business_id=number) if kind == "business" else Bidder(supplier_id=number)


class BidForm(FlaskForm):
    bidder = SelectField("Who bid", widget=GovSelect(), choices=[], validate_choice=False,
                         description="Registered businesses matched to or interested in it, and your suppliers")
    submit = SubmitField("Record this bid", widget=GovSubmitInput())

    def validate_bidder(self, field):
        if field.data not in offered(field):
            raise ValidationError("Choose the bidder from the list")
        self.chosen = bidder_from(field.data)


class AwardForm(BidForm):
    bidder = SelectField("Who won", widget=GovSelect(), choices=[], validate_choice=False,
                         description="A bidder, a registered business matched to or interested in it, or one of your suppliers")
    value = StringField("Value of the contract awarded, in pounds", widget=GovTextInput(),
                        description="The whole contract, like 48,500",
                        validators=[DataRequired(message="Enter the value of the contract awarded")])
    on = date_field("Date of the award")
    submit = SubmitField("Record the award", widget=GovSubmitInput())

    def validate_value(self, field):
        self.value_pence = pounds_to_pence(field.data, "The value")
