"""Searching a partner's spend lines: the form, its filters, and pages that stay fast at 100,000 lines.

Pages are keyset pages ("seek"), not OFFSET: each page starts after the last line of the one
before, in the order the ``(organisation_id, payment_date, id)`` index already holds, so page
2,000 costs what page 1 costs.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextInput
from sqlalchemy import Select, and_, case, func, or_, select
from sqlalchemy.orm import Session
from wtforms import SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import Length, Optional, ValidationError

from portal.page_numbers import page_numbers
from portal.query_args import whole_number

from .models import SpendLine
from .normalise import parse_amount

PER_PAGE = 50
# The expense types offered in the form: a partner's file has a few dozen; past this, type the supplier.
EXPENSE_TYPES_SHOWN = 300


def _amount(form, field) -> None:
    if field.data and field.data.strip():
        try:
            field.pence = parse_amount(field.data)
        except ValueError:
            raise ValidationError(f"Enter the {field.label.text.lower()} in pounds, like 500 or 1,250.50") from None


class LinesSearchForm(FlaskForm):
    """A GET form: the address is the search, so it can be bookmarked and shared."""

    class Meta:
        csrf = False

    supplier = StringField("Supplier", widget=GovTextInput(), validators=[Optional(), Length(max=200)],
                           description="Part of the name as the spend file wrote it.")
    start = SelectField("From month", widget=GovSelect(), validators=[Optional()], validate_choice=False)
    end = SelectField("To month", widget=GovSelect(), validators=[Optional()], validate_choice=False)
    min_amount = StringField("Smallest amount", widget=GovTextInput(), validators=[Optional(), _amount])
    max_amount = StringField("Largest amount", widget=GovTextInput(), validators=[Optional(), _amount])
    expense_type = SelectField("Expense type", widget=GovSelect(), validators=[Optional()], validate_choice=False)
    submit = SubmitField("Search lines", widget=GovSubmitInput())

    def __init__(self, months: list[date], expense_types: list[str], **kwargs):
        super().__init__(**kwargs)
        month_choices = [SelectChoice(m.isoformat(), f"{m:%B %Y}") for m in months]
        self.start.choices = [SelectChoice("", "Any month")] + month_choices
        self.end.choices = [SelectChoice("", "Any month")] + month_choices
        self.expense_type.choices = [SelectChoice("", "Any expense type")] + [SelectChoice(e, e) for e in expense_types]

    def validate_end(self, field) -> None:
        if self.start.data and field.data and field.data < self.start.data:
            raise ValidationError("The last month must be the same as or after the first month")

    def validate_max_amount(self, field) -> None:
        low, high = getattr(self.min_amount, "pence", None), getattr(field, "pence", None)
        if low is not None and high is not None and high < low:
            raise ValidationError("The largest amount must be the same as or more than the smallest amount")


@dataclass(frozen=True)
class LineSearch:
    """What the form asked for, on top of the filters a dashboard figure links with (``LineFilter``)."""

    supplier: str | None = None
    min_pence: int | None = None
    max_pence: int | None = None
    expense_type: str | None = None

    @classmethod
    def from_form(cls, form: LinesSearchForm) -> LineSearch:
        return cls(
            supplier=(form.supplier.data or "").strip() or None,
            min_pence=getattr(form.min_amount, "pence", None) if form.min_amount.data else None,
            max_pence=getattr(form.max_amount, "pence", None) if form.max_amount.data else None,
            expense_type=form.expense_type.data or None,
        )

    def apply(self, query: Select) -> Select:
        conditions = []
        if self.supplier:
            escaped = self.supplier.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            conditions.append(func.lower(SpendLine.supplier_name).like(f"%{escaped}%", escape="\\"))
        if self.min_pence is not None:
            conditions.append(SpendLine.amount_pence >= self.min_pence)
        if self.max_pence is not None:
            conditions.append(SpendLine.amount_pence <= self.max_pence)
        if self.expense_type:
            conditions.append(SpendLine.expense_type == self.expense_type)
        return query.where(and_(*conditions)) if conditions else query


def months_held(session: Session) -> list[date]:
    """The months the partner has lines in, newest first (the (organisation, month) index)."""
    return list(session.scalars(select(SpendLine.month).distinct().order_by(SpendLine.month.desc())))


def expense_types(session: Session) -> list[str]:
    return list(session.scalars(
        select(SpendLine.expense_type).where(SpendLine.expense_type.is_not(None)).distinct()
        .order_by(SpendLine.expense_type).limit(EXPENSE_TYPES_SHOWN)
    ))


def parse_cursor(text: str | None) -> tuple[date, int] | None:
    """"2024-04-01.123" (a line's date and id) or None for a cursor that is not one."""
    try:
        day, line_id = (text or "").split(".")
        day = date.fromisoformat(day)
    except ValueError:
        return None
    line_id = whole_number(line_id, low=1)  # plain digits within the database's integers, or no cursor
    return None if line_id is None else (day, line_id)


def cursor_of(line) -> str:
    return f"{line.payment_date.isoformat()}.{line.id}"


@dataclass
class LinesPage:
    """One keyset page, and where it sits among the query's lines (what GOV.UK pagination shows).

    ``first_shown`` counts from the newest line (1); a page is numbered when it starts where
    a page of ``PER_PAGE`` would (it does, unless lines came or went between two clicks).
    """

    lines: list
    total: int
    next_cursor: str | None
    previous_cursor: str | None
    first_shown: int = 0  # the position of the page's first line, from 1; 0 for no lines
    per_page: int = PER_PAGE

    @property
    def last_shown(self) -> int:
        return self.first_shown + len(self.lines) - 1 if self.lines else 0

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def page(self) -> int | None:
        """This page's number, or None when it starts between two numbered pages."""
        if not self.lines or (self.first_shown - 1) % self.per_page:
            return None
        return (self.first_shown - 1) // self.per_page + 1

    @property
    def has_prev(self) -> bool:
        return self.previous_cursor is not None

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None

    def numbers(self) -> list[int | None]:
        """The page numbers a keyset can reach from here: the first, the last, this one and its
        neighbours (the pages before and after it); None is a gap. None at all for an unnumbered page."""
        return [] if self.page is None else page_numbers(self.page, self.pages)


def _newer_than(columns, day: date, line_id: int):
    return or_(columns.payment_date > day, and_(columns.payment_date == day, columns.id > line_id))


def _counts(session: Session, query: Select, cursor: tuple[date, int] | None, *, inclusive: bool) -> tuple[int, int]:
    """How many lines the query has, and how many of them come before the cursor, newest first:
    one pass over the lines the count reads anyway, so a deep page costs what the first does."""
    lines = query.order_by(None).subquery()
    if cursor is None:
        return session.scalar(select(func.count()).select_from(lines)) or 0, 0
    day, line_id = cursor
    before = _newer_than(lines.c, day, line_id)
    if inclusive:
        before = or_(before, and_(lines.c.payment_date == day, lines.c.id == line_id))
    total, ahead = session.execute(
        select(func.count(), func.coalesce(func.sum(case((before, 1), else_=0)), 0)).select_from(lines)
    ).one()
    return int(total), int(ahead)


def lines_page(session: Session, query: Select, after: str | None = None, before: str | None = None,
               last: bool = False) -> LinesPage:
    """One page of the query's lines, newest first: the first, the one after (or before) a line, or the last."""
    newest_first = (SpendLine.payment_date.desc(), SpendLine.id.desc())
    oldest_first = (SpendLine.payment_date.asc(), SpendLine.id.asc())
    if (start := parse_cursor(before)) is not None:
        total, newer = _counts(session, query, start, inclusive=False)
        lines = list(session.scalars(query.where(_newer_than(SpendLine, *start)).order_by(*oldest_first).limit(PER_PAGE + 1)))
        more_before = len(lines) > PER_PAGE
        lines = list(reversed(lines[:PER_PAGE]))
        return LinesPage(lines, total, cursor_of(lines[-1]) if lines else None,
                         cursor_of(lines[0]) if lines and more_before else None, newer - len(lines) + 1 if lines else 0)
    if last:
        total, _ = _counts(session, query, None, inclusive=False)
        on_last = total - (math.ceil(total / PER_PAGE) - 1) * PER_PAGE if total else 0
        lines = list(reversed(list(session.scalars(query.order_by(*oldest_first).limit(on_last))))) if on_last else []
        return LinesPage(lines, total, None, cursor_of(lines[0]) if lines and total > len(lines) else None,
                         total - len(lines) + 1 if lines else 0)
    start = parse_cursor(after)
    total, ahead = _counts(session, query, start, inclusive=True)
    if start is not None:
        day, line_id = start
        query = query.where(or_(SpendLine.payment_date < day, and_(SpendLine.payment_date == day, SpendLine.id < line_id)))
    lines = list(session.scalars(query.order_by(*newest_first).limit(PER_PAGE + 1)))
    more = len(lines) > PER_PAGE
    lines = lines[:PER_PAGE]
    return LinesPage(lines, total, cursor_of(lines[-1]) if lines and more else None,
                     cursor_of(lines[0]) if lines and start is not None else None, ahead + 1 if lines else 0)
