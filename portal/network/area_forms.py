"""The lead's form for the network's area."""
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional, ValidationError

from portal.choices import labelled
from portal.registers.area import AreaProblem, parse_district_codes, parse_region_code

KIND_LABELS = {
    "private": "Private companies", "vcse": "Voluntary, community and social enterprises (VCSE)",
    "public": "Public bodies (councils, NHS, police, government, universities)", "tax": "Tax (HMRC)",
    "pension": "Pension funds", "individual": "Individuals and payees not named or redacted",
    "sole_trader": "Sole traders", "unknown": "Suppliers not yet classed",
}


def _codes(codes) -> str:
    return "\n".join(codes or [])


class AreaForm(FlaskForm):
    area_codes = TextAreaField(
        "Local authority districts in the local area", widget=GovTextArea(),
        description="GSS codes, one a line or separated by commas, like E08000018 for Rotherham.",
        validators=[Optional(), Length(max=5000)],
    )
    wider_area_name = StringField(
        "Name of the wider area (optional)", widget=GovTextInput(),
        description="A combined authority or county, like South Yorkshire.",
        # No Optional(): it would stop the check that a wider area with districts has a name.
        validators=[Length(max=120)],
    )
    wider_area_codes = TextAreaField(
        "Local authority districts in the wider area (optional)", widget=GovTextArea(),
        description="GSS codes, like the area's. Leave empty for no wider tier.", validators=[Optional(), Length(max=5000)],
    )
    region_code = StringField(
        "Region (optional)", widget=GovTextInput(),
        description="The region's GSS code, like E12000003 for Yorkshire and The Humber. "
                    "Leave empty to use the region the area's districts lie in.",
        validators=[Optional(), Length(max=20)],
    )
    excluded_kinds = SelectMultipleField(
        "Leave out of procurable spend", widget=GovCheckboxesInput(), choices=labelled(KIND_LABELS),
        description="Spend the network cannot influence. Every share is of the spend that is left.",
        # No Optional(): on a blank first value it would clear the check that every value is a class.
    )
    submit = SubmitField("Save the area", widget=GovSubmitInput())

    def fill_from(self, network) -> None:
        self.area_codes.data = _codes(network.area_codes)
        self.wider_area_name.data = network.wider_area_name or ""
        self.wider_area_codes.data = _codes(network.wider_area_codes)
        self.region_code.data = network.region_code or ""
        self.excluded_kinds.data = list(network.excluded_kinds or [])

    def validate_area_codes(self, field):
        _read(parse_district_codes, field.data)

    def validate_wider_area_codes(self, field):
        _read(parse_district_codes, field.data)

    def validate_region_code(self, field):
        _read(parse_region_code, field.data)

    def validate_wider_area_name(self, field):
        if (self.wider_area_codes.data or "").strip() and not (field.data or "").strip():
            raise ValidationError("Give the wider area a name, like South Yorkshire")


def _read(reader, text):
    try:
        return reader(text or "")
    except AreaProblem as problem:
        raise ValidationError(str(problem)) from None
