"""The definitions of a published figure the portal knows how to compute from the network's spend totals.

Each names the stored measures whose sum is the figure's numerator and the measure it is
a share of, so the network's own figure is computed the same way as the benchmark's.
"OTHER" is any other definition: recorded and shown, but the portal cannot compute it.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Definition:
    key: str
    label: str  # as the form and the report show it
    explanation: str  # how the network's own figure is computed
    numerator: tuple[str, ...]  # measures of a spend totals row (pence), added up
    share_of: str  # "procurable_pence" or "total_pence"
    # The row's headline keys (annual.withheld_from_partners) behind the figure: withheld from a partner if any is.
    headline_keys: tuple[str, ...]

    @property
    def computable(self) -> bool:
        return bool(self.numerator)


DEFINITIONS = {
    d.key: d for d in (
        Definition(
            "cles_based", "Local: supplier based in the network's local authority districts, share of procurable spend (CLES)",
            "Procurable spend with suppliers whose registered office postcode is in one of the network's local authority "
            "districts, as a share of procurable spend.",
            ("based_pence",), "procurable_pence", ("based",)),
        Definition(
            "cles_based_or_branched",
            "Local: supplier based or branched in the network's local authority districts, share of procurable spend (CLES)",
            "Procurable spend with suppliers based in the network's districts or with a local branch the lead recorded, "
            "as a share of procurable spend.",
            ("local_pence",), "procurable_pence", ("local",)),
        Definition(
            "region", "Local: supplier in the same region (ITL1), share of spend (Tussell)",
            "Spend with suppliers placed in the network's region (ITL1): based or branched in the area, in the wider "
            "tier (which lies inside the region) or elsewhere in the region, as a share of total spend.",
            ("based_pence", "branched_pence", "wider_pence", "region_pence"), "total_pence",
            ("based", "branched", "wider", "region")),
        Definition(
            "sme", "SME share of spend, EC definition (Tussell)",
            "Spend with suppliers known to be small or medium-sized by the EC definition (micro, small or medium "
            "accounts at Companies House, or as the lead says), as a share of total spend.",
            ("sme_pence",), "total_pence", ("sme",)),
        Definition("other", "Other (the portal cannot compute it)", "", (), "", ()),
    )
}
OTHER = "other"
