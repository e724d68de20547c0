"""The consistency audit of the published figures (stats.consistency, analysis.audit,
report.audit), against hand computations, scipy and brute force over every pair of counts."""

import math
import subprocess
import sys
from itertools import product

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats.contingency_tables import StratifiedTable

from conftest import ROOT
from evalbook.analysis import audit
from evalbook.book import cli, config
from evalbook.book.chapter import Chapter
from evalbook.chapters import audit as audit_chapter
from evalbook.core import contract
from evalbook.core.errors import ParameterError
from evalbook.report import audit as report
from evalbook.schemas.published import PUBLISHED
from evalbook.stats import consistency

ALPHA = 0.05


def pearson_p(k1, n1, k0, n0):
    """The score test of equal proportions by hand: Pearson's chi-square times (N-1)/N
    (the Miettinen–Nurminen variance factor), independent of evalbook.stats."""
    n = n1 + n0
    if k1 + k0 in (0, n):
        return 1.0
    chi2 = stats.chi2_contingency([[k1, n1 - k1], [k0, n0 - k0]], correction=False)[0]
    return float(stats.chi2.sf(chi2 * (n - 1) / n, df=1))


def counts_by_hand(lower, upper, n):
    return [k for k in range(n + 1) if lower - 1e-9 <= 100 * k / n <= upper + 1e-9]


# -- enumeration and GRIM ------------------------------------------------------------------------


def test_counts_consistent_with_wgw_outflow():
    # 19% of 300: 55.5 <= k <= 58.5; 13% of 294: 36.75 <= k <= 39.69
    assert list(consistency.consistent_counts(18.5, 19.5, 300)) == [56, 57, 58]
    assert list(consistency.consistent_counts(12.5, 13.5, 294)) == [37, 38, 39]


@pytest.mark.parametrize(
    "lower,upper,n,possible",
    [
        (49.5, 50.5, 3, False),  # 50% is impossible with n = 3 (1/3 = 33.3%, 2/3 = 66.7%)
        (32.5, 33.5, 3, True),  # 33%: 1 of 3
        (66.5, 67.5, 3, True),  # 67%: 2 of 3
        (49.5, 50.5, 4, True),  # 2 of 4
        (8.5, 9.5, 10, False),  # 9% of 10
        (44.5, 45.5, 29, True),  # WGW: 13 of 29 = 44.8%
        (4.5, 5.5, 22, True),  # WGW: 1 of 22 = 4.5%, rounds to 5
    ],
)
def test_grim_cases_with_known_answers(lower, upper, n, possible):
    assert bool(consistency.consistent_counts(lower, upper, n)) is possible


def test_bounds_are_inclusive_and_exact_for_decimals():
    assert 37 in consistency.consistent_counts(18.5, 19.5, 200)  # 18.5% exactly
    assert 39 in consistency.consistent_counts(18.5, 19.5, 200)  # 19.5% exactly
    assert list(consistency.consistent_counts(3.95, 4.05, 30)) == []  # 1/30 = 3.3%, 2/30 = 6.7%
    assert list(consistency.consistent_counts(3.95, 4.05, 2000)) == [79, 80, 81]  # 3.95% is 79/2000 exactly


@given(st.floats(0, 100).map(lambda x: round(x, 1)), st.floats(0, 10).map(lambda x: round(x, 1)), st.integers(1, 400))
def test_enumeration_equals_brute_force(lower, width, n):
    upper = min(100.0, lower + width)
    assert list(consistency.consistent_counts(lower, upper, n)) == counts_by_hand(lower, upper, n)


# -- tests over the set of pairs ----------------------------------------------------------------


@pytest.mark.parametrize("k1,n1,k0,n0", [(57, 300, 38, 294), (56, 300, 39, 294), (4, 10, 0, 10), (13, 29, 1, 22)])
def test_score_p_value_is_pearson_with_the_mn_factor(k1, n1, k0, n0):
    assert consistency.mn_p_value(k1, n1, k0, n0) == pytest.approx(pearson_p(k1, n1, k0, n0), rel=1e-9)


def test_fisher_on_the_tea_tasting_table():
    # Fisher's lady tasting tea: 3 of 4 right, two-sided p = 34/70
    assert consistency.fisher_p_value(3, 4, 1, 4) == pytest.approx(34 / 70)


def scipy_p_values(k1, n1, k0, n0):
    """Every test of the audit by scipy and by hand, independent of evalbook.stats."""
    table = [[k1, n1 - k1], [k0, n0 - k0]]
    empty = k1 + k0 in (0, n1 + n0)
    return {
        "mn_score": pearson_p(k1, n1, k0, n0),
        "pearson": math.nan if empty else stats.chi2_contingency(table, correction=False).pvalue,
        "yates": math.nan if empty else stats.chi2_contingency(table, correction=True).pvalue,
        "fisher": stats.fisher_exact(table).pvalue,
    }


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 60), st.integers(0, 60), st.integers(1, 60), st.integers(0, 60))
def test_closed_form_chi2_is_scipys(n1, k1, n0, k0):
    k1, k0 = min(k1, n1), min(k0, n0)
    expected = scipy_p_values(k1, n1, k0, n0)
    pearson, yates = consistency.chi2_p_values(k1, n1, k0, n0)
    if math.isnan(expected["pearson"]):
        assert math.isnan(pearson) and math.isnan(yates)
    else:
        assert (pearson, yates) == pytest.approx((expected["pearson"], expected["yates"]), rel=1e-9, abs=1e-15)


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 40), st.integers(2, 40), st.data())
def test_evaluate_equals_brute_force_for_every_test(n1, n0, data):
    def bounds(n):
        low = data.draw(st.integers(0, 100))
        return (float(low), float(min(100, low + data.draw(st.integers(0, 15)))))

    b1, b0 = bounds(n1), bounds(n0)
    e = consistency.evaluate(b1, (n1,), b0, (n0,), ALPHA)
    tables = list(product(counts_by_hand(*b1, n1), counts_by_hand(*b0, n0)))
    assert e.pairs == len(tables)
    for test in consistency.TESTS:
        ps = [p for k1, k0 in tables if not math.isnan(p := scipy_p_values(k1, n1, k0, n0)[test])]
        if ps:
            assert e.p[test] == pytest.approx((min(ps), max(ps)), rel=1e-7, abs=1e-12)
        else:
            assert e.p[test] is None


# -- verdicts on hand-computed cases ------------------------------------------------------------


def test_wgw_outflow_significant_depends_on_the_rounding():
    # 19% vs 13% with n = 300 and 294: the counts 56-58 and 37-39 are possible. At the
    # printed values (57 vs 38) p < 0.05, but 56 vs 39 (18.7% vs 13.3%) gives p > 0.05,
    # so the report's "significant" holds for some consistent pairs only.
    assert pearson_p(57, 300, 38, 294) < ALPHA < pearson_p(56, 300, 39, 294)
    assert pearson_p(58, 300, 37, 294) < ALPHA
    e = consistency.evaluate((18.5, 19.5), (300,), (12.5, 13.5), (294,), ALPHA)
    assert e.pairs == 9
    assert e.p["mn_score"] == pytest.approx((pearson_p(58, 300, 37, 294), pearson_p(56, 300, 39, 294)))
    # every test gives both labels: only the rounding decides
    assert e.test_labels() == {t: {consistency.SIGNIFICANT, consistency.NOT_SIGNIFICANT} for t in consistency.TESTS}
    assert consistency.verdict(e, consistency.SIGNIFICANT) == (consistency.AMBIGUOUS, "rounding")


def test_wgw_outflow_other_significant_is_inconsistent():
    # about 8% vs 6% (7-9% vs 5-7%, from 19-11 and 13-7): the most extreme pair,
    # 27/300 = 9% vs 15/294 = 5.1%, is still not significant, under every test
    assert all(p > ALPHA for p in scipy_p_values(27, 300, 15, 294).values())
    e = consistency.evaluate((7, 9), (300,), (5, 7), (294,), ALPHA)
    assert consistency.verdict(e, consistency.SIGNIFICANT) == (consistency.INCONSISTENT, "no_pair")
    assert consistency.verdict(e, consistency.NOT_SIGNIFICANT) == (consistency.CONSISTENT, "all_pairs")


def test_wgw_outflow_work_not_significant_is_consistent():
    # 11% vs 7%: the most extreme pair 34/300 vs 20/294 gives p > 0.05
    assert pearson_p(34, 300, 20, 294) > ALPHA
    e = consistency.evaluate((10.5, 11.5), (300,), (6.5, 7.5), (294,), ALPHA)
    assert consistency.verdict(e, consistency.NOT_SIGNIFICANT) == (consistency.CONSISTENT, "all_pairs")


def test_a_label_that_depends_on_the_test():
    # 4 of 10 vs 0 of 10: the score test rejects, Fisher's exact test does not
    assert pearson_p(4, 10, 0, 10) < ALPHA < stats.fisher_exact([[4, 6], [0, 10]]).pvalue
    e = consistency.evaluate((39.5, 40.5), (10,), (0, 0.5), (10,), ALPHA)
    assert e.test_labels()["fisher"] == {consistency.NOT_SIGNIFICANT}
    assert e.test_labels()["pearson"] == {consistency.SIGNIFICANT}
    assert consistency.verdict(e, consistency.SIGNIFICANT) == (consistency.AMBIGUOUS, "test")
    assert consistency.verdict(e, consistency.NOT_SIGNIFICANT) == (consistency.AMBIGUOUS, "test")


def test_impossible_percentages_are_inconsistent():
    e = consistency.evaluate((49.5, 50.5), (3,), (32.5, 33.5), (3,), ALPHA)
    assert e.pairs == 0
    assert consistency.verdict(e, consistency.NOT_SIGNIFICANT) == (consistency.INCONSISTENT, "impossible")


def test_sets_of_group_sizes_are_pooled():
    # WGW no return after work: 94% of 32-34 vs 90% of 20-22 (the outflow-to-work counts)
    e = consistency.evaluate((93.5, 94.5), (32, 33, 34), (89.5, 90.5), (20, 21, 22), ALPHA)
    by_hand = [
        (k1, n1, k0, n0)
        for n1 in (32, 33, 34)
        for n0 in (20, 21, 22)
        for k1 in counts_by_hand(93.5, 94.5, n1)
        for k0 in counts_by_hand(89.5, 90.5, n0)
    ]
    assert e.pairs == len(by_hand)  # 90% of 22 is impossible: 20/22 = 90.9%
    assert e.p["mn_score"][0] == pytest.approx(min(pearson_p(*t) for t in by_hand))
    assert e.p["mn_score"][1] == pytest.approx(max(pearson_p(*t) for t in by_hand))


# -- unknown group sizes ------------------------------------------------------------------------


def brute_force_status(b1, b0, label, n):
    """The status by every test (scipy) at every pair of counts; and the tests that can give the label."""
    pairs = list(product(counts_by_hand(*b1, n), counts_by_hand(*b0, n)))
    if not pairs:
        return consistency.IMPOSSIBLE, set()
    wanted = label == consistency.SIGNIFICANT
    labels, can = set(), set()
    for k1, k0 in pairs:
        for test, p in scipy_p_values(k1, n, k0, n).items():
            if not math.isnan(p):
                labels.add(p < ALPHA)
                if (p < ALPHA) == wanted:
                    can.add(test)
    if labels == {wanted}:
        return consistency.CONSISTENT, can
    return (consistency.AMBIGUOUS if wanted in labels else consistency.INCONSISTENT), can


@pytest.mark.parametrize("n", [20, 38, 100, 300, 507, 520, 550, 560, 1270, 1400])
def test_scan_equals_brute_force_for_route3_parttime(n):
    # Route 3: 22% vs 18% part-time, "significant"; the group sizes are not published
    checks = consistency.scan((21.5, 22.5), (17.5, 18.5), consistency.SIGNIFICANT, ALPHA, (n, n))
    status, can = brute_force_status((21.5, 22.5), (17.5, 18.5), consistency.SIGNIFICANT, n)
    assert consistency.statuses(checks) == {n: status}
    assert (set(checks[n].can) if checks[n] else set()) == can


def test_route3_parttime_needs_far_larger_groups():
    statuses = consistency.scan_sizes((21.5, 22.5), (17.5, 18.5), consistency.SIGNIFICANT, ALPHA, (20, 2000))
    # with 300 per group even 22.5% vs 17.5% is not significant: p by hand
    assert pearson_p(67, 300, 53, 300) > ALPHA and statuses[300] == consistency.INCONSISTENT
    assert statuses[2000] == consistency.CONSISTENT
    possible = consistency.sizes_where(statuses, {consistency.CONSISTENT, consistency.AMBIGUOUS})
    assert 450 < possible[0][0] < 600 and possible[-1][1] == 2000


@settings(max_examples=80, deadline=None)
@given(
    st.integers(20, 90),
    st.integers(0, 95),
    st.integers(0, 95),
    st.integers(0, 6),
    st.sampled_from([consistency.SIGNIFICANT, consistency.NOT_SIGNIFICANT]),
)
def test_scan_equals_brute_force_over_every_pair_and_test(n, low1, low0, width, label):
    b1, b0 = (low1 - 0.5, low1 + width + 0.5), (low0 - 0.5, low0 + width + 0.5)
    checks = consistency.scan(b1, b0, label, ALPHA, (n, n))
    status, can = brute_force_status(b1, b0, label, n)
    assert consistency.statuses(checks) == {n: status}
    assert (set(checks[n].can) if checks[n] else set()) == can


def test_route3_parttime_depends_on_the_test():
    # at 520 per group the score test and chi-square can give "significant", Yates and Fisher cannot
    checks = consistency.scan((21.5, 22.5), (17.5, 18.5), consistency.SIGNIFICANT, ALPHA, (20, 700))
    assert checks[520].can == {"mn_score", "pearson"}
    assert consistency.sizes_for_test(checks, "pearson")[0][0] == 507
    assert consistency.sizes_for_test(checks, "fisher")[0][0] > 520


def test_runs_skip_impossible_sizes():
    statuses = {
        20: consistency.CONSISTENT,
        21: consistency.IMPOSSIBLE,
        22: consistency.CONSISTENT,
        23: consistency.INCONSISTENT,
        24: consistency.AMBIGUOUS,
    }
    assert consistency.sizes_where(statuses, {consistency.CONSISTENT}) == [(20, 22)]
    assert consistency.sizes_where(statuses, {consistency.CONSISTENT, consistency.AMBIGUOUS}) == [(20, 22), (24, 24)]


# -- the published comparisons and the internal arithmetic --------------------------------------

HEADER = "figure_id,quantity,group,subgroup,value,unit,printed,lower,upper,significance,source,section,quote,note"


def figures(*rows: str) -> pd.DataFrame:
    frame = pd.DataFrame([r.split(",") for r in rows], columns=HEADER.split(",")[:10])
    frame = frame.mask(frame == "")
    for col in ("value", "lower", "upper"):
        frame[col] = frame[col].astype(float)
    frame["section"] = [f"s{i}" for i in range(len(frame))]
    return frame


def test_group_sizes_follow_the_base_of_a_share():
    frame = audit._keyed(
        figures(
            "n1,n,programme,,300,count,300,300,300,",
            "n0,n,control,,294,count,294,294,294,",
            "w1,outflow_work,programme,,11,percent,11,10.5,11.5,",
            "w0,outflow_work,control,,7,percent,7,6.5,7.5,",
        )
    )
    assert audit.group_sizes(frame, "outflow", "programme", "") == (300,)
    assert audit.group_sizes(frame, "no_return_after_work", "programme", "") == (32, 33, 34)
    assert audit.group_sizes(frame, "no_return_after_work", "control", "") == (20, 21, 22)
    assert audit.group_sizes(frame, "outflow", "programme", "some_target_group") is None


def test_comparisons_pair_rows_and_say_why_they_cannot_be_tested():
    frame = figures(
        "n1,n,programme,,300,count,300,300,300,",
        "n0,n,control,,294,count,294,294,294,",
        "a1,outflow,programme,,19,percent,19%,18.5,19.5,significant",
        "a0,outflow,control,,13,percent,13%,12.5,13.5,significant",
        "c1,contacts,programme,,29,mean,29,28.5,29.5,significant",
        "c0,contacts,control,,24,mean,24,23.5,24.5,significant",
        "o1,outflow_work,programme,oap,2,percent,2,1.5,2.5,not_significant",
        "x1,active,programme,,61,percent,61,60.5,61.5,",
        "x0,active,control,,61,percent,61,60.5,61.5,",
    )
    checks = {(c.quantity, c.subgroup): c for c in audit.comparisons(frame, "wgw/effect_study")}
    assert set(checks) == {("outflow", ""), ("contacts", ""), ("outflow_work", "oap")}  # unlabelled: left out
    assert checks["outflow", ""].verdict == consistency.AMBIGUOUS
    assert (checks["contacts", ""].verdict, checks["contacts", ""].reason) == (audit.UNTESTABLE, "no_spread")
    assert (checks["outflow_work", "oap"].verdict, checks["outflow_work", "oap"].reason) == (
        audit.UNTESTABLE,
        "no_control",
    )


def test_a_comparison_given_twice_is_checked_twice():
    frame = figures(
        "p1,privacy,programme,,72.5,percent,x,70,75,significant",
        "p0,privacy,control,,57.5,percent,x,55,60,significant",
        "q1,privacy,programme,,72.5,percent,x,70,75,significant",
        "q0,privacy,control,,57.5,percent,x,55,60,significant",
    )
    frame["section"] = ["ch. 7 a", "ch. 7 a", "ch. 9 b", "ch. 9 b"]
    checks = audit.comparisons(frame, "wgw/phone_survey", n_range=(100, 110))
    assert [c.section for c in checks] == ["ch. 7 a", "ch. 9 b"]
    assert all(c.statuses is not None and len(c.statuses) == 11 for c in checks)


def test_arithmetic_sums_shares_and_grim():
    frame = figures(
        "t,outflow,programme,,22,percent,22,21.5,22.5,",
        "w,outflow_work,programme,,17,percent,17,16.5,17.5,",
        "o,outflow_other,programme,,16,percent,16,15.5,16.5,",
        "T,outflow,control,,19,percent,19,18.5,19.5,",
        "W,outflow_work,control,,11,percent,11,10.5,11.5,",
        "O,outflow_other,control,,8,percent,8,7,9,",
        "d,statement_does_little_disagree,control,,70,percent,70,65,75,",
        "a,statement_does_little_agree,control,,45,percent,45,40,50,",
        "n,n,control,,3,count,3,3,3,",
    )
    found = audit.arithmetic(frame, "route3/effect_study")
    sums = {a.group: a for a in found if a.kind == "sum"}
    assert {g: a.ok for g, a in sums.items()} == {"programme": False, "control": True}  # 17 + 16 is not 22; 11 + 8 = 19
    assert sums["programme"].bounds == (32, 34) and sums["programme"].total == (21.5, 22.5)
    shares = [a for a in found if a.kind == "shares"]
    assert [(a.ok, a.bounds) for a in shares] == [(False, (105, 125))]  # at least 65 + 40 = 105%
    grim = {a.quantities[0]: a for a in found if a.kind == "grim"}
    # with n = 3 only 0, 33.3, 66.7 and 100% are possible
    assert {q: a.ok for q, a in grim.items()} == {
        "outflow": False,
        "outflow_work": False,
        "outflow_other": False,
        "statement_does_little_disagree": True,
        "statement_does_little_agree": False,
    }
    assert grim["outflow"].impossible == (3,) and grim["statement_does_little_disagree"].possible == (3,)
    # the same findings in words
    assert report.arithmetic_detail(sums["programme"]) == (
        "uitstroom uit de uitkering 21,5–22,5%, som van de delen 32–34%"
    )
    assert report.arithmetic_detail(shares[0]) == "samen hoogstens 100%; som 105–125%"
    assert report.arithmetic_detail(grim["outflow"]) == "18,5–19,5% is onmogelijk bij n = 3"  # control only
    assert report.arithmetic_detail(grim["statement_does_little_disagree"]) == "65–75% is mogelijk bij n = 3"


def test_a_part_larger_than_its_total_is_named():
    # outflow 42% but outflow to work alone 44%
    frame = figures(
        "T,outflow,control,,42,percent,42,41.5,42.5,",
        "W,outflow_work,control,,44,percent,44,43.5,44.5,",
        "O,outflow_other,control,,2,percent,2,1.5,2.5,",
    )
    (check,) = audit.arithmetic(frame, "route3/effect_study")
    assert not check.ok and check.exceeding == ("outflow_work",)
    assert report.arithmetic_detail(check) == (
        "uitstroom uit de uitkering 41,5–42,5%, som van de delen 45–47%; "
        "uitstroom naar werk alleen al groter dan het totaal"
    )


def test_grim_sizes_by_hand():
    # 45% of 29 (13/29 = 44.8%) is possible, 9% of 10 is not, 50% only with an even n
    assert consistency.possible_sizes(44.5, 45.5, (29,)) == (29,)
    assert consistency.possible_sizes(8.5, 9.5, (10,)) == ()
    assert consistency.possible_sizes(49.5, 50.5, range(3, 9)) == (4, 6, 8)
    assert consistency.runs([25, 20, 21, 22]) == [(20, 22), (25, 25)]


# -- the whole audit on the published figures ---------------------------------------------------

PUBLISHED_FILES = sorted((ROOT / "data" / "published").glob("*/*.csv"))
LABELS = {key: part.labels() for key, part in config.load(ROOT).parts.items()}


def published_frames(files=PUBLISHED_FILES) -> dict:
    """The validated files keyed as the chapter reads them (``data/published/<programme>/<file>.csv``)."""
    return {str(path.relative_to(ROOT)): contract.read(path, PUBLISHED) for path in files}


@pytest.fixture(scope="module")
def audited():
    """The audit chapter as it runs (its run function), at the book's parameters."""
    return audit_chapter.run(Chapter("audit", "verantwoording", {}))


@pytest.fixture(scope="module")
def published(audited):
    return audited.released


def test_every_labelled_comparison_is_checked_once(published):
    expected = set()
    for path in PUBLISHED_FILES:
        frame = contract.read(path, PUBLISHED)
        frame = frame[
            frame["significance"].notna() & (frame["group"].isin(["programme", "control"]) | (frame["unit"] == "claim"))
        ]
        for _, r in frame.iterrows():
            expected.add(
                (f"{path.parent.name}/{path.stem}", r["quantity"], "" if pd.isna(r["subgroup"]) else r["subgroup"])
            )
    found = [(c.source, c.quantity, c.subgroup) for c in published.checks]
    assert set(found) == expected
    assert published.files == [str(p.relative_to(ROOT)) for p in PUBLISHED_FILES]


def test_wgw_verdicts_on_the_published_figures(published):
    wgw = {c.quantity: c for c in published.checks if c.source == "wgw/effect_study" and c.unit != "claim"}
    assert wgw["outflow"].verdict == consistency.AMBIGUOUS
    assert wgw["outflow_work"].verdict == consistency.CONSISTENT
    assert wgw["outflow_other"].verdict == consistency.INCONSISTENT
    assert wgw["no_return_after_work"].programme.sizes == (32, 33, 34)
    assert wgw["contacts_total"].verdict == audit.UNTESTABLE


def test_route3_outflow_does_not_add_up(published):
    sums = [a for a in published.arithmetic if a.kind == "sum" and a.source == "route3/effect_study"]
    assert sums and not any(a.ok for a in sums)


def test_alpha_and_the_size_range_are_checked():
    with pytest.raises(ParameterError, match="alpha"):
        audit.run({}, alpha=0.6)
    with pytest.raises(ParameterError, match="n_range"):
        audit.run({}, n_range=(100, 50))


def test_glued_values_are_text_and_the_displays_agree(published, audited):
    values = audited.values
    assert all(isinstance(v, str) for v in values.values())
    shown = report.comparison_display(published, LABELS).frame
    assert list(shown["Oordeel"]) == [report.VERDICT_LABELS[c.verdict] for c in published.checks]
    assert values["inconsistent_total"] == "1"  # WGW outflow for other reasons (see the hand-computed test)
    assert values["files"] == str(len(PUBLISHED_FILES))
    assert "WGW effectstudie, uitstroom om overige redenen: 7–9% tegen 5–7%" in values["inconsistent_findings"]
    sizes = report.size_display(published, LABELS).frame
    assert len(sizes) == sum(c.statuses is not None for c in published.checks)
    row = sizes[(sizes["Bron"] == "Route 3 effectstudie") & (sizes["Uitkomst"] == "Deeltijdwerk (minstens 1 maand)")]
    assert row["Kan kloppen bij n"].item().split("–")[1].startswith("2.000")
    arithmetic = report.arithmetic_display(published, LABELS).frame
    assert len(arithmetic) == len(published.arithmetic)
    assert "nee" in set(arithmetic.loc[arithmetic["Soort"] == "optelling", "Klopt"])


def test_programme_names_come_from_the_labels(published):
    renamed = {key: dict(labels, short=f"<{key}>") for key, labels in LABELS.items()}
    sources = set(report.comparison_display(published, renamed).frame["Bron"])
    assert "<wgw> effectstudie" in sources and "<route3> telefonische enquête" in sources


def test_saved_table_has_one_row_per_check_and_no_reconstructed_counts(published):
    table = published.table()
    assert list(table["verdict"]) == [c.verdict for c in published.checks]
    assert not [c for c in table.columns if c.startswith("k_")]
    row = table[(table["source"] == "wgw/effect_study") & (table["quantity"] == "no_return_after_work")].iloc[0]
    assert (row["n_programme"], row["n_control"]) == ("32-34", "20-22")
    parttime = table[
        (table["source"] == "route3/effect_study") & (table["quantity"] == "parttime") & (table["subgroup"] == "")
    ].iloc[0]
    assert parttime["label_possible_n"].endswith("-2000") and parttime["n_programme"] == ""


def test_claims_without_numbers_are_untestable_and_listed(published, audited):
    claims = [c for c in published.checks if c.reason == "no_numbers"]
    assert {
        ("route3/phone_survey", "grade7plus_appointments"),
        ("route3/effect_study", "contacts_total"),
        ("wgw/phone_survey", "topic_psych"),
    } <= {(c.source, c.quantity) for c in claims}
    assert all(c.verdict == audit.UNTESTABLE and c.programme is None and c.control is None for c in claims)
    shown = report.comparison_display(published, LABELS).frame
    assert (shown["Toelichting"] == "niet te toetsen zonder cijfers").sum() == len(claims)
    values = audited.values
    assert values["claims_total"] == str(len(claims))
    assert "rapportcijfer 7+ voor het nakomen van afspraken" in values["claims_list"]


def test_cmh_range_equals_statsmodels_over_every_combination():
    strata = [((40.5, 41.5), 180, (36.5, 37.5), 176), ((28.5, 29.5), 200, (20.5, 21.5), 197)]
    e = consistency.cmh_p_range(strata, ALPHA)
    ps = []
    for (a, c), (b, d) in product(
        product(counts_by_hand(40.5, 41.5, 180), counts_by_hand(36.5, 37.5, 176)),
        product(counts_by_hand(28.5, 29.5, 200), counts_by_hand(20.5, 21.5, 197)),
    ):
        tables = np.array([[[a, 180 - a], [c, 176 - c]], [[b, 200 - b], [d, 197 - d]]], dtype=float)
        ps.append(StratifiedTable(np.moveaxis(tables, 0, -1)).test_null_odds(correction=False).pvalue)
    assert e.pairs == len(ps)
    assert e.p["cmh"] == pytest.approx((min(ps), max(ps)))


def test_route3_parttime_total_gets_the_cmh_only_with_sizes():
    frames = published_frames([ROOT / "data" / "published" / "route3" / "effect_study.csv"])
    assumed = audit.assumed_group_sizes(pd.read_csv(ROOT / "data" / "synthetic" / "assumptions.csv"))
    found = audit.run(frames, alpha=ALPHA, n_range=(500, 560), assumed_sizes=assumed)
    parttime = next(c for c in found.checks if c.quantity == "parttime" and not c.subgroup)
    assert parttime.stratified.strata == ("stilstaand_water", "nieuwe_instroom")
    assert (parttime.stratified.source, parttime.stratified.sizes) == ("assumed", ((270, 266), (200, 197)))
    text = report.glue_values(found, LABELS)["stratified_findings"]
    assert "deeltijdwerk" in text and "aangenomen" in text
    without = audit.run(frames, alpha=ALPHA, n_range=(500, 560))
    assert next(c for c in without.checks if c.quantity == "parttime" and not c.subgroup).stratified.evaluation is None
    assert "niet uit te rekenen" in report.glue_values(without, LABELS)["stratified_findings"]
    # the sizes at which each test can give "significant" are named
    assert "χ² met Yates en Fisher: 547" in report.glue_values(without, LABELS)["size_findings"]


def test_group_sizes_below_the_minimum_cell_size_are_not_shown():
    assert report.sizes_text((5,), 10) == "< 10"
    assert report.sizes_text((8, 9, 10, 11), 10) == "< 10, 10–11"
    assert report.sizes_text((300,), 10) == "300"


def test_text_report_prints_the_verdicts_worked_out_by_hand():
    found = audit.run(published_frames([ROOT / "data" / "published" / "wgw" / "effect_study.csv"]), alpha=ALPHA)
    out = report.text(found, LABELS)
    verdicts = {
        line.split("WGW effectstudie")[1].strip().split("  ")[0]: line
        for line in out.splitlines()
        if line.strip().startswith("WGW effectstudie") and "zonder cijfers" not in line
    }
    # the verdicts worked out by hand (chi-square over the fitting counts) in the tests above
    assert "onbeslist" in verdicts["Uitstroom uit de uitkering"]
    assert " consistent" in verdicts["Uitstroom naar werk"]
    assert "inconsistent" in verdicts["Uitstroom om overige redenen"]
    assert "niet te toetsen" in verdicts["Geregistreerde klantcontacten (gemiddeld)"]
    assert out.startswith("Consistentiecontrole van de gepubliceerde cijfers (1 bestanden")
    assert "Empty DataFrame" not in out  # no size table: every group size is published


# -- the command --------------------------------------------------------------------------------


def test_audit_command_prints_the_chapter_findings(tmp_path, capsys):
    (tmp_path / "wgw").mkdir()
    src = (ROOT / "data" / "published" / "wgw" / "effect_study.csv").read_text(encoding="utf-8")
    (tmp_path / "wgw" / "effect_study.csv").write_text(src, encoding="utf-8")
    assert cli.main(["audit", "--published-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "Uitstroom om overige redenen" in out and "inconsistent" in out
    assert "Empty DataFrame" not in out


def test_audit_command_runs_as_a_program_on_the_book_data():
    proc = subprocess.run(
        [sys.executable, "-m", "evalbook", "audit"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr
    assert "Consistentiecontrole" in proc.stdout


def test_audit_command_stops_on_a_broken_file(tmp_path, capsys):
    (tmp_path / "wgw").mkdir()
    src = (ROOT / "data" / "published" / "wgw" / "effect_study.csv").read_text(encoding="utf-8")
    (tmp_path / "wgw" / "effect_study.csv").write_text(src.replace(",19,percent,", ",25,percent,"), encoding="utf-8")
    assert cli.main(["audit", "--published-dir", str(tmp_path)]) == 1
    assert "between lower and upper" in capsys.readouterr().err


def test_probability_helper_matches_scipy():
    for z in (0.0, 1.0, 1.959964, 3.5):
        assert consistency._p(z) == pytest.approx(2 * stats.norm.sf(z), rel=1e-12)
    assert math.isclose(consistency._p(0.0), 1.0)


def test_the_chapter_reports_the_verdicts_of_the_command(published):
    """The executed chapter's table holds the verdicts `evalbook audit` prints (same function,
    same data); a stale chapter after a change in data/published fails here."""
    table = pd.read_csv(ROOT / "book" / "verantwoording" / "tables" / "audit.csv", keep_default_na=False)
    assert list(zip(table["source"], table["quantity"], table["verdict"], strict=True)) == [
        (c.source, c.quantity, c.verdict) for c in published.checks
    ]


@pytest.mark.parametrize("seed", range(3))
def test_the_fast_fisher_test_is_scipys(seed):
    """The audit's vectorised Fisher exact test gives scipy's two-sided p on random tables,
    including empty and complete margins."""
    import random

    from scipy import stats

    from evalbook.stats.consistency import fisher_p_value

    rng = random.Random(seed)
    tables = [(0, 10, 0, 10), (10, 10, 10, 10), (0, 5, 5, 5), (1, 2000, 0, 2000)]
    for _ in range(300):
        n1, n0 = rng.randint(1, 400), rng.randint(1, 400)
        tables.append((rng.randint(0, n1), n1, rng.randint(0, n0), n0))
    for k1, n1, k0, n0 in tables:
        expected = stats.fisher_exact([[k1, n1 - k1], [k0, n0 - k0]]).pvalue
        assert fisher_p_value(k1, n1, k0, n0) == pytest.approx(expected, rel=1e-9, abs=1e-300)
