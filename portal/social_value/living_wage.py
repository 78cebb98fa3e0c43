"""The Real Living Wage: which contracts are in scope, decided by a recorded, versioned rule.

An accredited employer must pay the Real Living Wage to its own staff and to
third-party contracted staff who work for it *regularly*. The Living Wage
Foundation defines "regularly" for contractors as: on the employer's premises
(or premises necessary to the work), for two or more hours on any given day of
the week, for eight or more consecutive weeks in a year. Contractors that only
supply products are out of scope. Sources:

- Living Wage Foundation, "Who does the Living Wage apply to?" (accreditation FAQ):
  https://www.livingwage.org.uk/node?page=13
- Living Wage Scotland, "Information for contractors" ("What is your definition of
  'regularly'?"): https://scottishlivingwage.org/accreditation/information_for_contractors

A contract records the three facts the rule asks for; the rule in force decides
``rlw_in_scope`` and its version is kept on the contract (``rlw_rule_version``),
so a later change of the rule never silently re-decides an old contract. A
contract whose facts are not recorded keeps the officer's own answer, shown as
"decided by hand" (``rlw_rule_version`` is None).
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class LivingWageRule:
    version: str
    title: str
    minimum_hours_on_a_day: Decimal
    minimum_weeks_in_a_row: int
    on_premises_only: bool
    summary: str
    sources: tuple[str, ...]

    def in_scope(self, *, on_premises: bool, hours_on_a_day: Decimal, weeks_in_a_row: int) -> bool:
        """Whether contracted staff working like this must be paid the Real Living Wage under this rule."""
        if self.on_premises_only and not on_premises:
            return False
        return Decimal(hours_on_a_day) >= self.minimum_hours_on_a_day and weeks_in_a_row >= self.minimum_weeks_in_a_row


RULES: dict[str, LivingWageRule] = {
    rule.version: rule for rule in (
        LivingWageRule(
            version="lwf-contractors-2014",
            title="Living Wage Foundation: regular third-party contracted staff",
            minimum_hours_on_a_day=Decimal(2),
            minimum_weeks_in_a_row=8,
            on_premises_only=True,
            summary=("Third-party contracted staff who work regularly on the employer's premises or property "
                     "(or premises necessary to the work): two or more hours on any given day of the week, "
                     "for eight or more consecutive weeks in a year. Contracts that only supply products are out of scope."),
            sources=("https://www.livingwage.org.uk/node?page=13",
                     "https://scottishlivingwage.org/accreditation/information_for_contractors"),
        ),
    )
}
CURRENT_RULE = RULES["lwf-contractors-2014"]

FACTS = ("rlw_on_premises", "rlw_hours_on_a_day", "rlw_weeks_in_a_row")


def decide_scope(fields: dict, rule: LivingWageRule = CURRENT_RULE) -> dict:
    """The contract's scope fields with the rule applied when all three facts are recorded.

    Returns ``fields`` with ``rlw_in_scope`` and ``rlw_rule_version`` set: by the
    rule when the facts are all there, else the given answer and no version.
    """
    facts = [fields.get(name) for name in FACTS]
    if any(value is None for value in facts):
        return fields | {"rlw_rule_version": None}
    on_premises, hours, weeks = facts
    return fields | {
        "rlw_in_scope": rule.in_scope(on_premises=bool(on_premises), hours_on_a_day=hours, weeks_in_a_row=int(weeks)),
        "rlw_rule_version": rule.version,
    }


def rule_title(version: str | None) -> str:
    """How a page names who decided a contract's scope."""
    if version is None:
        return "Decided by hand (the rule's facts are not recorded)"
    rule = RULES.get(version)
    return f"{rule.title} ({version})" if rule else version


REGISTER_HEADER = ["Contract", "Title", "Supplier", "Starts", "Ends", "Renewal date", "Pays the Real Living Wage",
                   "On the premises", "Hours on a day", "Weeks in a row", "Decided by"]
PAYS_LABELS = {"yes": "Yes", "no": "No", "unknown": "Not known"}


def in_scope_register(session):
    """Every contract of the current partner in scope for the Real Living Wage, whatever its years, by renewal.

    Rows for the download: scrutiny asks for "the list of all contracts in scope",
    not those of one reporting year. Contracts without a renewal date come last.
    """
    from sqlalchemy import select

    from .models import Contract

    query = (select(Contract).where(Contract.rlw_in_scope.is_(True))
             .order_by(Contract.renewal_date.is_(None), Contract.renewal_date, Contract.reference))
    for c in session.scalars(query):
        yield [
            c.reference, c.title, c.supplier.name if c.supplier else (c.supplier_name_as_given or ""),
            c.start_date, c.end_date, c.renewal_date, PAYS_LABELS[c.supplier_pays_rlw],
            {True: "Yes", False: "No"}.get(c.rlw_on_premises, ""),
            "" if c.rlw_hours_on_a_day is None else c.rlw_hours_on_a_day, c.rlw_weeks_in_a_row,
            rule_title(c.rlw_rule_version),
        ]
