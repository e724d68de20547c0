"""Covariate-adjusted programme effects: the comparison corrected for the matching variables.

Per outcome, on the persons in its denominator (``no_return_after_work``: work outflow only):

* yes/no outcomes: logistic regression (maximum likelihood, statsmodels ``Logit``) of the
  outcome on treatment (``group == "programme"``) plus the matching variables; the effect is
  the *average marginal effect* of treatment in percentage points,
  ``AME = mean_i [P(y=1 | treated, x_i) - P(y=1 | control, x_i)]`` over all persons, with a
  Wald interval and p-value from its delta-method standard error
  (``se² = g' V g`` with ``g = dAME/dbeta`` and ``V`` the model's covariance matrix);
* means (contact counts): linear regression (OLS) on the same variables; the effect is the
  treatment coefficient (the adjusted difference in means), with heteroscedasticity-robust
  HC3 standard errors and a t interval (the counts are skewed and their spread differs
  between the groups, as Welch allows in the unadjusted comparison).

Covariates: sex, age and benefit months as given, education as a categorical variable
(reference ``low``); indicator columns that do not vary within an outcome's denominator are
left out. A yes/no outcome is not estimated (NaN with a Dutch ``reason``) when a group has
fewer than ``min_events`` persons with "yes" or with "no", or when the fit does not
converge or (quasi-)separates (a fitted probability within 1e-8 of 0 or 1); warnings raised
during the fit are caught, and statsmodels' model warnings and numerical RuntimeWarnings
turn into that reason.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import special, stats
from statsmodels.tools.sm_exceptions import ModelWarning

from .compare import GROUPS
from .schemas.register import REGISTER
from .analysis.outcomes import OUTCOMES, Outcome, derive

COVARIATES = ("sex", "age", "education", "benefit_months")
EDUCATION_LEVELS = next(c.categories for c in REGISTER.columns if c.name == "education")  # first: reference
LOGIT_METHOD = "logistische regressie, gemiddeld marginaal effect (deltamethode)"
OLS_METHOD = "lineaire regressie (OLS), robuuste standaardfouten (HC3)"
DEFAULT_MIN_EVENTS = 10
SEPARATION = 1e-8  # a fitted probability this close to 0 or 1 signals (quasi-)separation


def with_covariates(register: pd.DataFrame, follow_up_months: int = 12, **options) -> pd.DataFrame:
    """The per-person outcomes of :func:`evalbook.outcomes.derive` (``options`` passed on to
    it) with the matching variables of the register."""
    return derive(register, follow_up_months, **options).join(register[list(COVARIATES)])


def design(frame: pd.DataFrame, covariates=COVARIATES) -> pd.DataFrame:
    """The design matrix: constant, ``treated`` (1 = programme) and the covariates, with
    ``sex`` as ``female`` and ``education`` as indicators against ``low``; columns without
    variation (beyond the constant and ``treated``) are dropped."""
    x = pd.DataFrame({"const": 1.0, "treated": (frame["group"] == GROUPS[0]).astype(float)}, index=frame.index)
    for name in covariates:
        if name == "sex":
            x["female"] = (frame["sex"] == "female").astype(float)
        elif name == "education":
            for level in EDUCATION_LEVELS[1:]:
                x[f"education_{level}"] = (frame["education"] == level).astype(float)
        else:
            x[name] = frame[name].to_numpy(dtype=float)
    extra = [c for c in x.columns[2:] if x[c].nunique() < 2]
    return x.drop(columns=extra)


def logit_ame(y, x: pd.DataFrame, alpha: float = 0.05) -> dict:
    """Average marginal effect of ``treated`` from a logistic regression, in percentage points,
    with its delta-method interval and p-value; NaN with a ``reason`` if the fit is unusable."""
    y = np.asarray(y, dtype=float)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = sm.Logit(y, x.to_numpy()).fit(disp=0, maxiter=100)
        except np.linalg.LinAlgError:
            return _failed("model niet te schatten (singuliere matrix)")
    fitted = result.predict()
    trouble = any(issubclass(w.category, (ModelWarning, RuntimeWarning)) for w in caught)
    if trouble or not result.mle_retvals["converged"] or np.any((fitted < SEPARATION) | (fitted > 1 - SEPARATION)):
        return _failed("model niet te schatten (scheiding of geen convergentie)")
    beta, cov = result.params, result.cov_params()
    treated = x.columns.get_loc("treated")
    x1, x0 = x.to_numpy().copy(), x.to_numpy().copy()
    x1[:, treated], x0[:, treated] = 1.0, 0.0
    p1, p0 = special.expit(x1 @ beta), special.expit(x0 @ beta)
    ame = float(np.mean(p1 - p0))
    gradient = ((p1 * (1 - p1))[:, None] * x1 - (p0 * (1 - p0))[:, None] * x0).mean(axis=0)
    se = float(np.sqrt(gradient @ cov @ gradient))
    z = stats.norm.isf(alpha / 2)
    return {"ame": 100 * ame, "ame_low": float(100 * (ame - z * se)), "ame_high": float(100 * (ame + z * se)),
            "ame_p": float(2 * stats.norm.sf(abs(ame / se))), "method": LOGIT_METHOD, "reason": None}


def ols_effect(y, x: pd.DataFrame, alpha: float = 0.05) -> dict:
    """The treatment coefficient of a linear regression with HC3 standard errors (t interval)."""
    if len(y) <= x.shape[1] + 1:
        return _failed("te weinig personen voor het model")
    result = sm.OLS(np.asarray(y, dtype=float), x.to_numpy()).fit(cov_type="HC3", use_t=True)
    treated = x.columns.get_loc("treated")
    low, high = result.conf_int(alpha)[treated]
    return {"ame": float(result.params[treated]), "ame_low": float(low), "ame_high": float(high),
            "ame_p": float(result.pvalues[treated]), "method": OLS_METHOD, "reason": None}


def adjusted_effect(frame: pd.DataFrame, outcome: Outcome, alpha: float = 0.05, covariates=COVARIATES,
                    min_events: int = DEFAULT_MIN_EVENTS) -> dict:
    """The adjusted effect of one outcome (see the module docstring) as a dict of
    ``ame, ame_low, ame_high, ame_p, method, reason``."""
    data = frame[frame[outcome.name].notna()]
    groups = [data.loc[data["group"] == g, outcome.name] for g in GROUPS]
    if min(len(g) for g in groups) == 0:
        return _failed("een van de groepen is leeg")
    x = design(data, covariates)
    if np.linalg.matrix_rank(x.to_numpy()) < x.shape[1]:
        return _failed("model niet te schatten (covariaten samenhangend)")
    if outcome.kind != "proportion":
        return ols_effect(data[outcome.name], x, alpha)
    if min(min(int(g.sum()), int((~g).sum())) for g in groups) < min_events:
        return _failed(f"te weinig gebeurtenissen (minder dan {min_events} keer ja of nee in een groep)")
    return logit_ame(data[outcome.name].astype(bool), x, alpha)


def adjusted_table(frame: pd.DataFrame, outcomes: tuple[Outcome, ...] = OUTCOMES, alpha: float = 0.05,
                   covariates=COVARIATES, min_events: int = DEFAULT_MIN_EVENTS) -> pd.DataFrame:
    """One row per outcome: ``outcome, ame, ame_low, ame_high, ame_p, method, reason``.

    ``frame`` is :func:`with_covariates`' output. ``ame`` is in percentage points for yes/no
    outcomes and in the outcome's unit for means; ``reason`` (Dutch) says why a row is NaN.
    Merge on ``outcome`` with :func:`evalbook.compare.outcome_table` before
    :func:`evalbook.disclosure.protect`, which also blanks these columns for suppressed rows.
    """
    rows = [{"outcome": o.name} | adjusted_effect(frame, o, alpha, covariates, min_events)
            for o in outcomes if o.name in frame]
    return pd.DataFrame(rows, columns=["outcome", "ame", "ame_low", "ame_high", "ame_p", "method", "reason"])


def _failed(reason: str) -> dict:
    return {"ame": np.nan, "ame_low": np.nan, "ame_high": np.nan, "ame_p": np.nan, "method": None, "reason": reason}
