"""The forms of support, events, registration, attendance, a VCSE's ask, a decision and accepting an offer."""
from __future__ import annotations

import re
from datetime import datetime, time

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from portal.choices import labelled, offered
from portal.opportunities.forms import district
from portal.opportunities.labels import ASK_KIND_LABELS
from portal.social_value.forms.fields import date_field

from .events import MAX_CAPACITY
from .labels import EVENT_KIND_LABELS, SUPPORT_KIND_LABELS
from .problems import SupportProblem
from .records import hours_of

_TIME = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")


class SupportForm(FlaskForm):
    business_id = SelectField("Business", widget=GovSelect(), choices=[], validate_choice=False,
                              validators=[DataRequired(message="Choose the business you supported")])
    kind = RadioField("Kind of support", widget=GovRadioInput(), choices=labelled(SUPPORT_KIND_LABELS),
                      validators=[DataRequired(message="Choose the kind of support")])
    given_on = date_field("Date given")
    hours = StringField("Hours", widget=GovTextInput(), description="Like 1.5",
                        validators=[DataRequired(message="Enter the hours, like 1.5"), Length(max=12)])
    programme = StringField("Programme (optional)", widget=GovTextInput(), description="Like “Go For Growth”",
                            validators=[Optional(), Length(max=200)])
    notes = TextAreaField("Notes (optional)", widget=GovTextArea(), description="Your own: the business does not see them",
                          validators=[Optional(), Length(max=5000)])
    submit = SubmitField("Save support", widget=GovSubmitInput())

    def set_business_choices(self, businesses) -> None:
        self.business_id.choices = [SelectChoice("", "Choose a business")] + [SelectChoice(str(b.id), b.name) for b in businesses]

    def validate_business_id(self, field):
        if field.data not in (offered(field) - {""}):
            raise ValidationError("Choose a business registered in your network")

    def validate_hours(self, field):
        try:
            hours_of(field.data)
        except SupportProblem as problem:
            raise ValidationError(str(problem)) from None


class EventForm(FlaskForm):
    kind = RadioField("Kind of event", widget=GovRadioInput(), choices=labelled(EVENT_KIND_LABELS),
                      validators=[DataRequired(message="Choose the kind of event")])
    title = StringField("Title", widget=GovTextInput(), description="Like “Meet the buyer: Rotherham Council highways”",
                        validators=[DataRequired(message="Enter the event's title"), Length(max=300)])
    description = TextAreaField("What happens (optional)", widget=GovTextArea(), validators=[Optional(), Length(max=5000)])
    day = date_field("Date of the event")
    starts = StringField("Start time", widget=GovTextInput(), description="24-hour clock, like 09:30",
                         validators=[DataRequired(message="Enter the start time, like 09:30"), Length(max=5)])
    place = StringField("Place", widget=GovTextInput(), description="Like “Rotherham Town Hall, S60 2TH”",
                        validators=[DataRequired(message="Enter where the event is"), Length(max=300)])
    capacity = IntegerField("Places", widget=GovTextInput(), description="How many businesses can come",
                            validators=[InputRequired(message="Enter how many places there are, like 40"),
                                        NumberRange(min=1, max=MAX_CAPACITY, message=f"Enter a number of places from 1 to {MAX_CAPACITY:,}")])
    submit = SubmitField("Save event", widget=GovSubmitInput())

    def validate_starts(self, field):
        found = _TIME.match(field.data or "")
        if not found or int(found[1]) > 23 or int(found[2]) > 59:
            raise ValidationError("Enter the start time on the 24-hour clock, like 09:30")
        self.start_time = time(int(found[1]), int(found[2]))

    def starts_at(self) -> datetime:
        # Events are local: the portal keeps UTC, and the UK's offset is at most an hour, said on the page.
        from zoneinfo import ZoneInfo

        return datetime.combine(self.day.data, self.start_time, tzinfo=ZoneInfo("Europe/London"))


class RegistrationForm(FlaskForm):
    contact_name = StringField("Who will come", widget=GovTextInput(),
                               validators=[DataRequired(message="Enter the name of who will come"), Length(max=200)])
    contact_email = StringField("Their email", widget=GovTextInput(), description="The partner uses it to follow up",
                                validators=[DataRequired(message="Enter an email address"), Email(message="Enter a real email address, like name@example.org"), Length(max=320)])
    submit = SubmitField("Register", widget=GovSubmitInput())


class ConfirmForm(FlaskForm):
    submit = SubmitField("Confirm", widget=GovSubmitInput())


class BusinessAskForm(FlaskForm):
    partner_id = SelectField("Send it to", widget=GovSelect(), choices=[], validate_choice=False,
                             description="The partner that reads it first and publishes it",
                             validators=[DataRequired(message="Choose the partner to send it to")])
    kind = RadioField("What kind of help you need", widget=GovRadioInput(), choices=labelled(ASK_KIND_LABELS),
                      validators=[DataRequired(message="Choose what kind of help you need")])
    title = StringField("What you need", widget=GovTextInput(), description="Like “Mentoring for our treasurer”",
                        validators=[DataRequired(message="Say what you need"), Length(max=300)])
    description = TextAreaField("More detail (optional)", widget=GovTextArea(), validators=[Optional(), Length(max=5000)])
    postcode_district = StringField("Postcode district (optional)", widget=GovTextInput(),
                                    description="Where the help is needed, like S60", validators=[Length(max=8)])
    submit = SubmitField("Send ask", widget=GovSubmitInput())

    def set_partner_choices(self, partners) -> None:
        self.partner_id.choices = [SelectChoice("", "Choose a partner")] + [SelectChoice(str(p.id), p.name) for p in partners]

    def validate_partner_id(self, field):
        if field.data not in (offered(field) - {""}):
            raise ValidationError("Choose a partner of your network")

    def validate_postcode_district(self, field):
        self.district = district(field.data.strip()) if (field.data or "").strip() else None


class DecisionForm(FlaskForm):
    decision = RadioField("Your decision", widget=GovRadioInput(),
                          choices=[SelectChoice("publish", "Publish it as one of our asks"), SelectChoice("decline", "Decline it")],
                          validators=[DataRequired(message="Choose to publish or decline")])
    note = TextAreaField("Why you decline (for the VCSE)", widget=GovTextArea(), validators=[Optional(), Length(max=2000)])
    submit = SubmitField("Save decision", widget=GovSubmitInput())

    def validate_note(self, field):
        if self.decision.data == "decline" and not (field.data or "").strip():
            raise ValidationError("Say why, so the VCSE knows what to do next")


class AcceptOfferForm(FlaskForm):
    contract_id = SelectField("Contract", widget=GovSelect(), choices=[], validate_choice=False,
                              validators=[DataRequired(message="Choose the contract")])
    measure_id = SelectField("Measure", widget=GovSelect(), choices=[], validate_choice=False,
                             validators=[DataRequired(message="Choose the measure")])
    quantity = StringField("Quantity", widget=GovTextInput(), description="In the measure's unit, like 12",
                           validators=[DataRequired(message="Enter the quantity committed"), Length(max=20)])
    committed_on = date_field("Date committed")
    submit = SubmitField("Accept the offer", widget=GovSubmitInput())

    def set_choices(self, contracts, measures) -> None:
        self.contract_id.choices = [SelectChoice("", "Choose a contract")] + [SelectChoice(str(c.id), f"{c.title} ({c.reference})") for c in contracts]
        self.measure_id.choices = [SelectChoice("", "Choose a measure")] + [SelectChoice(str(m.id), f"{m.code}: {m.description} ({m.unit})") for m in measures]

    def validate_contract_id(self, field):
        if field.data not in (offered(field) - {""}):
            raise ValidationError("Choose one of your contracts with this supplier")

    def validate_measure_id(self, field):
        if field.data not in (offered(field) - {""}):
            raise ValidationError("Choose a measure your network uses")
