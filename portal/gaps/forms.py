"""The lead's form for a spend category's CPV code."""
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

ANOTHER = "another"


class CategoryCodeForm(FlaskForm):
    # Choices are the closest CPV labels for this category, set by the view, plus "another code".
    code = RadioField("CPV code for this category", widget=GovRadioInput(), validate_choice=True,
                      validators=[DataRequired(message="Choose a CPV code, or enter another")])
    other_code = StringField(
        "Another CPV code", widget=GovTextInput(),
        description="8 digits, like 45000000 for construction work or 45210000 for building construction work.",
        validators=[Optional(), Length(max=12)],
    )
    note = TextAreaField("Note (optional)", widget=GovTextArea(), description="Why this code, for whoever looks next.",
                         validators=[Optional(), Length(max=1000)])
    submit = SubmitField("Save CPV code", widget=GovSubmitInput())

    def chosen_code(self) -> str:
        """The code the lead picked: a listed one, or the one typed in."""
        return (self.other_code.data or "").strip() if self.code.data == ANOTHER else self.code.data
