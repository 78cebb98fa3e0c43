"""The forms to record or change a grant, and to import a CSV file of them."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import (
    GovFileInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from portal.social_value.forms.fields import date_field, pounds_to_pence

from .models import Grant
from .services import GrantDetails


class GrantForm(FlaskForm):
    title = StringField("Title", widget=GovTextInput(), description="Like “Community food larder”",
                        validators=[DataRequired(message="Enter the grant's title"), Length(max=300)])
    recipient_name = StringField("Organisation that received it", widget=GovTextInput(),
                                 validators=[DataRequired(message="Enter the name of the organisation that received the grant"),
                                             Length(max=300)])
    recipient_charity_number = StringField("Charity number (optional)", widget=GovTextInput(),
                                           description="As the charity register writes it, like 1123456 or SC012345",
                                           validators=[Optional(), Length(max=20)])
    recipient_company_number = StringField("Company number (optional)", widget=GovTextInput(),
                                           description="As Companies House writes it, like 01234567",
                                           validators=[Optional(), Length(max=12)])
    recipient_postcode = StringField("Recipient's postcode (optional)", widget=GovTextInput(),
                                     validators=[Optional(), Length(max=10)])
    recipient_district = StringField("Or its postcode district (optional)", widget=GovTextInput(),
                                     description="The first half of a postcode, like S60, when the full postcode is not to be published",
                                     validators=[Optional(), Length(max=5)])
    amount = StringField("Amount awarded, in pounds", widget=GovTextInput(), description="Like 2,500.00",
                         validators=[DataRequired(message="Enter the amount awarded, like 2,500.00"), Length(max=20)])
    awarded_on = date_field("Award date")
    programme = StringField("Programme (optional)", widget=GovTextInput(), description="Like “Community Investment Fund 2026”",
                            validators=[Optional(), Length(max=200)])
    description = TextAreaField("Description (optional)", widget=GovTextArea(), description="What the grant is for",
                                validators=[Optional(), Length(max=5000)])
    submit = SubmitField("Save grant", widget=GovSubmitInput())

    amount_pence: int | None = None

    def validate_amount(self, field):
        self.amount_pence = pounds_to_pence(field.data, "The amount awarded")

    def details(self) -> GrantDetails:
        return GrantDetails(
            title=self.title.data or "", recipient_name=self.recipient_name.data or "", amount_pence=self.amount_pence,
            awarded_on=self.awarded_on.data, description=self.description.data or "", programme=self.programme.data or "",
            recipient_charity_number=self.recipient_charity_number.data or "",
            recipient_company_number=self.recipient_company_number.data or "",
            recipient_postcode=self.recipient_postcode.data or "", recipient_district=self.recipient_district.data or "",
        )

    def fill_from(self, grant: Grant) -> None:
        for name in ("title", "recipient_name", "description", "programme"):
            getattr(self, name).data = getattr(grant, name)
        for name in ("recipient_charity_number", "recipient_company_number", "recipient_postcode", "recipient_district"):
            getattr(self, name).data = getattr(grant, name) or ""
        self.amount.data = f"{grant.amount_pence // 100}.{grant.amount_pence % 100:02d}"
        self.awarded_on.data = grant.awarded_on


class GrantFileForm(FlaskForm):
    grants_file = FileField(
        "Upload a CSV file of grants", widget=GovFileInput(),
        description="One grant a line, under a first line naming the columns; up to 5,000 grants.",
        validators=[FileRequired(message="Select a CSV file of grants"),
                    FileAllowed(["csv", "txt"], message="The selected file must be a CSV file")],
    )
    submit = SubmitField("Import grants", widget=GovSubmitInput())
