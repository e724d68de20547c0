"""Time to outflow (stats.survival, the effect study's time-to-event frame and figures) against
hand-computed textbook examples, an own log-rank computation with scipy's chi-square, and
statsmodels' independent cumulative-incidence estimator."""

import math
import warnings
from pathlib import Path

import matplotlib.figure
import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.duration.survfunc import CumIncidenceRight

from evalbook.analysis.effect import time_to_event
from evalbook.core import contract
from evalbook.disclosure.effect import protect_curves
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
    cif = survival.cumulative_incidence(wgw)
    for group in ("programme", "control"):
        data = wgw[wgw["group"] == group]
        status = data["cause"].map({"work": 1, "other": 2}).fillna(0).to_numpy(int)
        with np.errstate(divide="ignore", invalid="ignore"):  # statsmodels' SE at the last time
            reference = CumIncidenceRight(data["days"].to_numpy(float), status)
        for k, cause in enumerate(("work", "other")):
            ours = cif[(cif["group"] == group) & (cif["cause"] == cause)].set_index("days")["cif"]
            theirs = pd.Series(reference.cinc[k], index=reference.times.astype(int))
            assert ours.reindex(theirs.index, method="ffill").to_numpy() == pytest.approx(theirs.to_numpy())


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


def test_curves_stop_where_few_remain_at_risk():
    km = survival.kaplan_meier(EXAMPLE)
    cif = survival.cumulative_incidence(EXAMPLE)
    km, cif, held = protect_curves(km, cif, 2)
    # programme: at risk 4, 4, 2, 1 -> shown up to day 4; control: 4, 4, 3, 2, 1 -> up to day 3
    fig = effect_figures.km_figure(km)
    assert [max(line.get_xdata()) for line in fig.axes[0].get_lines()] == [4, 3]
    assert cif.groupby("group", sort=False)["days"].max().to_dict() == {"programme": 4, "control": 3}
    assert {(s.table, s.row) for s in held} == {
        ("km", "programme"),
        ("km", "control"),
        ("cif", "programme"),
        ("cif", "control"),
    }
