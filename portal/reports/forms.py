"""The officer's choices for the annual report: its case studies, and what the partner's published spend files cover."""
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovRadioInput, GovSubmitInput
from wtforms import RadioField, SelectChoice, SelectMultipleField, SubmitField
from wtforms.validators import DataRequired

from .case_studies import THRESHOLDS

NOT_RECORDED = "none"


class CaseStudiesForm(FlaskForm):
    # Choices are the partner's own verified reports with a narrative, set by the view: any other id is refused.
    reports = SelectMultipleField("Which delivery reports' narratives go into the report?", widget=GovCheckboxesInput(),
                                  coerce=int, validate_choice=True)
    submit = SubmitField("Save case studies", widget=GovSubmitInput())


class PublishingForm(FlaskForm):
    threshold = RadioField(
        "What do your published spend files cover?", widget=GovRadioInput(),
        choices=[SelectChoice(str(p), f"Payments {label}") for p, label in THRESHOLDS.items()] + [SelectChoice(NOT_RECORDED, "Not recorded")],
        validators=[DataRequired(message="Choose what your published spend files cover")],
    )
    public_social_value = RadioField(
        "Show your social value in the network's public summary?", widget=GovRadioInput(),
        choices=[SelectChoice("yes", "Yes: add our figures to the combined ones (never shown on their own)"), SelectChoice("no", "No")],
        validators=[DataRequired(message="Choose whether to show your social value in the public summary")],
    )
    submit = SubmitField("Save", widget=GovSubmitInput())
