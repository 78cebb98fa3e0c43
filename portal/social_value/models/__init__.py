"""Social value models, one file per part: the catalogue, contracts and commitments, delivery, targets, totals."""
from .catalogue import Measure, Outcome, ProxyValue, Theme
from .contracts import RLW_ANSWERS, ROUTES, Commitment, CommitmentProfileYear, Contract
from .delivery import REPORT_STATUSES, DeliveryBeneficiaryCount, DeliveryReport, EvidenceFile
from .progress import SocialValuePeriodTotal, SocialValueProgressTotal
from .targets import (
    SHARE_SUBJECTS,
    SPEND_SUBJECTS,
    TARGET_BASES,
    TARGET_SUBJECTS,
    NetworkTarget,
    PartnerTarget,
)
from .totals import (
    NetworkSocialValueBeneficiaryTotal,
    NetworkSocialValueTotal,
    SocialValueBeneficiaryTotal,
    SocialValueTotal,
    SocialValueTotalsPending,
)

__all__ = [
    "REPORT_STATUSES",
    "RLW_ANSWERS",
    "ROUTES",
    "SHARE_SUBJECTS",
    "SPEND_SUBJECTS",
    "TARGET_BASES",
    "TARGET_SUBJECTS",
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
    "PartnerTarget",
    "ProxyValue",
    "SocialValueBeneficiaryTotal",
    "SocialValuePeriodTotal",
    "SocialValueProgressTotal",
    "SocialValueTotal",
    "SocialValueTotalsPending",
    "Theme",
]
