"""Explainable gap analysis: the rules, each Process's class and strength score, what-if."""
from .analysis import analyse, assess, select_rules
from .facts import Context, GapFacts, GraphReader, Hit, Overlay
from .model import Assessment, Finding, Report, Severity, SourceScore, Status
from .policy import Policy
from .rule import Rule
from .rules import RULES
from .summary import AreaSummary, Summary, summarise
from .whatif import WhatIf, what_if

__all__ = ["analyse", "assess", "select_rules", "what_if", "summarise", "RULES", "Rule", "Policy", "Overlay",
           "Context", "GapFacts", "GraphReader", "Hit", "WhatIf", "Report", "Finding", "Assessment", "SourceScore",
           "Severity", "Status", "Summary", "AreaSummary"]
