"""The shapes the API reads and writes (marshmallow), from which the OpenAPI document is made.

Money is integer pence, with the same amount as a pounds string ("1234.56") beside it for people reading.
"""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate

from portal.query_args import whole_number
from portal.spend.forms import FIELD_LABELS

from .models import SCOPES


def pounds(pence: int | None) -> str | None:
    """Pence as an exact pounds string: -12345 -> "-123.45"."""
    if pence is None:
        return None
    sign = "-" if pence < 0 else ""
    whole, part = divmod(abs(int(pence)), 100)
    return f"{sign}{whole}.{part:02d}"


class ApiErrorSchema(Schema):
    status = fields.Integer(metadata={"description": "The HTTP status"})
    error = fields.String(metadata={"description": "What went wrong, in words"})
    problems = fields.Dict(metadata={"description": "Per field, what was wrong with it (bad input only)"})


class UploadSchema(Schema):
    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary",
                                               "description": "A spend file: CSV or Excel (.xlsx)"})


class MappingSchema(Schema):
    mapping = fields.Dict(
        keys=fields.String(validate=validate.OneOf(list(FIELD_LABELS))), values=fields.String(), required=True,
        metadata={"description": "For each field (payment_date, amount, supplier_name are required), the file's column"},
    )


class ChoiceSchema(Schema):
    choice = fields.String(required=True, validate=validate.OneOf(["replace", "add"]), metadata={
        "description": "replace: the file's months as the file has them; add: only the lines not yet held"})


class ProblemSchema(Schema):
    line = fields.Integer(attribute="line_number", metadata={"description": "The line of the file (the header is line 1)"})
    reason = fields.String()


class ImportSchema(Schema):
    id = fields.Integer()
    filename = fields.String()
    status = fields.String(metadata={"description": (
        "needs_mapping (give the columns), queued, running, imported, needs_choice (the file holds months already "
        "held: choose replace or add), rejected (lines could not be read: see problems), failed, withdrawn")})
    next_step = fields.String(allow_none=True, metadata={"description": "What the caller should do now, in words"})
    headers = fields.List(fields.String(), metadata={"description": "The file's columns (needs_mapping only)"})
    proposed_mapping = fields.Dict(metadata={"description": "The columns the portal proposes (needs_mapping only)"})
    missing_fields = fields.List(fields.String(), metadata={"description": "Required fields no column was found for"})
    column_mapping = fields.Dict(allow_none=True)
    total_rows = fields.Integer(allow_none=True)
    imported = fields.Integer()
    already_held = fields.Integer()
    rejected = fields.Integer()
    months = fields.List(fields.String())
    failure_reason = fields.String(allow_none=True)
    problems = fields.List(fields.Nested(ProblemSchema))
    problems_total = fields.Integer()
    links = fields.Dict()


class LinesQuerySchema(Schema):
    after = fields.String(metadata={"description": "The cursor of the last line of the page before (next_cursor)"})


class LineSchema(Schema):
    id = fields.Integer()
    payment_date = fields.Date()
    transaction_ref = fields.String()
    supplier_name = fields.String()
    supplier_id = fields.Integer(allow_none=True)
    amount_pence = fields.Integer()
    amount = fields.Function(lambda line: pounds(line.amount_pence))
    expense_type = fields.String(allow_none=True)
    service_area = fields.String(allow_none=True)
    category = fields.String(allow_none=True)
    spend_import_id = fields.Integer(allow_none=True)


class LinesPageSchema(Schema):
    lines = fields.List(fields.Nested(LineSchema))
    total = fields.Integer(metadata={"description": "Lines in all pages"})
    next_cursor = fields.String(allow_none=True, metadata={"description": "Pass as ?after= for the next page"})


class Year(fields.Integer):
    """A year in plain digits 0-9, read with the portal's ``whole_number`` (int() would take "٢٠٢٤")."""

    def _deserialize(self, value, attr, data, **kwargs):
        year = whole_number(value, 1990, 2100) if isinstance(value, str) else None
        if year is None:
            raise ValidationError("Give the year in digits, like 2024.")
        return year


class TotalsQuerySchema(Schema):
    year = Year(metadata={"description": "The calendar year the financial year starts in (default: the latest)"})


class FigureSchema(Schema):
    key = fields.String()
    label = fields.String()
    pence = fields.Integer(allow_none=True)
    pounds = fields.String(allow_none=True)
    share = fields.String(allow_none=True, metadata={"description": "Percent, one decimal place"})
    share_of = fields.String()


class MonthSchema(Schema):
    month = fields.Date()
    total_pence = fields.Integer(allow_none=True)
    total = fields.String(allow_none=True)
    procurable_pence = fields.Integer()
    local_pence = fields.Integer()


class PublicMonthSchema(Schema):
    month = fields.Date()
    total_pence = fields.Integer(allow_none=True, metadata={"description": "None: withheld (one partner's spend)"})
    total = fields.String(allow_none=True)


class TotalsSchema(Schema):
    year = fields.String(metadata={"description": "The financial year, as the dashboard names it"})
    year_start = fields.Date()
    years = fields.List(fields.Date(), metadata={"description": "Every financial year there are totals for"})
    figures = fields.List(fields.Nested(FigureSchema))
    months = fields.List(fields.Nested(MonthSchema))


class PublicSummarySchema(Schema):
    network = fields.String()
    year = fields.String(allow_none=True)
    year_start = fields.Date(allow_none=True)
    partner_count = fields.Integer()
    figures = fields.List(fields.Nested(FigureSchema))
    months = fields.List(fields.Nested(PublicMonthSchema))
    withheld = fields.List(fields.String(), metadata={"description": "Measures only one partner had: not shown"})


class TokenScopesSchema(Schema):
    scopes = fields.List(fields.String(validate=validate.OneOf(list(SCOPES))))
