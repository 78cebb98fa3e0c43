"""The lead's upload of an official register file."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovRadioInput, GovSubmitInput
from wtforms import RadioField, SelectChoice, SubmitField
from wtforms.validators import DataRequired

REGISTER_CHOICES = [
    SelectChoice("companies", "Companies House Free Company Data Product (BasicCompanyDataAsOneFile zip or CSV)"),
    SelectChoice("charities", "Charity Commission register extract (publicextract.charity zip or text file)"),
    SelectChoice("postcodes", "ONS postcode directory: NSPL or ONSPD (zip or CSV)"),
    SelectChoice("mutuals", "FCA Mutuals Public Register export (CSV)"),
]


class RegisterFileForm(FlaskForm):
    register = RadioField("Which register is this file?", widget=GovRadioInput(), choices=REGISTER_CHOICES,
                          validators=[DataRequired(message="Choose which register the file is")])
    register_file = FileField(
        "Upload the file", widget=GovFileInput(),
        description="The file as downloaded, zipped or not. Large files take a few minutes to upload.",
        validators=[FileRequired(message="Select the register file"),
                    FileAllowed(["zip", "csv", "txt"], message="The selected file must be a zip, CSV or text file")],
    )
    submit = SubmitField("Upload and load", widget=GovSubmitInput())
