"""The lead's catalogue forms: load what ships, upload a licensed table, choose the measures in use, re-base."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSelect, GovSubmitInput
from wtforms import SelectField, SelectMultipleField, SubmitField
from wtforms.validators import DataRequired


class LoadForm(FlaskForm):
    """One button (the page has one per shipped table)."""

    submit = SubmitField("Load", widget=GovSubmitInput())


class MeasuresUploadForm(FlaskForm):
    measures_file = FileField(
        "Upload a measures table", widget=GovFileInput(),
        description="A CSV file in the portal's measures layout, such as the National TOMs your network holds a licence for.",
        validators=[
            FileRequired(message="Select a measures CSV file"),
            FileAllowed(["csv", "txt"], message="The selected file must be a CSV file"),
        ],
    )
    submit = SubmitField("Upload measures", widget=GovSubmitInput())


class InUseForm(FlaskForm):
    # Rendered one group of GOV.UK checkboxes per theme by the template.
    in_use = SelectMultipleField("Measures in use", choices=[], validate_choice=True)
    submit = SubmitField("Save the measures in use", widget=GovSubmitInput())


class RebaseForm(FlaskForm):
    edition = SelectField(
        "Edition of proxy values", widget=GovSelect(), choices=[],
        description="Every commitment and delivery report of every partner is valued again at this edition. "
                    "The value at the time of commitment is kept beside it.",
        validators=[DataRequired(message="Choose the edition to re-base to")],
    )
    submit = SubmitField("Re-base every commitment", widget=GovSubmitInput(), render_kw={})


class PartnerMeasuresForm(FlaskForm):
    # One group of GOV.UK checkboxes per theme, rendered by the template.
    measures = SelectMultipleField("Measures your partner uses", choices=[], validate_choice=True)
    submit = SubmitField("Save your measures", widget=GovSubmitInput())
