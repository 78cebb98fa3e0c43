"""Recording a commitment (a measure in use, a quantity or a profile by contract year, the day committed), and changing one."""
from __future__ import annotations

from datetime import date

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextInput
from wtforms import SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Optional, ValidationError

from portal.choices import offered
from portal.formatting import govuk_date

from .fields import date_field, quantity

MAX_PROFILE_YEARS = 10


def contract_years(start: date, end: date | None) -> list[date]:
    """The start of each contract year, up to the end date (five years when it has none), at most ten."""
    years, year = [], start
    if start is None:  # a register's "TBC": no contract years to offer yet
        return years
    while len(years) < (MAX_PROFILE_YEARS if end else 5) and (end is None or year <= end):
        years.append(year)
        try:
            year = year.replace(year=year.year + 1)
        except ValueError:  # 29 February
            year = year.replace(year=year.year + 1, day=28)
    return years


def commitment_form(measures, years: list[date], formdata=None) -> FlaskForm:
    """The form for one contract: a measure select, and one optional quantity box per contract year."""

    class CommitmentForm(FlaskForm):
        measure_id = SelectField(
            "Measure", widget=GovSelect(), validate_choice=False,
            validators=[DataRequired(message="Choose the measure committed to")],
            choices=[SelectChoice("", "Choose a measure")] + [SelectChoice(str(m.id), f"{m.code}: {m.description} ({m.unit})") for m in measures],
        )
        quantity = StringField(
            "Quantity committed over the contract", widget=GovTextInput(), validators=[Optional()],
            description="In the measure's unit. Leave blank if you give a profile by year below: the total is its sum.",
        )
        committed_on = date_field("Date committed", hint="The valuation uses the proxy values in force that day. For example, 1 4 2024")
        submit = SubmitField("Save commitment", widget=GovSubmitInput())
        total = None  # set when a quantity is given (an empty optional box skips its validator)

        def validate_measure_id(self, field):
            if field.data not in (offered(field) - {""}):
                raise ValidationError("Choose one of the measures your network uses")

        def validate_quantity(self, field):
            self.total = quantity(field.data) if field.data else None

    _year_boxes(CommitmentForm, years)
    return _with_years(CommitmentForm(formdata=formdata), years)


def commitment_change_form(years: list[date], formdata=None) -> FlaskForm:
    """Changing a commitment: the quantity, or the profile by contract year. The measure and the day committed stay."""

    class CommitmentChangeForm(FlaskForm):
        quantity = StringField(
            "Quantity committed over the contract", widget=GovTextInput(), validators=[Optional()],
            description="In the measure's unit. Leave blank if you give a profile by year below: the total is its sum.",
        )
        submit = SubmitField("Save the changes", widget=GovSubmitInput())
        total = None

        def validate_quantity(self, field):
            self.total = quantity(field.data) if field.data else None

    _year_boxes(CommitmentChangeForm, years)
    return _with_years(CommitmentChangeForm(formdata=formdata), years)


def _year_boxes(form_class, years: list[date]) -> None:
    for index, start in enumerate(years):
        setattr(form_class, f"year_{index}", StringField(
            f"Year {index + 1}, from {start.day} {start:%B %Y}", widget=GovTextInput(), validators=[Optional()]))


def _with_years(form, years: list[date]):
    form.years = years
    form.year_fields = [getattr(form, f"year_{i}") for i in range(len(years))]
    return form


def check_profile(form) -> bool:
    """Read the profile boxes into ``form.profile_rows``; False (with errors on the boxes) if any is bad."""
    form.profile_rows, ok = [], True
    for start, field in zip(form.years, form.year_fields):
        if not (field.data or "").strip():
            continue
        try:
            form.profile_rows.append((start, quantity(field.data, f"The quantity for year from {govuk_date(start)}")))
        except ValidationError as error:
            field.errors = [*field.errors, str(error)]
            ok = False
    if ok and form.total is None and not form.profile_rows:
        form.quantity.errors = [*form.quantity.errors, "Enter the quantity committed, or a quantity for each contract year"]
        ok = False
    return ok
