"""The page numbers GOV.UK's pagination component offers: the first, the last, this one and its neighbours.

https://design-system.service.gov.uk/components/pagination/ ("1 … 6 [7] 8 … 42").
"""


def page_numbers(page: int, pages: int) -> list[int | None]:
    """Page numbers to link to, in order, around ``page`` of ``pages``; None is a gap (an ellipsis)."""
    wanted = sorted({1, pages, page - 1, page, page + 1} & set(range(1, pages + 1)))
    shown: list[int | None] = []
    for number in wanted:
        if shown and number - shown[-1] > 1:
            shown.append(None)
        shown.append(number)
    return shown
