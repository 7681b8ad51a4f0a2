"""Explainable gap analysis: rules G1-G10, each Process's class and strength score, what-if."""
from .analysis import analyse, assess
from .facts import Overlay
from .model import Assessment, Finding, Report, Severity, SourceScore, Status
from .policy import Policy
from .rules import RULES, Rule
from .summary import area_counts, summarise
from .whatif import WhatIf, what_if

__all__ = ["analyse", "assess", "what_if", "summarise", "area_counts", "RULES", "Rule", "Policy", "Overlay",
           "WhatIf", "Report", "Finding", "Assessment", "SourceScore", "Severity", "Status"]
