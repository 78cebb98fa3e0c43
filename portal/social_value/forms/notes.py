"""A note on a contract: one text box."""
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextArea
from wtforms import SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..notes import LONGEST_NOTE


class ContractNoteForm(FlaskForm):
    text = TextAreaField(
        "Add a note", widget=GovTextArea(), description="A remedy agreed, a call made: who will do what, by when.",
        validators=[DataRequired(message="Enter the note"),
                    Length(max=LONGEST_NOTE, message=f"The note must be {LONGEST_NOTE:,} characters or fewer")],
    )
    submit = SubmitField("Add note", widget=GovSubmitInput())
