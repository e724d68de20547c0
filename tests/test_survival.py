"""Time to outflow (stats.survival, the effect study's time-to-event frame and figures) against
hand-computed textbook examples, an own log-rank computation with scipy's chi-square, and
statsmodels' independent cumulative-incidence estimator and standard error."""

import math
import warnings
from pathlib import Path

import matplotlib.figure
import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.duration.survfunc import CumIncidenceRight

from evalbook.analysis.outcomes import time_to_event
from evalbook.core import contract
from evalbook.disclosure.curves import release_survival
from evalbook.disclosure.policy import Rules
from evalbook.report import effect_figures
from evalbook.schemas.register import REGISTER
from evalbook.stats import survival

ROOT = Path(__file__).resolve().parents[1]

# Two small groups (days, event):  A: 2, 3+, 4, 6   B: 1, 2, 3, 5+   (+ = censored)
EXAMPLE = pd.DataFrame(
    {
        "group": ["programme"] * 4 + ["control"] * 4,
        "days": [2, 3, 4, 6, 1, 2, 3, 5],
        "event": [True, False, True, True, True, True, True, False],
        "cause": ["work", None, "other", "work", "work", "other", "work", None],
    }
)


@pytest.fixture(scope="module")
def wgw():
    register = contract.read(ROOT / "data/synthetic/wgw/register.csv", REGISTER)
    return time_to_event(register, 12)


def test_time_to_event_by_hand(register_file):
    # conftest: P1 to work after 136 days (2017-09-01 -> 2018-01-15); P2's outflow falls after
    # the window (2018-09-01, 365 days): censored; P3 to work after 181 days; P4 censored
    tte = time_to_event(contract.read(register_file, REGISTER), 12)
    assert tte["group"].tolist() == ["programme", "programme", "control", "control"]
    assert tte["days"].tolist() == [136, 365, 181, 365]
    assert tte["event"].tolist() == [True, False, True, False]
    assert tte["cause"].isna().tolist() == [False, True, False, True]
    assert tte.loc[tte["event"], "cause"].tolist() == ["work", "work"]


def test_kaplan_meier_by_hand():
    km = survival.kaplan_meier(EXAMPLE)
    a = km[km["group"] == "programme"]
    # A: t=2: 4 at risk, 1 event -> 3/4; t=4: 2 at risk (3+ left) -> 3/4 * 1/2 = 3/8; t=6: 0
    assert a["days"].tolist() == [0, 2, 4, 6]
    assert a["survival"].tolist() == pytest.approx([1, 3 / 4, 3 / 8, 0])
    assert a["at_risk"].tolist() == [4, 4, 2, 1]
    # Greenwood at t=4: var = S² (1/(4·3) + 1/(2·1)) = S² · 7/12; log(-log) interval
    s, z = 3 / 8, stats.norm.isf(0.025)
    w = math.exp(z * math.sqrt(7 / 12) / abs(math.log(s)))
    row = a[a["days"] == 4].iloc[0]
    assert row["low"] == pytest.approx(s**w) and row["high"] == pytest.approx(s ** (1 / w))
    b = km[km["group"] == "control"]
    # B: 1 -> 3/4, 2 -> 3/4·2/3 = 1/2, 3 -> 1/2·1/2 = 1/4, censored at 5: the curve runs on to day 5
    assert b["days"].tolist() == [0, 1, 2, 3, 5]
    assert b["survival"].tolist() == pytest.approx([1, 3 / 4, 1 / 2, 1 / 4, 1 / 4])


def test_log_rank_by_hand():
    # times 1..6, A = programme: (n_A, n_B, d, d_A) -> E_A = n_A d / n, V = n_A n_B d (n - d) / (n² (n - 1))
    # t1 (4,4,1,0): E .5, V .25; t2 (4,3,2,1): E 8/7, V 120/294; t3 (3,2,1,0): E .6, V .24;
    # t4 (2,1,1,1): E 2/3, V 2/9; t6 (1,0,1,1): E 1, V 0.   O_A = 3
    expected = 0.5 + 8 / 7 + 0.6 + 2 / 3 + 1
    variance = 0.25 + 120 / 294 + 0.24 + 2 / 9
    chi2 = (3 - expected) ** 2 / variance
    assert chi2 == pytest.approx(0.73835, abs=1e-5)
    test = survival.log_rank(EXAMPLE)
    assert test.statistic == pytest.approx(chi2)
    assert test.df == 1
    assert test.p_value == pytest.approx(stats.chi2.sf(chi2, 1))


def test_log_rank_on_wgw_against_an_own_computation(wgw):
    observed = expected = variance = 0.0
    for t in np.unique(wgw.loc[wgw["event"], "days"]):
        at_risk = wgw["days"] >= t
        n, n1 = at_risk.sum(), (at_risk & (wgw["group"] == "programme")).sum()
        died = wgw["event"] & (wgw["days"] == t)
        d, d1 = died.sum(), (died & (wgw["group"] == "programme")).sum()
        observed += d1
        expected += n1 * d / n
        variance += n1 * (n - n1) * d * (n - d) / (n**2 * (n - 1)) if n > 1 else 0.0
    chi2 = (observed - expected) ** 2 / variance
    test = survival.log_rank(wgw)
    assert test.statistic == pytest.approx(chi2, rel=1e-9)
    assert test.p_value == pytest.approx(stats.chi2.sf(chi2, 1), rel=1e-9)


def test_aalen_johansen_by_hand():
    # one group: 1 work, 2 other, 3+, 4 work, 5 other. All-cause S: 4/5, 3/5, (3+), 3/10, 0
    # CIF work:  1/5 · ... : t1 S(0)·1/5 = 1/5; t4 + S(4-)=3/5 · 1/2 -> 1/2
    # CIF other: t2 S(2-)=4/5 · 1/4 = 1/5; t5 + S(5-)=3/10 · 1/1 -> 1/2   (sum 1 = 1 - S(5))
    tte = pd.DataFrame(
        {
            "group": "programme",
            "days": [1, 2, 3, 4, 5],
            "event": [True, True, False, True, True],
            "cause": ["work", "other", None, "work", "other"],
        }
    )
    cif = survival.cumulative_incidence(tte).set_index(["cause", "days"])["cif"]
    assert cif["work"].tolist() == pytest.approx([0, 1 / 5, 1 / 5, 1 / 2, 1 / 2])
    assert cif["other"].tolist() == pytest.approx([0, 0, 1 / 5, 1 / 5, 1 / 2])
    assert list(cif["work"].index) == [0, 1, 2, 4, 5]
    # naive 1 - KM for work alone (other exits censored) would give 1 - 4/5 · 1/2 = 3/5 > 1/2
    assert cif["work"].iloc[-1] < 1 - (4 / 5) * (1 / 2)


def test_without_competing_exits_cif_is_one_minus_kaplan_meier(wgw):
    only_work = wgw.assign(event=wgw["cause"].eq("work"), cause=wgw["cause"].where(wgw["cause"].eq("work")))
    cif = survival.cumulative_incidence(only_work, causes=("work",))
    km = survival.kaplan_meier(only_work)
    merged = cif.merge(km, on=["group", "days"], validate="one_to_one")
    assert len(merged) == len(km) == len(cif)
    assert (merged["cif"]).to_numpy() == pytest.approx(1 - merged["survival"].to_numpy())


def test_cif_against_statsmodels_cum_incidence(wgw):
    """Estimate and interval per group and cause: statsmodels' estimate and standard error, the
    interval by hand on the log(−log) scale from that standard error."""
    cif = survival.cumulative_incidence(wgw)
    z = stats.norm.isf(0.025)
    for group in ("programme", "control"):
        data = wgw[wgw["group"] == group]
        status = data["cause"].map({"work": 1, "other": 2}).fillna(0).to_numpy(int)
        with np.errstate(divide="ignore", invalid="ignore"):  # statsmodels' SE at the last time
            reference = CumIncidenceRight(data["days"].to_numpy(float), status)
        for k, cause in enumerate(("work", "other")):
            ours = cif[(cif["group"] == group) & (cif["cause"] == cause)].set_index("days")
            theirs = pd.DataFrame(
                {"cif": reference.cinc[k], "se": reference.cinc_se[k]}, index=reference.times.astype(int)
            )
            theirs = theirs[(theirs["cif"] > 0) & np.isfinite(theirs["se"])]
            shown = ours.reindex(theirs.index, method="ffill")
            assert shown["cif"].to_numpy() == pytest.approx(theirs["cif"].to_numpy())
            spread = np.exp(z * theirs["se"] / (theirs["cif"] * np.abs(np.log(theirs["cif"]))))
            assert shown["low"].to_numpy() == pytest.approx((theirs["cif"] ** spread).to_numpy(), rel=1e-6)
            assert shown["high"].to_numpy() == pytest.approx((theirs["cif"] ** (1 / spread)).to_numpy(), rel=1e-6)


def test_cif_rows_for_the_figures(wgw):
    """Day 0 (nothing yet, a zero-width interval), the end of follow-up carrying the last values
    forward, and intervals around every estimate."""
    cif = survival.cumulative_incidence(wgw)
    assert list(cif.columns) == ["group", "cause", "days", "cif", "low", "high", "at_risk"]
    for (group, _cause), rows in cif.groupby(["group", "cause"], sort=False):
        first, last = rows.iloc[0], rows.iloc[-1]
        assert (first["days"], first["cif"], first["low"], first["high"]) == (0, 0.0, 0.0, 0.0)
        assert first["at_risk"] == (wgw["group"] == group).sum()
        assert last["days"] == wgw.loc[wgw["group"] == group, "days"].max()
        assert last[["cif", "low", "high"]].tolist() == rows.iloc[-2][["cif", "low", "high"]].tolist()
        assert ((rows["low"] <= rows["cif"]) & (rows["cif"] <= rows["high"])).all()
        assert (rows.loc[rows["cif"] > 0, "low"] < rows.loc[rows["cif"] > 0, "high"]).all()


def test_without_competing_exits_the_cif_interval_is_greenwoods():
    """One cause only: F = 1 − S, and its variance is Greenwood's (by hand, as in the
    Kaplan–Meier example above), the interval on F's log(−log) scale."""
    one = EXAMPLE[EXAMPLE["group"] == "programme"]
    one = one.assign(cause=np.where(one["event"], "work", None))  # every exit to work
    cif = survival.cumulative_incidence(one, causes=("work",)).set_index("days")
    f, z = 1 - 3 / 8, stats.norm.isf(0.025)  # day 4: S = 3/8, var S = S² · 7/12
    w = math.exp(z * (3 / 8) * math.sqrt(7 / 12) / (f * abs(math.log(f))))
    assert cif.loc[4, "cif"] == pytest.approx(f)
    assert cif.loc[4, "low"] == pytest.approx(f**w) and cif.loc[4, "high"] == pytest.approx(f ** (1 / w))


def test_wgw_is_warning_free_and_figures_are_dutch(wgw):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        km = survival.kaplan_meier(wgw)
        test = survival.log_rank(wgw)
        cif = survival.cumulative_incidence(wgw)
        km_fig = effect_figures.km_figure(km, test)
        cif_fig = effect_figures.cif_figure(cif)
    assert isinstance(km_fig, matplotlib.figure.Figure) and isinstance(cif_fig, matplotlib.figure.Figure)
    ax = km_fig.axes[0]
    assert ax.get_xlabel() == "Dagen sinds de start" and ax.get_ylabel() == "Nog in de uitkering"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["programmagroep", "controlegroep"]
    expected = f"Log-ranktoets: χ² = {test.statistic:.2f}, p = {test.p_value:.3f}".replace(".", ",")
    assert ax.get_title(loc="left") == expected
    assert [a.get_title() for a in cif_fig.axes] == ["Uitstroom naar werk", "Uitstroom om overige redenen"]
    assert cif_fig.axes[0].get_ylabel() == "Cumulatieve incidentie"


def test_the_curve_gate_passes_the_cif_intervals_on(wgw):
    """The released cumulative incidence keeps its interval (the gate coarsens the steps, not
    the values): every shown row is a row of the raw curve, ``low`` and ``high`` included."""
    raw = survival.cumulative_incidence(wgw)
    _, shown = release_survival(survival.kaplan_meier(wgw), raw, Rules(min_cell_size=10))
    assert list(shown.columns) == ["group", "cause", "days", "cif", "low", "high"]
    merged = shown.merge(raw, on=["group", "cause", "days"], suffixes=("", "_raw"), validate="one_to_one")
    assert len(merged) == len(shown) > 0
    for column in ("cif", "low", "high"):
        assert merged[column].to_numpy() == pytest.approx(merged[f"{column}_raw"].to_numpy())
