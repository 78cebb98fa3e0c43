"""The lead's form for one benchmark; the checks themselves are records.checked (one place for them)."""
from decimal import Decimal

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextInput
from wtforms import RadioField, SelectChoice, StringField, SubmitField

from portal.choices import labelled

from .definitions import DEFINITIONS
from .records import UNITS, BenchmarkInput


class BenchmarkForm(FlaskForm):
    place = StringField("Place", widget=GovTextInput(), description="The place the figure is for, like Preston or Yorkshire and The Humber")
    publisher = StringField("Published by", widget=GovTextInput(), description="Like CLES or Tussell")
    title = StringField("Title of the publication", widget=GovTextInput())
    url = StringField("Web address of the publication (optional)", widget=GovTextInput())
    year = StringField("Financial year it starts in", widget=GovTextInput(),
                       description="4 digits: 2023 for the financial year 2023 to 2024")
    definition = RadioField("How is the figure defined?", widget=GovRadioInput(), validate_choice=False,
                            choices=[SelectChoice(d.key, d.label) for d in DEFINITIONS.values()])
    unit = RadioField("Is the figure a percentage or an amount?", widget=GovRadioInput(), validate_choice=False,
                      choices=labelled(UNITS))
    figure = StringField("The figure", widget=GovTextInput(), description="As published, like 21.5 (a percentage) or 1250000 (pounds)")
    submit = SubmitField("Save benchmark", widget=GovSubmitInput())

    def given(self) -> BenchmarkInput:
        return BenchmarkInput(**{name: getattr(self, name).data or "" for name in (
            "place", "publisher", "title", "url", "year", "definition", "unit", "figure")})

    def fill(self, benchmark) -> None:
        """The form as the benchmark stands (for editing)."""
        for name in ("place", "publisher", "title", "url", "definition"):
            getattr(self, name).data = getattr(benchmark, name) or ""
        self.year.data = str(benchmark.year)
        self.unit.data = "percent" if benchmark.percent is not None else "pounds"
        self.figure.data = str(benchmark.percent) if benchmark.percent is not None else str(Decimal(benchmark.pence).scaleb(-2))


class DeleteBenchmarkForm(FlaskForm):
    submit = SubmitField("Delete benchmark", widget=GovSubmitInput())
