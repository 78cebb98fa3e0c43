"""The partner admin's sharing form."""
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput
from wtforms import RadioField, SelectChoice, SubmitField
from wtforms.validators import DataRequired

from .services import LINES, TOTALS


class SharingForm(FlaskForm):
    sharing = RadioField(
        "What can the network lead see?", widget=GovRadioInput(),
        choices=[
            SelectChoice(TOTALS, "Our totals only"),
            SelectChoice(LINES, "Our totals and our spend lines"),
        ],
        validators=[DataRequired(message="Choose what the network lead can see")],
    )
    submit = SubmitField("Save", widget=GovSubmitInput())
