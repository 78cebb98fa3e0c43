"""The lead's forms for setting up a network."""
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextInput
from wtforms import EmailField, RadioField, SelectChoice, StringField, SubmitField
from wtforms.validators import DataRequired, Email, Length

KIND_CHOICES = [
    SelectChoice("council", "Council"),
    SelectChoice("police", "Police"),
    SelectChoice("health", "Hospital trust or health partner"),
    SelectChoice("chamber", "Chamber of commerce"),
    SelectChoice("university", "University or college"),
    SelectChoice("housing", "Housing association"),
    SelectChoice("other", "Other"),
]


class PartnerForm(FlaskForm):
    name = StringField(
        "Partner name", widget=GovTextInput(),
        validators=[DataRequired(message="Enter the partner's name"), Length(max=200)],
    )
    kind = RadioField(
        "Kind of partner", widget=GovRadioInput(), choices=KIND_CHOICES,
        validators=[DataRequired(message="Choose the kind of partner")],
    )
    admin_name = StringField(
        "Name of the partner's first admin", widget=GovTextInput(),
        validators=[DataRequired(message="Enter the admin's full name"), Length(max=200)],
    )
    admin_email = EmailField(
        "Email address of the partner's first admin", widget=GovTextInput(),
        description="We will email them a link to set their password.",
        validators=[
            DataRequired(message="Enter the admin's email address"),
            Email(message="Enter an email address in the correct format, like name@example.org"),
        ],
    )
    submit = SubmitField("Add partner", widget=GovSubmitInput())
