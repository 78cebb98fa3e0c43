"""Uploading a bulk file of commitments or delivery reports, confirming it, and the network's four-eyes choice."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovRadioInput, GovSubmitInput
from wtforms import RadioField, SelectChoice, SubmitField
from wtforms.validators import DataRequired


class BulkUploadForm(FlaskForm):
    kind = RadioField(
        "What does the file hold?", widget=GovRadioInput(),
        choices=[SelectChoice("commitments", "Commitments: what suppliers promised, by contract and measure"),
                 SelectChoice("delivery", "Delivery reports: what suppliers delivered, by contract, measure and period")],
        validators=[DataRequired(message="Choose what the file holds")],
    )
    bulk_file = FileField(
        "Upload a file", widget=GovFileInput(),
        description="A CSV or Excel (.xlsx) file with the template's columns, up to 200 MB.",
        validators=[
            FileRequired(message="Select a file"),
            FileAllowed(["csv", "xlsx"], message="The selected file must be a CSV or an Excel (.xlsx) file"),
        ],
    )
    submit = SubmitField("Upload file", widget=GovSubmitInput())


class ConfirmImportForm(FlaskForm):
    submit = SubmitField("Import the file", widget=GovSubmitInput())


class FourEyesForm(FlaskForm):
    four_eyes = RadioField(
        "Who may verify a delivery report?", widget=GovRadioInput(),
        choices=[SelectChoice("on", "Someone other than the person who recorded it (four eyes)"),
                 SelectChoice("off", "Anyone who may verify, including the person who recorded it")],
        validators=[DataRequired(message="Choose who may verify a delivery report")],
    )
    submit = SubmitField("Save", widget=GovSubmitInput())
