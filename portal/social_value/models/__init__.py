"""Social value models, one file per part: the catalogue, contracts and commitments, delivery, targets, totals."""
from .catalogue import HEADLINES, Measure, Outcome, PartnerMeasure, ProxyValue, Theme
from .contracts import RLW_ANSWERS, ROUTES, Commitment, CommitmentProfileYear, Contract
from .delivery import (
    REPORT_STATUSES,
    AdoptedBeneficiaryGroup,
    DeliveryBeneficiaryCount,
    DeliveryReport,
    EvidenceFile,
)
from .targets import TARGET_BASES, TARGET_SUBJECTS, NetworkTarget, PartnerTarget
from .totals import (
    NetworkSocialValueBeneficiaryTotal,
    NetworkSocialValueTotal,
    SocialValueBeneficiaryTotal,
    SocialValueTotal,
    SocialValueTotalsPending,
)

__all__ = [
    "HEADLINES",
    "REPORT_STATUSES",
    "RLW_ANSWERS",
    "ROUTES",
    "TARGET_BASES",
    "TARGET_SUBJECTS",
    "AdoptedBeneficiaryGroup",
    "Commitment",
    "CommitmentProfileYear",
    "Contract",
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
    "SocialValueBeneficiaryTotal",
    "SocialValueTotal",
    "SocialValueTotalsPending",
    "Theme",
]
