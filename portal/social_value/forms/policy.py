"""The lead's form for the day the network's social value policy began."""
from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import DateField, SubmitField
from wtforms.validators import Optional

from portal.widgets import DateInput


class _OptionalDate(DateField):
    """A GOV.UK date that may be left empty, and says plainly when what was typed is no date."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError("Enter the day the policy began as a real date, like 1 4 2019") from None


class PolicyStartForm(FlaskForm):
    policy_start_date = _OptionalDate(
        "The day the policy began", widget=DateInput(), format="%d %m %Y", validators=[Optional()],
        description="Figures to date count from this day. For example, 1 4 2019. Leave it empty to count from the "
                    "first records.",
    )
    submit = SubmitField("Save the date", widget=GovSubmitInput())
