"""GOV.UK widgets, hardened where the library's version fails on unexpected input."""
from govuk_frontend_wtf.wtforms_widgets import GovDateInput


class DateInput(GovDateInput):
    """The GOV.UK day/month/year input; a post missing some of its boxes is shown empty
    with the field's error, instead of failing (the library unpacks exactly three values)."""

    def map_gov_params(self, field, **kwargs):
        if field.raw_data is not None and len(field.raw_data) != 3:
            field.raw_data = None
        return super().map_gov_params(field, **kwargs)
