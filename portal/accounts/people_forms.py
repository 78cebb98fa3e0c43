"""The form for changing a member's role (the other people pages are a confirmation button)."""
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput
from wtforms import RadioField, SubmitField
from wtforms.validators import DataRequired

from .forms import ROLE_CHOICES


class RoleForm(FlaskForm):
    role = RadioField("Role", widget=GovRadioInput(), choices=ROLE_CHOICES, validators=[DataRequired(message="Choose a role")])
    submit = SubmitField("Change role", widget=GovSubmitInput())
