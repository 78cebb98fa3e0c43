"""Social value models, one file per part: the catalogue, contracts and commitments, delivery, targets, totals."""
from .catalogue import HEADLINES, Measure, Outcome, PartnerMeasure, ProxyValue, Theme
from .chasing import ContractNote, ReturnReminder
from .contracts import (
    REPORTING_FREQUENCIES,
    RLW_ANSWERS,
    ROUTES,
    Commitment,
    CommitmentProfileYear,
    Contract,
)
from .delivery import (
    REPORT_STATUSES,
    AdoptedBeneficiaryGroup,
    DeliveryBeneficiaryCount,
    DeliveryReport,
    EvidenceFile,
)
from .imports import BULK_KINDS, BulkImport
from .targets import TARGET_BASES, TARGET_SUBJECTS, NetworkTarget, PartnerTarget
from .totals import (
    NetworkSocialValueBeneficiaryTotal,
    NetworkSocialValueTotal,
    SocialValueBeneficiaryTotal,
    SocialValueTotal,
    SocialValueTotalsPending,
)

__all__ = [
    "REPORTING_FREQUENCIES",
    "BULK_KINDS",
    "HEADLINES",
    "REPORT_STATUSES",
    "RLW_ANSWERS",
    "ROUTES",
    "TARGET_BASES",
    "TARGET_SUBJECTS",
    "BulkImport",
    "AdoptedBeneficiaryGroup",
    "Commitment",
    "CommitmentProfileYear",
    "Contract",
    "ContractNote",
    "DeliveryBeneficiaryCount",
    "DeliveryReport",
    "EvidenceFile",
    "Measure",
    "NetworkSocialValueBeneficiaryTotal",
    "NetworkSocialValueTotal",
    "NetworkTarget",
    "Outcome",
    "PartnerMeasure",
    "PartnerTarget",
    "ProxyValue",
    "ReturnReminder",
    "SocialValueBeneficiaryTotal",
    "SocialValueTotal",
    "SocialValueTotalsPending",
    "Theme",
]
