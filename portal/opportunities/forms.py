"""The opportunity form (with its lots, added and removed without JavaScript) and the ask forms."""
from __future__ import annotations

import re

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from portal import cpv
from portal.choices import labelled, offered
from portal.social_value.forms.fields import date_field, pounds_to_pence
from portal.spend.normalise import postcode_district

from .labels import ASK_KIND_LABELS, VALUE_BAND_LABELS
from .models import VALUE_BANDS
from .services import AskDetails, LotDetails, OpportunityDetails

MAX_LOTS = 20
MAX_CODES = 30
_SEPARATORS = re.compile(r"[\s,;]+")


def district(text: str) -> str:
    """A postcode district ("s60" -> "S60"), also taken from a whole postcode; raises ValidationError."""
    for candidate in (text, f"{text} 1AA"):  # a district alone is checked as the outward code of a postcode
        try:
            return postcode_district(candidate)
        except ValueError:
            continue
    raise ValidationError(f"“{text}” is not a postcode district: use the first half of a postcode, like S60")


def districts(text: str) -> list[str]:
    """Every district in a list like "S60, S61 S62" (raises ValidationError for the first that is not one)."""
    found = [district(part) for part in _SEPARATORS.split(text or "") if part]
    return list(dict.fromkeys(found))


def cpv_codes(text: str) -> list[str]:
    """CPV codes separated by commas, spaces or lines (raises ValidationError naming the first wrong one)."""
    parts = [part for part in _SEPARATORS.split(text or "") if part]
    if len(parts) > MAX_CODES:
        raise ValidationError(f"Give at most {MAX_CODES} CPV codes")
    codes = []
    for part in parts:
        try:
            codes.append(cpv.parse_code(part))
        except cpv.InvalidCpvCode as problem:
            raise ValidationError(str(problem)) from None
    return list(dict.fromkeys(codes))


class LotForm(Form):
    """One lot: a plain Form inside the page's form (which carries the CSRF token)."""

    title = StringField("Lot title", widget=GovTextInput(), validators=[Length(max=300)])
    description = TextAreaField("What this lot covers", widget=GovTextArea(), validators=[Optional(), Length(max=5000)])
    value_band = SelectField(
        "Value band of this lot", widget=GovSelect(),
        choices=[SelectChoice("", "As the whole opportunity")] + labelled(VALUE_BAND_LABELS), validate_choice=False,
    )
    remove = BooleanField("Remove this lot", widget=GovCheckboxInput())

    @property
    def is_dropped(self) -> bool:
        """Removed, or left empty: not saved."""
        blank = not (self.title.data or "").strip() and not (self.description.data or "").strip()
        return bool(self.remove.data) or blank

    def validate_value_band(self, field):
        if field.data and field.data not in VALUE_BANDS:
            raise ValidationError("Choose the lot's value band from the list")

    def validate_title(self, field):
        if self.remove.data:
            return
        if not (field.data or "").strip() and (self.description.data or "").strip():
            raise ValidationError("Give the lot a title, or remove the lot")


class OpportunityForm(FlaskForm):
    # Asked only when the opportunity is added; later moves are the pipeline's (pipeline.py).
    stage = RadioField(
        "Where is this purchase now?", widget=GovRadioInput(), default="tender", validators=[Optional()],
        choices=[SelectChoice("planned", "Planned: we expect to buy this"), SelectChoice("market_engagement", "Market engagement: talking to suppliers"),
                 SelectChoice("tender", "Out to tender, or about to be")],
    )
    title = StringField(
        "Title", widget=GovTextInput(), validators=[DataRequired(message="Enter the opportunity's title"), Length(max=300)]
    )
    description = TextAreaField(
        "What you are buying", widget=GovTextArea(), description="In plain words, for a small firm or a charity",
        validators=[DataRequired(message="Describe what you are buying"), Length(max=20000)],
    )
    cpv = TextAreaField(
        "CPV categories", widget=GovTextArea(),
        description="CPV codes separated by commas or on separate lines, like 45210000, 79410000",
        validators=[DataRequired(message="Enter at least one CPV code, like 45210000")],
    )
    value_band = RadioField(
        "Value band", widget=GovRadioInput(), choices=labelled(VALUE_BAND_LABELS),
        validators=[DataRequired(message="Choose the value band")],
    )
    estimated_value = StringField(
        "Estimated value in pounds (optional)", widget=GovTextInput(), description="The whole contract, like 45,000",
    )
    delivery_location = StringField(
        "Where the work is delivered", widget=GovTextInput(), description="In words, like “Schools across Rotherham”",
        validators=[Optional(), Length(max=300)],
    )
    delivery_districts = StringField(
        "Postcode districts where it is delivered (optional)", widget=GovTextInput(),
        description="The first half of the postcodes, like S60 S61", validators=[Length(max=300)],
    )
    suitable_for_sme = BooleanField("Suitable for small and medium-sized businesses", widget=GovCheckboxInput(), default=True)
    suitable_for_vcse = BooleanField(
        "Suitable for voluntary, community and social enterprise organisations (VCSEs)", widget=GovCheckboxInput()
    )
    closing_date = date_field(
        "Closing date", hint="The last day to respond (for a planned purchase, your best guess). For example, 27 3 2027")
    contact_name = StringField(
        "Contact name", widget=GovTextInput(), validators=[DataRequired(message="Enter the contact's name"), Length(max=200)]
    )
    contact_email = StringField(
        "Contact email address", widget=GovTextInput(),
        validators=[
            DataRequired(message="Enter the contact's email address"),
            Email(message="Enter an email address like name@example.org", check_deliverability=False),
            Length(max=320),
        ],
    )
    lots = FieldList(FormField(LotForm), min_entries=1, max_entries=MAX_LOTS)
    add_lot = SubmitField("Add another lot", widget=GovSubmitInput())
    submit = SubmitField("Save opportunity", widget=GovSubmitInput())

    def validate_cpv(self, field):
        self.codes = cpv_codes(field.data)
        if not self.codes:
            raise ValidationError("Enter at least one CPV code, like 45210000")

    def validate_estimated_value(self, field):
        self.value_pence = pounds_to_pence(field.data, "The estimated value") if (field.data or "").strip() else None
        band = VALUE_BANDS.get(self.value_band.data)
        if self.value_pence is not None and band:
            low, high = band
            if self.value_pence < low or (high is not None and self.value_pence >= high):
                raise ValidationError(
                    f"The estimated value is not in the band chosen ({VALUE_BAND_LABELS[self.value_band.data]})"
                )

    def validate_delivery_districts(self, field):
        self.districts = districts(field.data)

    def add_another_lot(self) -> None:
        """Re-show the form with the lots ticked for removal gone and one empty lot more; the rest keep what was typed."""
        kept = [entry.data for entry in self.lots.entries if not entry.form.remove.data]
        while self.lots.entries:
            self.lots.pop_entry()
        for data in kept[: MAX_LOTS - 1]:
            self.lots.append_entry(data)
        self.lots.append_entry()

    def details(self) -> OpportunityDetails:
        """The service's view of the form, once it is valid."""
        lots = [
            LotDetails(entry.form.title.data.strip(), (entry.form.description.data or "").strip(), entry.form.value_band.data or None)
            for entry in self.lots.entries
            if not entry.form.is_dropped
        ]
        return OpportunityDetails(
            title=self.title.data.strip(), description=self.description.data.strip(), cpv_codes=self.codes,
            value_band=self.value_band.data, estimated_value_pence=self.value_pence,
            delivery_location=(self.delivery_location.data or "").strip(), delivery_districts=self.districts,
            suitable_for_sme=bool(self.suitable_for_sme.data), suitable_for_vcse=bool(self.suitable_for_vcse.data),
            closing_date=self.closing_date.data, contact_name=self.contact_name.data.strip(),
            contact_email=self.contact_email.data.strip(), lots=lots,
        )

    def fill_from(self, opportunity) -> None:
        self.title.data, self.description.data = opportunity.title, opportunity.description
        self.cpv.data = ", ".join(opportunity.cpv_codes)
        self.value_band.data = opportunity.value_band
        pence = opportunity.estimated_value_pence
        self.estimated_value.data = f"{pence // 100}.{pence % 100:02d}" if pence is not None else ""
        self.delivery_location.data = opportunity.delivery_location
        self.delivery_districts.data = " ".join(opportunity.delivery_districts or [])
        self.suitable_for_sme.data, self.suitable_for_vcse.data = opportunity.suitable_for_sme, opportunity.suitable_for_vcse
        self.closing_date.data = opportunity.closing_date
        self.contact_name.data, self.contact_email.data = opportunity.contact_name, opportunity.contact_email
        while self.lots.entries:
            self.lots.pop_entry()
        for lot in opportunity.lots:
            self.lots.append_entry({"title": lot.title, "description": lot.description, "value_band": lot.value_band or ""})
        if not self.lots.entries:
            self.lots.append_entry()


NO_OPPORTUNITY = ""


class AskForm(FlaskForm):
    kind = RadioField(
        "What kind of help is needed", widget=GovRadioInput(), choices=labelled(ASK_KIND_LABELS),
        validators=[DataRequired(message="Choose what kind of help is needed")],
    )
    title = StringField(
        "Title", widget=GovTextInput(), description="Like “Careers talks for Year 10 at Wath Academy”",
        validators=[DataRequired(message="Enter a title for the ask"), Length(max=300)],
    )
    description = TextAreaField("What is needed", widget=GovTextArea(), validators=[Optional(), Length(max=5000)])
    beneficiary = StringField(
        "Who benefits", widget=GovTextInput(), description="Like “Rotherham Youth Centre”",
        validators=[Optional(), Length(max=200)],
    )
    postcode_district = StringField(
        "Postcode district (optional)", widget=GovTextInput(), description="Where the help is needed, like S60",
        validators=[Length(max=8)],
    )
    opportunity_id = SelectField("On one of your opportunities (optional)", widget=GovSelect(), choices=[], validate_choice=False)
    submit = SubmitField("Save ask", widget=GovSubmitInput())

    def set_opportunity_choices(self, opportunities) -> None:
        self.opportunity_id.choices = [SelectChoice(NO_OPPORTUNITY, "Not on an opportunity")] + [
            SelectChoice(str(o.id), o.title) for o in opportunities
        ]

    def validate_postcode_district(self, field):
        self.district = district(field.data.strip()) if (field.data or "").strip() else None

    def validate_opportunity_id(self, field):
        if field.data and field.data not in offered(field):
            raise ValidationError("Choose one of your own opportunities, or none")

    def details(self) -> AskDetails:
        return AskDetails(
            kind=self.kind.data, title=self.title.data.strip(), description=(self.description.data or "").strip(),
            beneficiary=(self.beneficiary.data or "").strip(), postcode_district=self.district,
            opportunity_id=int(self.opportunity_id.data) if self.opportunity_id.data else None,
        )


class AskStatusForm(FlaskForm):
    status = RadioField(
        "Is this ask still open?", widget=GovRadioInput(),
        choices=[SelectChoice("open", "Open: still looking for help"), SelectChoice("met", "Met: a supplier is helping"), SelectChoice("closed", "Closed: no longer needed")],
        validators=[DataRequired(message="Choose open, met or closed")],
    )
    submit = SubmitField("Save", widget=GovSubmitInput())
