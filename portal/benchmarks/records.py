"""The lead's benchmarks: checked, added, changed and deleted (services flush; the request commits)."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from urllib.parse import urlparse

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.query_args import whole_number
from tenants.models import Network

from .definitions import DEFINITIONS
from .models import Benchmark

UNITS = {"percent": "A percentage", "pounds": "An amount in pounds"}


class BenchmarkProblem(ValueError):
    """Bad input, naming the field it is about."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class BenchmarkInput:
    place: str
    publisher: str
    title: str
    url: str
    year: str
    definition: str
    unit: str
    figure: str


def _text(field: str, value: str | None, what: str, longest: int, required: bool = True) -> str | None:
    value = " ".join((value or "").split())
    if not value:
        if required:
            raise BenchmarkProblem(field, f"Enter {what}")
        return None
    if len(value) > longest:
        raise BenchmarkProblem(field, f"{what[0].upper()}{what[1:]} must be {longest} characters or fewer")
    return value


def checked(given: BenchmarkInput) -> dict:
    """The columns of a benchmark from what the lead typed. :raise BenchmarkProblem: the first bad field."""
    values = {
        "place": _text("place", given.place, "the place the figure is for", 120),
        "publisher": _text("publisher", given.publisher, "who published the figure", 200),
        "title": _text("title", given.title, "the title of the publication", 300),
        "url": _text("url", given.url, "the web address of the publication", 500, required=False),
    }
    if values["url"] and (urlparse(values["url"]).scheme not in ("http", "https") or not urlparse(values["url"]).netloc):
        raise BenchmarkProblem("url", "Enter a web address starting https:// or http://, like https://cles.org.uk/report")
    year = (given.year or "").strip()
    if whole_number(year, 2000, 2100) is None:
        raise BenchmarkProblem("year", "Enter the year the financial year starts in, as 4 digits, like 2023")
    values["year"] = whole_number(year)
    if given.definition not in DEFINITIONS:
        raise BenchmarkProblem("definition", "Choose how the figure is defined")
    values["definition"] = given.definition
    if given.unit not in UNITS:
        raise BenchmarkProblem("unit", "Choose whether the figure is a percentage or an amount in pounds")
    text = (given.figure or "").strip().replace(",", "").removeprefix("£").removesuffix("%").strip()
    try:
        figure = Decimal(text)
    except InvalidOperation:
        figure = None
    if figure is None or not figure.is_finite() or figure < 0 or figure.as_tuple().exponent < -2:
        raise BenchmarkProblem("figure", "Enter the figure as a number with at most 2 decimal places, like 21.5 or 1250000")
    if given.unit == "percent":
        if figure > 100:
            raise BenchmarkProblem("figure", "A percentage must be between 0 and 100")
        values["percent"], values["pence"] = figure, None
    else:
        if figure >= Decimal(10) ** 16:
            raise BenchmarkProblem("figure", "The amount is too large")
        values["percent"], values["pence"] = None, int(figure * 100)
    return values


def benchmarks(session: Session, network: Network) -> list[Benchmark]:
    """The network's benchmarks, latest year first, then by place."""
    return list(session.scalars(select(Benchmark).where(Benchmark.network_id == network.id)
                                .order_by(Benchmark.year.desc(), Benchmark.place, Benchmark.id)))


def find(session: Session, network: Network, benchmark_id: int) -> Benchmark | None:
    return session.scalar(select(Benchmark).where(Benchmark.id == benchmark_id, Benchmark.network_id == network.id))


def add(session: Session, network: Network, given: BenchmarkInput) -> Benchmark:
    """:raise BenchmarkProblem: bad input (nothing is added)."""
    benchmark = Benchmark(network_id=network.id, **checked(given))
    session.add(benchmark)
    session.flush()
    return benchmark


def change(session: Session, benchmark: Benchmark, given: BenchmarkInput) -> None:
    """:raise BenchmarkProblem: bad input (nothing is changed)."""
    for column, value in checked(given).items():
        setattr(benchmark, column, value)
    session.flush()


def delete(session: Session, benchmark: Benchmark) -> None:
    session.delete(benchmark)
    session.flush()
