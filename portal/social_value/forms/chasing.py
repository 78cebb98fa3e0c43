"""The lead's chasing setting: days before a missing return goes to the contract manager."""
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextInput
from wtforms import IntegerField, SubmitField
from wtforms.validators import InputRequired, NumberRange


class ChasingSettingsForm(FlaskForm):
    days = IntegerField(
        "Days a return may be missing before the contract manager is told", widget=GovTextInput(),
        description="Counted from the day the return fell due. The supplier is reminded on that day.",
        validators=[InputRequired(message="Enter a number of days from 1 to 365"),
                    NumberRange(min=1, max=365, message="Enter a number of days from 1 to 365")],
    )
    submit = SubmitField("Save", widget=GovSubmitInput())
