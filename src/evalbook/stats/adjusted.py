"""Regression-adjusted treatment effects on a design matrix: numbers only.

* yes/no outcomes: logistic regression by maximum likelihood (Newton–Raphson with the
  analytic Hessian, as statsmodels' ``Logit`` fits it; here with frequency weights, so that
  rows with the same covariates and outcome can be collapsed into one: a register of
  hundreds of thousands of persons has far fewer distinct rows). The effect is the *average
  marginal effect* of the treatment column in percentage points,
  ``AME = mean_i [P(y=1 | treated, x_i) - P(y=1 | control, x_i)]`` over all persons, with a
  Wald interval and p-value from its delta-method standard error (``se² = g' V g`` with
  ``g = dAME/dbeta`` and ``V`` the inverse of the information matrix);
* means: linear regression (OLS, statsmodels); the effect is the treatment coefficient, with
  heteroscedasticity-robust HC3 standard errors and a t interval.

A fit that cannot be used gives NaN effects and a ``reason`` code: a singular information
matrix (``SINGULAR``), or a logit that does not converge in :data:`MAX_ITERATIONS` steps or
(quasi-)separates, a fitted probability within :data:`SEPARATION` of 0 or 1 (``SEPARATED``).
"""

from __future__ import annotations

import numpy as np
from scipy import special, stats
from statsmodels.regression import linear_model

LOGIT = "logit_ame"  # the ``method`` codes
OLS = "ols_hc3"
SINGULAR = "singular"  # the ``reason`` codes of this module
SEPARATED = "separation"
TOO_FEW_ROWS = "too_few_rows"
REASONS = (SINGULAR, SEPARATED, TOO_FEW_ROWS)
SEPARATION = 1e-8  # a fitted probability this close to 0 or 1 signals (quasi-)separation
MAX_ITERATIONS = 100
TOLERANCE = 1e-10  # Newton stops when no coefficient moves more than this


def logit_ame(y, x: np.ndarray, treated: int, alpha: float = 0.05, weights=None) -> dict:
    """Average marginal effect of column ``treated`` of ``x`` (0/1) from a logistic regression
    of ``y`` (0/1) on ``x``, in percentage points, with its delta-method interval and p-value.
    ``weights``: how many persons each row stands for (default: one)."""
    y = np.asarray(y, dtype=float)
    x = np.asarray(x, dtype=float)
    w = np.ones(len(y)) if weights is None else np.asarray(weights, dtype=float)
    try:
        beta, cov, converged = logit_fit(y, x, w)
    except np.linalg.LinAlgError:
        return failed(SINGULAR)
    if not converged:
        return failed(SEPARATED)
    fitted = special.expit(x @ beta)
    if np.any((fitted < SEPARATION) | (fitted > 1 - SEPARATION)):
        return failed(SEPARATED)
    x1, x0 = x.copy(), x.copy()
    x1[:, treated], x0[:, treated] = 1.0, 0.0
    p1, p0 = special.expit(x1 @ beta), special.expit(x0 @ beta)
    share = w / w.sum()
    ame = float(share @ (p1 - p0))
    gradient = share @ ((p1 * (1 - p1))[:, None] * x1 - (p0 * (1 - p0))[:, None] * x0)
    se = float(np.sqrt(gradient @ cov @ gradient))
    z = stats.norm.isf(alpha / 2)
    return {
        "ame": 100 * ame,
        "ame_low": float(100 * (ame - z * se)),
        "ame_high": float(100 * (ame + z * se)),
        "ame_p": float(2 * stats.norm.sf(abs(ame / se))),
        "method": LOGIT,
        "reason": None,
    }


def logit_fit(y: np.ndarray, x: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray, bool]:
    """Maximum-likelihood coefficients of a logistic regression with frequency ``weights``,
    their covariance matrix (the inverse information) and whether Newton–Raphson converged
    (it does not when the data separate: the coefficients run off and the information
    matrix degenerates). An information matrix that is singular from the start raises
    ``numpy.linalg.LinAlgError``."""
    beta = np.zeros(x.shape[1])
    for step_number in range(MAX_ITERATIONS):
        p = special.expit(x @ beta)
        try:
            step = np.linalg.solve(_information(x, weights, p), x.T @ (weights * (y - p)))
        except np.linalg.LinAlgError:
            if step_number == 0:
                raise
            break
        beta = beta + step
        if not np.all(np.isfinite(beta)):
            break
        if np.max(np.abs(step)) <= TOLERANCE:
            return beta, np.linalg.inv(_information(x, weights, special.expit(x @ beta))), True
    return beta, np.full((x.shape[1], x.shape[1]), np.nan), False


def _information(x: np.ndarray, weights: np.ndarray, p: np.ndarray) -> np.ndarray:
    return (x * (weights * p * (1 - p))[:, None]).T @ x


def ols_effect(y, x: np.ndarray, treated: int, alpha: float = 0.05) -> dict:
    """The coefficient of column ``treated`` in a linear regression of ``y`` on ``x``, with
    HC3 standard errors and a t interval."""
    x = np.asarray(x, dtype=float)
    if len(y) <= x.shape[1] + 1:
        return failed(TOO_FEW_ROWS)
    result = linear_model.OLS(np.asarray(y, dtype=float), x).fit(cov_type="HC3", use_t=True)
    low, high = result.conf_int(alpha)[treated]
    return {
        "ame": float(result.params[treated]),
        "ame_low": float(low),
        "ame_high": float(high),
        "ame_p": float(result.pvalues[treated]),
        "method": OLS,
        "reason": None,
    }


def hc3_contributions(y, x: np.ndarray, treated: int) -> np.ndarray:
    """Each observation's share of the HC3 variance of the coefficient of column ``treated``
    in a linear regression of ``y`` on ``x``: ``(c_i e_i / (1 - h_i))²`` with ``c`` the row of
    ``(X'X)⁻¹X'`` for that coefficient, ``e`` the residuals and ``h`` the leverages. They add
    up to the squared HC3 standard error (MacKinnon & White 1985), so the disclosure gate can
    apply the magnitude rules to what the interval of an adjusted effect carries."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    inverse = np.linalg.pinv(x.T @ x)
    residuals = y - x @ (inverse @ (x.T @ y))
    leverage = np.einsum("ij,jk,ik->i", x, inverse, x)
    row = (inverse @ x.T)[treated]
    return (row * residuals / (1 - leverage)) ** 2


def failed(reason: str) -> dict:
    """The result of a model that cannot be used: NaN effects and the ``reason`` code."""
    return {"ame": np.nan, "ame_low": np.nan, "ame_high": np.nan, "ame_p": np.nan, "method": None, "reason": reason}
