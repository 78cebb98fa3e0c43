"""The partner admin's forms for API tokens."""
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovSubmitInput, GovTextInput
from wtforms import SelectMultipleField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from portal.choices import labelled

from .models import SCOPES


class NewTokenForm(FlaskForm):
    name = StringField(
        "Name", widget=GovTextInput(), description="Say what will use it, like “Finance system nightly export”.",
        validators=[DataRequired(message="Enter a name for the token"), Length(max=120, message="Use 120 characters or fewer")],
    )
    scopes = SelectMultipleField(
        "What may it do?", widget=GovCheckboxesInput(), choices=labelled(SCOPES),
        validators=[DataRequired(message="Choose what the token may do")],
    )
    submit = SubmitField("Create token", widget=GovSubmitInput())
