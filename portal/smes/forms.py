"""Forms a small business or VCSE fills in: registering, and its profile."""
from __future__ import annotations

import re

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    EmailField,
    RadioField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import URL, DataRequired, Email, Length, Optional, ValidationError

from portal.accounts.forms import NewPasswordMixin, _email_field, _strip
from portal.choices import labelled
from portal.cpv import InvalidCpvCode, parse_code
from portal.spend.normalise import (
    normalise_charity_number,
    normalise_company_number,
    normalise_postcode,
)

from .labels import OFFER_LABELS, ORGANISATION_TYPE_LABELS, OWNERSHIP_LABELS, SIZE_BAND_LABELS

COMPANY_NUMBER_HINT = (
    "8 characters from Companies House: 8 digits (01234567), or 2 letters and 6 digits "
    "(SC123456 in Scotland, NI123456 in Northern Ireland, OC123456 for an LLP)"
)
CHARITY_NUMBER_HINT = (
    "England and Wales: 6 to 8 digits, with -1 or similar for a linked charity (1123456-1). "
    "Scotland: SC and 6 digits (SC012345). Northern Ireland: NIC and 6 digits (NIC100002)"
)
_CODE_SEPARATORS = re.compile(r"[\s,;]+")


def cpv_codes_in(text: str) -> list[str]:
    """The CPV codes typed into a box, in order and once each; raises InvalidCpvCode naming every bad one."""
    codes, problems = [], []
    for part in _CODE_SEPARATORS.split(text or ""):
        if not part:
            continue
        try:
            code = parse_code(part)
        except InvalidCpvCode as problem:
            problems.append(str(problem))
            continue
        if code not in codes:
            codes.append(code)
    if problems:
        raise InvalidCpvCode("; ".join(problems[:5]) + (f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""))
    return codes


class PostcodeMixin:
    postcode = StringField(
        "Postcode", widget=GovTextInput(), filters=[_strip],
        validators=[DataRequired(message="Enter your business's postcode")],
        description="Where your business is based. We use it to tell partners you are local.",
    )

    def validate_postcode(self, field):
        try:
            field.data = normalise_postcode(field.data)
        except ValueError:
            raise ValidationError("Enter a real UK postcode, like S60 1AE") from None


class RegistrationForm(PostcodeMixin, NewPasswordMixin, FlaskForm):
    business_name = StringField(
        "Business or organisation name", widget=GovTextInput(), filters=[_strip],
        validators=[DataRequired(message="Enter the name of your business or organisation"), Length(max=200)],
    )
    organisation_type = RadioField(
        "What kind of organisation is it?", widget=GovRadioInput(), choices=labelled(ORGANISATION_TYPE_LABELS),
        validators=[DataRequired(message="Choose what kind of organisation it is")],
    )
    name = StringField(
        "Your full name", widget=GovTextInput(), filters=[_strip],
        validators=[DataRequired(message="Enter your full name"), Length(max=200)],
    )
    email = _email_field("Your email address")
    size_band = RadioField(
        "How many people work for it?", widget=GovRadioInput(), choices=labelled(SIZE_BAND_LABELS),
        validators=[DataRequired(message="Choose how many people work for it")],
    )
    submit = SubmitField("Register", widget=GovSubmitInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.password.label.text = "Create a password"

    def password_context(self) -> list[str]:
        return [self.email.data or "", self.name.data or "", self.business_name.data or ""]


class ProfileForm(PostcodeMixin, FlaskForm):
    # Fields shown as the profile stores them; the others are reshaped (see views._form_data).
    COPIED = (
        "organisation_type", "company_number", "charity_number", "postcode", "size_band", "living_wage_accredited",
        "what_we_do", "social_value_offers", "social_value_detail", "contact_name", "contact_email", "phone",
        "website", "wants_weekly_digest",
    )

    name = StringField(
        "Business or organisation name", widget=GovTextInput(), filters=[_strip],
        validators=[DataRequired(message="Enter the name of your business or organisation"), Length(max=200)],
    )
    organisation_type = RadioField(
        "What kind of organisation is it?", widget=GovRadioInput(), choices=labelled(ORGANISATION_TYPE_LABELS),
        validators=[DataRequired(message="Choose what kind of organisation it is")],
    )
    company_number = StringField(
        "Company number (optional)", widget=GovTextInput(), filters=[_strip], description=COMPANY_NUMBER_HINT,
    )
    charity_number = StringField(
        "Charity number (optional)", widget=GovTextInput(), filters=[_strip], description=CHARITY_NUMBER_HINT,
    )
    size_band = RadioField(
        "How many people work for it?", widget=GovRadioInput(), choices=labelled(SIZE_BAND_LABELS),
        validators=[DataRequired(message="Choose how many people work for it")],
    )
    cpv_codes = TextAreaField(
        "Categories of work (CPV codes)", widget=GovTextArea(), filters=[_strip],
        description="8-digit codes from the Common Procurement Vocabulary, separated by commas or new lines, "
        "like 45210000, 90911200. You can also find codes by searching their names.",
    )
    ownership = SelectMultipleField(
        "Ownership", widget=GovCheckboxesInput(), choices=labelled(OWNERSHIP_LABELS), validators=[Optional()],
        description="Tick all that apply.",
    )
    living_wage_accredited = BooleanField("We are accredited as a Real Living Wage employer", widget=GovCheckboxInput())
    accreditations = TextAreaField(
        "Other accreditations (optional)", widget=GovTextArea(), filters=[_strip],
        validators=[Length(max=2000)], description="One a line, like ISO 14001 or Cyber Essentials.",
    )
    what_we_do = TextAreaField(
        "What you do", widget=GovTextArea(), filters=[_strip],
        validators=[Length(max=5000, message="Describe what you do in 5,000 characters or fewer")],
        description="In your own words: the work you do and for whom. Partners' opportunities are matched to it.",
    )
    social_value_offers = SelectMultipleField(
        "Social value you could offer", widget=GovCheckboxesInput(), choices=labelled(OFFER_LABELS),
        validators=[Optional()],
    )
    social_value_detail = TextAreaField(
        "More about the social value you could offer (optional)", widget=GovTextArea(), filters=[_strip],
        validators=[Length(max=5000)],
    )
    contact_name = StringField("Contact name", widget=GovTextInput(), filters=[_strip], validators=[Length(max=200)])
    contact_email = EmailField(
        "Contact email address", widget=GovTextInput(), filters=[_strip],
        validators=[Optional(), Email(message="Enter an email address in the correct format, like name@example.org"), Length(max=320)],
    )
    phone = StringField("Telephone (optional)", widget=GovTextInput(), filters=[_strip], validators=[Length(max=40)])
    website = StringField(
        "Website (optional)", widget=GovTextInput(), filters=[_strip],
        validators=[Optional(), URL(message="Enter a website address starting https://"), Length(max=300)],
    )
    wants_weekly_digest = BooleanField(
        "Email me a weekly digest of new opportunities that match my profile", widget=GovCheckboxInput(),
    )
    submit = SubmitField("Save your profile", widget=GovSubmitInput())

    def validate_company_number(self, field):
        try:
            field.data = normalise_company_number(field.data)
        except ValueError:
            raise ValidationError(f"Enter a company number of {COMPANY_NUMBER_HINT}") from None

    def validate_charity_number(self, field):
        try:
            field.data = normalise_charity_number(field.data)
        except ValueError:
            raise ValidationError(f"Enter a registered charity number. {CHARITY_NUMBER_HINT}") from None

    def validate_cpv_codes(self, field):
        try:
            self.codes = cpv_codes_in(field.data)
        except InvalidCpvCode as problem:
            raise ValidationError(str(problem)) from None


class CategorySearchForm(FlaskForm):
    """The no-JavaScript way to pick categories: search names, tick codes."""

    codes = SelectMultipleField("Categories", choices=[], validate_choice=False)
    submit = SubmitField("Save these categories", widget=GovSubmitInput())

    def validate_codes(self, field):
        try:
            self.chosen = cpv_codes_in(" ".join(field.data or []))
        except InvalidCpvCode as problem:
            raise ValidationError(str(problem)) from None
