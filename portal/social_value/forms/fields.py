"""Field helpers the social value forms share: dates, pounds, quantities."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from govuk_frontend_wtf.wtforms_widgets import GovTextInput
from wtforms import DateField, StringField
from wtforms.validators import DataRequired, Optional, ValidationError

from portal.spend.normalise import parse_amount
from portal.widgets import DateInput


def date_field(label: str, *, required: bool = True, hint: str = "For example, 27 3 2025") -> DateField:
    """A GOV.UK day/month/year date; a missing or impossible date is one clear message."""
    message = f"Enter the {label.lower()} as a real date, like 27 3 2025"
    validators = [DataRequired(message=message)] if required else [Optional()]
    return DateField(label, widget=DateInput(), format="%d %m %Y", description=hint, validators=validators)


# Far beyond any contract or commitment, and small enough that a quantity times a proxy
# value in pence still fits the 64-bit integers both databases keep.
MOST_POUNDS = 10_000_000_000
MOST_QUANTITY = Decimal(1_000_000_000)


def pounds_to_pence(text: str, what: str) -> int:
    """Pounds as typed ("£1,250.50") to whole pence, never negative (raises ValidationError)."""
    try:
        pence = parse_amount(text)
    except ValueError as error:
        raise ValidationError(f"{what}: {error}") from None
    if pence < 0:
        raise ValidationError(f"{what} cannot be negative")
    if pence > MOST_POUNDS * 100:
        raise ValidationError(f"{what} cannot be more than £{MOST_POUNDS:,}")
    return pence


def quantity(text: str, what: str = "The quantity") -> Decimal:
    """A quantity as typed: a number, not negative, at most 3 decimal places (raises ValidationError)."""
    cleaned = (text or "").strip().replace(",", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValidationError(f"{what} must be a number, like 52 or 2.5") from None
    if not value.is_finite():
        raise ValidationError(f"{what} must be a number, like 52 or 2.5")
    if value < 0:
        raise ValidationError(f"{what} cannot be negative")
    if value > MOST_QUANTITY:
        raise ValidationError(f"{what} cannot be more than {MOST_QUANTITY:,}")
    if value != value.quantize(Decimal("0.001")):
        raise ValidationError(f"{what} can have at most 3 decimal places")
    return value


def quantity_field(label: str, *, required: bool = True, hint: str | None = None) -> StringField:
    validators = [DataRequired(message=f"Enter the {label.lower()}")] if required else [Optional()]
    return StringField(label, widget=GovTextInput(), description=hint, validators=validators)
