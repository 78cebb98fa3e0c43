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
    ProposedCommitment,
)
from .delivery import (
    REPORT_STATUSES,
    AdoptedBeneficiaryGroup,
    DeliveryBeneficiaryCount,
    DeliveryReport,
    EvidenceFile,
)
from .imports import BULK_KINDS, BulkImport
from .progress import SocialValueContractTotal, SocialValuePeriodTotal, SocialValueProgressTotal
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
    "BULK_KINDS",
    "HEADLINES",
    "REPORTING_FREQUENCIES",
    "REPORT_STATUSES",
    "RLW_ANSWERS",
    "ROUTES",
    "SHARE_SUBJECTS",
    "SPEND_SUBJECTS",
    "TARGET_BASES",
    "TARGET_SUBJECTS",
    "AdoptedBeneficiaryGroup",
    "BulkImport",
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
    "ProposedCommitment",
    "ProxyValue",
    "ReturnReminder",
    "SocialValueBeneficiaryTotal",
    "SocialValueContractTotal",
    "SocialValuePeriodTotal",
    "SocialValueProgressTotal",
    "SocialValueTotal",
    "SocialValueTotalsPending",
    "Theme",
]
