"""Programme group against control group: differences with intervals and tests.

Methods, chosen so that test and interval agree (the interval excludes 0 exactly when
p < alpha):

* proportions: Miettinen–Nurminen score test and score interval for the difference, both
  from the same statistic (:func:`mn_statistic`). Implemented here rather than taken from
  statsmodels 0.15, whose score statistic for a non-zero difference disagrees with the
  constrained likelihood (and whose interval inversion fails for some counts);
  ``tests/test_compare.py`` checks this one against a direct maximisation;
* means: Welch's t-test and its interval (unequal variances).

Differences are programme minus control; proportions are reported in percent and
differences in percentage points.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .analysis.outcomes import OUTCOMES, Outcome
from .stats.means import means
from .stats.multiplicity import holm
from .stats.proportions import mn_interval, mn_restricted, mn_statistic, proportions  # noqa: F401

PROPORTION_METHOD = "Miettinen–Nurminen-scoretoets en -interval"
MEAN_METHOD = "Welch-t-toets en -interval"
GROUPS = ("programme", "control")


def outcome_table(frame: pd.DataFrame, outcomes: tuple[Outcome, ...] = OUTCOMES, alpha: float = 0.05) -> pd.DataFrame:
    """One row per outcome: n, counts, percentages or means per group, difference, CI, p.

    ``frame`` is the per-person output of :func:`evalbook.outcomes.derive`.
    """
    rows = []
    for o in outcomes:
        if o.name not in frame:
            continue
        values = {g: frame.loc[frame["group"] == g, o.name].dropna() for g in GROUPS}
        if o.kind == "proportion":
            stats_row = proportions(int(values["programme"].sum()), len(values["programme"]),
                                    int(values["control"].sum()), len(values["control"]), alpha)
            method = PROPORTION_METHOD
        else:
            stats_row = means(values["programme"], values["control"], alpha)
            method = MEAN_METHOD
        rows.append({"outcome": o.name, "label": o.label, "kind": o.kind} | stats_row | {"method": method})
    table = pd.DataFrame(rows)
    columns = ["outcome", "label", "kind", "n_programme", "k_programme", "value_programme",
               "n_control", "k_control", "value_control", "diff", "ci_low", "ci_high", "p_value", "method"]
    table = table.reindex(columns=columns)
    table[["k_programme", "k_control"]] = table[["k_programme", "k_control"]].astype("Int64")
    return table



