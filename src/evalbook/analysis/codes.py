"""The codes of the studies' results, apart from the results themselves.

Presentation (:mod:`evalbook.report`) reads released objects only: an import contract forbids
it the analysis modules whose results hold true counts or persons (``effect``, ``survey``,
``nps``, ``wwatwork``). The codes it needs to word those results (methods, reasons, kinds of
conflict, answer categories, the funnel's steps) live here, and the analysis modules use the
same ones.
"""

from __future__ import annotations

# -- the effect study -------------------------------------------------------------------------
PUBLISHED_TOTALS = ("pooled", "unweighted_mean")  # how a report's total over target groups reads
PROPORTION_METHOD = "miettinen_nurminen"  # the ``method`` codes of a comparison
MEAN_METHOD = "welch"
DEFAULT_MIN_EVENTS = 10  # fewest yes (and no) answers per group for an adjusted effect
EMPTY_GROUP = "empty_group"  # ``reason`` codes of an adjusted effect beside those of stats.adjusted
COLLINEAR = "collinear"
TOO_FEW_EVENTS = "too_few_events"
OUTFLOW_BELOW_WORK = "outflow_below_work"  # kinds of conflict between published figures
PARTS_ABOVE_OUTFLOW = "parts_above_outflow"
TOTAL_OUTSIDE_PARTS = "total_outside_parts"
RETURNED = "returned_after_other"  # the kind of an assumption on who returned after leaving for another reason

# -- the client survey (NPS) ------------------------------------------------------------------
NPS_CATEGORIES = ("promoters", "passives", "detractors")

# -- WW@Work's funnel -------------------------------------------------------------------------
FUNNEL_STEPS = (  # (step, the step whose count is its base)
    ("cohort", None),  # the WW ends in the period (max-WW'ers)
    ("invited", "cohort"),  # invited to an information meeting
    ("attended", "invited"),
    ("coached", "attended"),  # taken into the WW@Work caseload
    ("found_work", "coached"),
    ("bijstand", "coached"),  # coached and still into Bijstand
)
FUNNEL_BASE = dict(FUNNEL_STEPS)
