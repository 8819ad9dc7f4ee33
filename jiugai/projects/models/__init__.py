"""Projects: an estate (or a bundle) in the annual plan driven through its stages to handover and close-out.

Seed digest §7. One module per part of the lifecycle; all models are importable from here.
"""

from .acceptance import (
    AcceptanceRound,
    AcceptanceSignature,
    ArchiveItem,
    Defect,
    FinalAccount,
    Handover,
    Inspection,
    PostEvaluation,
    SatisfactionResponse,
)
from .complaints import Complaint, MediationGroup, Mediator
from .coordination import ActionItem, Meeting, UtilityTask
from .progress import ProgressPhoto, ReportLine, WeeklyDigest, WeeklyReport
from .project import Project, ProjectMember, ProjectSignoff
from .tenders import Bid, BoQLine, Contract, Tender, Variation, VariationLine

__all__ = [
    "AcceptanceRound",
    "AcceptanceSignature",
    "ActionItem",
    "ArchiveItem",
    "Bid",
    "BoQLine",
    "Complaint",
    "Contract",
    "Defect",
    "FinalAccount",
    "Handover",
    "Inspection",
    "MediationGroup",
    "Mediator",
    "Meeting",
    "PostEvaluation",
    "ProgressPhoto",
    "Project",
    "ProjectMember",
    "ProjectSignoff",
    "ReportLine",
    "SatisfactionResponse",
    "Tender",
    "UtilityTask",
    "Variation",
    "VariationLine",
    "WeeklyDigest",
    "WeeklyReport",
]
