"""Social value totals: added up in the database on demand, and kept as snapshots by workers.

Every figure is one ``SELECT ... GROUP BY`` over commitments or delivery
reports, or an ``INSERT ... SELECT ... GROUP BY`` into the snapshot tables
(``models/totals.py``); nothing loops over rows in Python. Each change queues a
recompute of the partner's years it touched (``tasks.queue_totals_refresh``)
and leaves a "waiting" mark in its own transaction; the worker rebuilds those
years and the network's, and clears the marks; a nightly job rebuilds all. The
annual report reads the snapshots, and adds up on demand (``on_demand``)
only while a mark is waiting, so it never shows figures older than the
last commit. ``bench/social_value_totals.py`` times both against hand-written SQL.

Definitions, in the words the report uses:

- **Committed** in a financial year: commitments made (``committed_on``) in it.
- **Delivered** in a financial year: *verified* delivery reports whose period
  ends in it. Reported and rejected reports never count, and a report is one
  row for ever, so it is counted at most once.
- **£ as committed** is the value at the proxy in force when the commitment was
  made; **£ current** is the re-based value where the network re-based and
  the value as committed otherwise (as ``Commitment.current_value_pence``).
- A **quantity** is only added up within one measure (units differ).
- **Apprenticeship weeks**, **local jobs (FTE)** and **spend with local SMEs**:
  the measures the catalogue tags with that headline (``Measure.headline``, a
  column of the measures import), never guessed from a description's words.

The modules, by concern: ``years`` (financial years), ``on_demand`` (committed and
delivered, grouped), ``contracts`` and ``living_wage`` (per-contract lists),
``beneficiaries`` (counts by ward and group), ``snapshots`` (the workers' rebuild,
whose statements are in ``snapshot_rows``). Import from the package: every public
name is here.

Functions take the partners whose figures are wanted and also filter on them
(for the query plan); the caller opens the scope that lets them be read: the
partner's ``tenant_context``, or ``network_wide`` for the lead.
"""
from __future__ import annotations

from .beneficiaries import beneficiaries, beneficiary_counts
from .contracts import ContractTotal, top_contracts, top_contracts_from_snapshot
from .living_wage import LivingWageContract, living_wage_contracts, living_wage_status_counts
from .on_demand import (
    BREAKDOWNS,
    GROUPS,
    Total,
    breakdowns,
    committed,
    delivered,
    grand_total,
    headline_measures,
    years_with_figures,
)
from .snapshot_rows import SNAPSHOT_FIGURES
from .snapshots import (
    _NETWORK_LOCK,
    _PARTNER_LOCK,
    recompute_all,
    recompute_network_totals,
    recompute_partner_totals,
    snapshot_is_current,
)
from .years import year_of, year_range, year_start

__all__ = [
    "BREAKDOWNS",
    "GROUPS",
    "SNAPSHOT_FIGURES",
    "_NETWORK_LOCK",
    "_PARTNER_LOCK",  # the workers' refresh guard and the fault tests wait on this advisory lock
    "ContractTotal",
    "LivingWageContract",
    "Total",
    "beneficiaries",
    "beneficiary_counts",
    "breakdowns",
    "committed",
    "delivered",
    "grand_total",
    "headline_measures",
    "living_wage_contracts",
    "living_wage_status_counts",
    "recompute_all",
    "recompute_network_totals",
    "recompute_partner_totals",
    "snapshot_is_current",
    "top_contracts",
    "top_contracts_from_snapshot",
    "year_of",
    "year_range",
    "year_start",
    "years_with_figures",
]
