"""Forms for importing a contracts register."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovFileInput,
    GovSelect,
    GovSubmitInput,
)
from wtforms import BooleanField, SelectChoice, SelectField, SubmitField
from wtforms.validators import DataRequired, Optional

from .headers import FIELD_LABELS, REQUIRED_FIELDS


class UploadForm(FlaskForm):
    register_file = FileField(
        "Upload a contracts register",
        widget=GovFileInput(),
        description=("A CSV or Excel (.xlsx) file in the Transparency Code contracts layout, or award notices "
                     "from Contracts Finder or Find a Tender as an OCDS release package (.json)."),
        validators=[
            FileRequired(message="Select a contracts register"),
            FileAllowed(["csv", "xlsx", "txt", "json"],
                        message="The selected file must be a CSV, an Excel (.xlsx) or an OCDS (.json) file"),
        ],
    )
    submit = SubmitField("Upload file", widget=GovSubmitInput())


def mapping_form(headers: list[str], mapping: dict, data=None) -> FlaskForm:
    """A form with one select per contract field, offering the register's columns."""

    class MappingForm(FlaskForm):
        submit = SubmitField("Check the register", widget=GovSubmitInput())

    choices = [SelectChoice("", "Not in this file")] + [SelectChoice(h, h) for h in headers]
    for field, label in FIELD_LABELS.items():
        validators = [Optional()]
        if field in REQUIRED_FIELDS:
            validators = [DataRequired(message=f"Choose the column that holds the {label.lower()}")]
            label = f"{label} (required)"
        setattr(MappingForm, field, SelectField(label, choices=choices, default=mapping.get(field, ""),
                                                widget=GovSelect(), validators=validators))
    return MappingForm(formdata=data)


class ApplyForm(FlaskForm):
    confirm = BooleanField(
        "I have checked the differences and want to apply them to our contracts", widget=GovCheckboxInput(),
        validators=[DataRequired(message="Confirm that you have checked the differences")],
    )
    submit = SubmitField("Apply the differences", widget=GovSubmitInput())


class RetryForm(FlaskForm):
    """Check a failed import again (its worker died, or it stopped unexpectedly)."""

    submit = SubmitField("Try again", widget=GovSubmitInput())
