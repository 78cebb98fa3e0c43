"""GOV.UK widgets, hardened where the library's version fails on unexpected input."""
from govuk_frontend_wtf.main import wtforms_errors as library_wtforms_errors
from govuk_frontend_wtf.wtforms_widgets import GovDateInput


class DateInput(GovDateInput):
    """The GOV.UK day/month/year input; a post missing some of its boxes is shown empty
    with the field's error, instead of failing (the library unpacks exactly three values)."""

    def map_gov_params(self, field, **kwargs):
        if field.raw_data is not None and len(field.raw_data) != 3:
            field.raw_data = None
        return super().map_gov_params(field, **kwargs)


def wtforms_errors(form, params=None, page=None) -> dict:
    """govuk_frontend_wtf's error summary, with each date's link going to its day box,
    and, given the page's HTML, the errors in the order their fields appear on it.

    The library links to the date's wrapper, which cannot take focus, so GOV.UK
    Frontend's summary link would move focus nowhere; the GOV.UK pattern links
    to the first box of the date. The library lists errors in the order the form
    class declares its fields, which is not always the order a template shows them;
    GOV.UK's summary lists them as they appear on the page.
    """
    summary = library_wtforms_errors(form, params or {})
    days = {f"#{field.id}": f"#{field.name}-day" for field in form if isinstance(field.widget, GovDateInput)}
    for error in summary["errorList"]:
        error["href"] = days.get(error["href"], error["href"])
    if page is not None:
        summary["errorList"] = sorted(summary["errorList"], key=lambda error: _place_on(str(page), error["href"]))
    return summary


def _place_on(page: str, href: str) -> int:
    """Where the element the link goes to starts in the page; the end for one not on it (a form-wide error)."""
    found = page.find(f'id="{href.removeprefix("#")}"')
    return found if found >= 0 else len(page)
