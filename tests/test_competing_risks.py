"""Aalen–Johansen cumulative incidence with its delta-method variance: by hand, against
Kaplan–Meier with Greenwood's variance (statsmodels) when there is one cause, against a
numerical delta method, statsmodels' CumIncidenceRight, and stats.survival.cumulative_incidence
on the embedded WGW register."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.duration.survfunc import CumIncidenceRight, SurvfuncRight

from evalbook.analysis.outcomes import window_end
from evalbook.core import contract
from evalbook.schemas.register import REGISTER
from evalbook.stats import survival
from evalbook.stats.competing_risks import aalen_johansen

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wgw():
    """Time to outflow as the book derives it (legacy survival.time_to_event): days from the start
    to an outflow inside the 12-month window, else to the window's end (censored)."""
    register = contract.read(ROOT / "data/synthetic/wgw/register.csv", REGISTER)
    end = window_end(register, 12)
    event = register["outflow_date"].notna() & (register["outflow_date"] <= end)
    cause = register["outflow_reason"].where(event)
    return pd.DataFrame(
        {
            "group": register["group"],
            "days": (register["outflow_date"].where(event, end) - register["start_date"]).dt.days.astype(int),
            "event": event.astype(bool),
            "cause": cause,
            "code": cause.map({"work": 1, "other": 2}).fillna(0).astype(int),
        }
    )


def test_two_causes_by_hand():
    # 1 work, 2 other, 3 censored, 4 work, 5 other. n = 5, 4, 2, 1 at the exit times 1, 2, 4, 5;
    # all-cause S before them 1, 4/5, 3/5, 3/10.
    # CIF work: 1/5, 1/5, 1/5 + 3/5 · 1/2 = 1/2, 1/2.  Variance at t = 4:
    #   Σ ΔF² d/(n(n−d)): 0.3² /(5·4) + 0.3² /(4·3) = 0.0045 + 0.0075 = 0.012
    #   Σ S² d_k (n−d_k)/n³: 1 · 4/125 + 0.36 · 1/8 = 0.032 + 0.045 = 0.077
    #   −2 Σ ΔF S d_k/n²: −2 · 0.3 · 1/25 = −0.024                          -> 0.065
    table = aalen_johansen([1, 2, 3, 4, 5], [1, 2, 0, 1, 2])
    work = table[table["cause"] == 1]
    assert work["time"].tolist() == [1, 2, 4, 5]
    assert work["at_risk"].tolist() == [5, 4, 2, 1]
    assert work["cif"].tolist() == pytest.approx([0.2, 0.2, 0.5, 0.5])
    assert (work["se"] ** 2).tolist() == pytest.approx([0.032, 0.032, 0.065, 0.065])
    other = table[table["cause"] == 2]
    assert other["cif"].tolist() == pytest.approx([0, 0.2, 0.2, 0.5])
    assert other["events"].tolist() == [0, 1, 0, 1]
    # the log(−log) interval by hand at t = 4: 0.5^exp(±1.96 · se / (0.5 · log 2))
    spread = np.exp(stats.norm.ppf(0.975) * np.sqrt(0.065) / (0.5 * np.log(2)))
    row = work[work["time"] == 4].iloc[0]
    assert (row["low"], row["high"]) == pytest.approx((0.5**spread, 0.5 ** (1 / spread)))
    # 0 has no spread
    first = other.iloc[0]
    assert (first["low"], first["high"], first["se"]) == (0, 0, 0)


def test_one_cause_is_one_minus_kaplan_meier_with_greenwood():
    rng = np.random.default_rng(11)
    time = rng.integers(1, 40, 150).astype(float)
    event = rng.random(150) < 0.7
    time[np.argmax(time)] += 1
    event[np.argmax(time)] = False  # the longest follow-up censored: Greenwood defined throughout
    table = aalen_johansen(time, event.astype(int))
    km = SurvfuncRight(time, event.astype(float))
    assert table["time"].tolist() == km.surv_times.tolist()
    assert table["cif"].to_numpy() == pytest.approx(1 - km.surv_prob)
    assert table["se"].to_numpy() == pytest.approx(km.surv_prob_se)


def _numerical_delta(time, cause, causes):
    """The variance of every CIF by the delta method done numerically: the cause-specific
    hazards at each exit time are multinomial (cov (δ h_k − h_k h_l) / n), the gradient of the
    CIF at the last time by central differences."""
    times = np.unique(time[cause != 0])
    n = np.array([(time >= t).sum() for t in times], float)
    h = np.array([[((time == t) & (cause == k)).sum() for k in causes] for t in times], float) / n[:, None]

    def cif(hazards):
        before = np.r_[1.0, np.cumprod(1 - hazards.sum(axis=1))[:-1]]
        return (before[:, None] * hazards).sum(axis=0)

    variances = []
    for i in range(len(causes)):
        grad = np.zeros_like(h)
        for j in np.ndindex(h.shape):
            step = np.zeros_like(h)
            step[j] = 1e-6
            grad[j] = (cif(h + step)[i] - cif(h - step)[i]) / 2e-6
        var = 0.0
        for j in range(len(times)):
            cov = (np.diag(h[j]) - np.outer(h[j], h[j])) / n[j]
            var += grad[j] @ cov @ grad[j]
        variances.append(var)
    return variances


def test_variance_is_the_delta_method():
    rng = np.random.default_rng(5)
    time = rng.integers(1, 15, 60).astype(float)  # many ties
    cause = rng.choice([0, 1, 2, 3], size=60, p=[0.2, 0.4, 0.3, 0.1])
    table = aalen_johansen(time, cause)
    last = table.groupby("cause").tail(1).set_index("cause")["se"] ** 2
    assert last.loc[[1, 2, 3]].to_numpy() == pytest.approx(_numerical_delta(time, cause, [1, 2, 3]), rel=1e-6)


def test_against_statsmodels_and_survival_on_wgw(wgw):
    for _, data in wgw.groupby("group"):
        table = aalen_johansen(data["days"], data["code"], causes=[1, 2])
        with np.errstate(divide="ignore", invalid="ignore"):
            reference = CumIncidenceRight(data["days"].to_numpy(float), data["code"].to_numpy(int))
        legacy = survival.cumulative_incidence(data).set_index(["cause", "days"])["cif"]
        for k, name in ((1, "work"), (2, "other")):
            ours = table[table["cause"] == k].set_index("time")
            at = np.isin(reference.times, ours.index)
            assert ours["cif"].to_numpy() == pytest.approx(reference.cinc[k - 1][at])
            assert ours["se"].to_numpy() == pytest.approx(reference.cinc_se[k - 1][at])
            assert ours["cif"].to_numpy() == pytest.approx(legacy[name].loc[ours.index.astype(int)].to_numpy())
        assert ((table["low"] <= table["cif"]) & (table["cif"] <= table["high"])).all()
        assert table["low"].min() >= 0 and table["high"].max() <= 1


def test_input_checks():
    with pytest.raises(ValueError):
        aalen_johansen([1, 2], [1])
    with pytest.raises(ValueError):
        aalen_johansen([-1, 2], [1, 0])
    assert aalen_johansen([1, 2], [0, 0]).empty
    # a requested cause without exits gets a zero curve
    table = aalen_johansen([1, 2, 3], [1, 0, 1], causes=[1, 2])
    assert (table.loc[table["cause"] == 2, "cif"] == 0).all()
