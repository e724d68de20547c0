"""Surveys: the telephone surveys of WGW and Route 3 and the client survey (NPS) of Werk en Inkomen.

Two contracts describe a telephone survey, both supplied with the extract in
``<data_dir>/<programme>/``:

* ``survey.csv`` (:data:`SURVEY`): the answers in long form, one row per respondent per item
  asked (``respondent, group, item, value``). "Weet niet" is the value ``dont_know``, never a
  missing row; an item a respondent was not asked (routing) has no row.
* ``codebook.csv`` (:data:`CODEBOOK`): the questionnaire. One row per item with its Dutch
  label, its scale (``grade`` 1–10, ``agreement``, ``yes_no``, ``choice``), what counts as the
  positive answer, how "weet niet" is counted, the composite indicators it belongs to and
  its routing (``asked_if``). Composite indicators are rows of their own (scale ``composite``):
  a respondent scores positive on a composite when positive on every item of it.

:func:`load` checks both files and then the two against each other (unknown items, values
outside an item's scale, answers the routing excludes, codebook items nobody answered); every
breach stops with one :class:`~evalbook.contracts.ContractError`.

:func:`analyse` turns a survey into shares per indicator (the share giving the positive answer,
with Wilson intervals), group differences (Miettinen–Nurminen, :func:`evalbook.compare.proportions`)
with Holm-adjusted p-values across the chapter's indicators, disclosure control and the
comparison with the published figures. Quantities carry the names of ``data/published``:
an item's positive share is named after the item, a category share ``<item>_<category>`` and
the number of respondents answering positively ``n_<item>``.

The client survey of Werk en Inkomen (:data:`NPS_RESPONSES`) holds 0–10 recommendation scores:
a different question from the 1–10 report grades above. :func:`nps_table` computes the Net
Promoter Score with the adjusted-Wald interval of Rocks (2016).

The synthetic generators at the end write survey data calibrated to the published shares.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from scipy import stats

from . import compare, effect
from .analysis import published
from .core import contract as contracts, paths
from .schemas.survey import (AGREEMENT, CODEBOOK, DONT_KNOW, GRADES, GROUPS, NPS_RESPONSES, SIDES, SURVEY, YES_NO,
                             Survey, answer_codes, option_codes, option_labels, split_list)
from .core.rounding import count_for_percent
from .stats.proportions import wilson
from .disclosure import rules as disclosure
from .report import format as fmt
from .report.tables import Table

CATEGORY_LABELS = {"agree": "(helemaal) eens", "disagree": "(helemaal) oneens", "neutral": "neutraal",
                   DONT_KNOW: "weet niet", "yes": "ja", "no": "nee"}
GROUP_LABELS = {"programme": "programmagroep", "control": "controlegroep", "total": "beide groepen"}

# -- statistics ----------------------------------------------------------------------------------

PROMOTER_MIN = 9  # 9 and 10: promoters
DETRACTOR_MAX = 6  # 0 to 6: detractors (criticasters); 7 and 8: passives


def nps(promoters: int, passives: int, detractors: int) -> float:
    """Net Promoter Score in points (−100 to 100): % promoters − % detractors."""
    n = promoters + passives + detractors
    return 100 * (promoters - detractors) / n if n else float("nan")


def nps_interval(promoters: int, passives: int, detractors: int, alpha: float = 0.05) -> tuple[float, float]:
    """The adjusted-Wald interval for the NPS (Rocks 2016, The American Statistician 70:4): add
    3/4 of a respondent to promoters and to detractors and 3/2 to passives, then use the
    variance of a difference of two multinomial shares. In points, clipped to [−100, 100]."""
    n = promoters + passives + detractors + 3
    p, d = (promoters + 0.75) / n, (detractors + 0.75) / n
    half = stats.norm.ppf(1 - alpha / 2) * math.sqrt((p + d - (p - d) ** 2) / n)
    return max(-100.0, 100 * (p - d - half)), min(100.0, 100 * (p - d + half))


# -- analysis of a telephone survey --------------------------------------------------------------------

def scored(survey: Survey) -> pd.DataFrame:
    """The counted answers (``dont_know`` dropped where the codebook excludes it) with their
    ``category`` (agreement side, option, grade) and whether they are ``positive``."""
    q = survey.questions.set_index("item")
    frame = survey.responses.join(q[["scale", "positive", "dont_know"]], on="item")
    frame = frame[~((frame["value"] == DONT_KNOW) & (frame["dont_know"] == "exclude"))].copy()
    frame["category"] = np.where(frame["scale"] == "agreement", frame["value"].map(SIDES), frame["value"])

    def positive(row) -> bool:
        if row["value"] == DONT_KNOW:
            return False
        if row["scale"] == "grade":
            return int(row["value"]) >= int(row["positive"])
        return row["category"] in split_list(row["positive"])
    frame["positive"] = frame.apply(positive, axis=1).astype(bool)
    return frame


def counts(survey: Survey) -> pd.DataFrame:
    """Long counts: one row per quantity and group (programme, control, total) with ``k``, ``n``.

    Quantities: every item and composite (``k`` positive of ``n`` counted), and for agreement
    and choice items every category (``<item>_<category>``).
    """
    frame = scored(survey)
    book = survey.codebook.set_index("item")
    rows = []
    for item, answers in frame.groupby("item", sort=False):
        rows += _count_rows(item, item, None, answers["positive"], answers["group"])
        if book.at[item, "scale"] in ("agreement", "choice"):
            present = [c for c in _category_order(book.loc[item]) if (answers["category"] == c).any()]
            for category in present:
                rows += _count_rows(f"{item}_{category}", item, category, answers["category"] == category,
                                    answers["group"])
    wide = frame.pivot(index="respondent", columns="item", values="positive")
    group = frame.drop_duplicates("respondent").set_index("respondent")["group"]
    for composite in book.index[book["scale"] == "composite"]:
        members = [i for i in book.index if composite in split_list(book.at[i, "composites"])]
        complete = wide[members].notna().all(axis=1)
        hits = wide.loc[complete, members].astype(bool).all(axis=1)
        rows += _count_rows(composite, composite, None, hits, group[hits.index])
    order = {item: i for i, item in enumerate(book.index)}
    out = pd.DataFrame(rows)
    return out.sort_values("item", key=lambda s: s.map(order), kind="stable", ignore_index=True)


def _count_rows(quantity: str, item: str, category, hits: pd.Series, groups: pd.Series) -> list[dict]:
    rows = []
    for group in (*GROUPS, "total"):
        mask = (groups == group) if group != "total" else pd.Series(True, index=groups.index)
        rows.append({"quantity": quantity, "item": item, "category": category, "group": group,
                     "k": int(hits[mask.to_numpy()].sum()), "n": int(mask.sum())})
    return rows


def _category_order(row) -> list[str]:
    if row["scale"] == "agreement":
        return ["disagree", "neutral", "agree", DONT_KNOW]
    return [*option_codes(row["options"]), DONT_KNOW]


def indicator_label(row) -> str:
    """A Dutch label that says what is counted: ``Privacy bij de gesprekken (cijfer 7 of hoger)``."""
    scale, positive = row["scale"], row["positive"]
    if scale == "grade":
        return f"{row['label']} (cijfer {positive} of hoger)"
    if scale == "agreement":
        return f"{row['label']} ({CATEGORY_LABELS[positive]})"
    if scale == "yes_no":
        return f"{row['label']} ({CATEGORY_LABELS[positive]})"
    if scale == "choice":
        labels = option_labels(row["options"])
        return f"{row['label']} ({' of '.join(labels[c] for c in split_list(positive))})"
    return row["label"]


def category_label(row, category: str) -> str:
    labels = CATEGORY_LABELS | option_labels(row["options"])
    return f"{row['label']}: {labels.get(category, category)}"


@dataclass
class SurveyResult:
    """A telephone survey analysed, after disclosure control.

    ``table``: one row per quantity (indicators with ``primary`` True, category shares with
    ``primary`` False): counts, shares and Wilson intervals per group and in total, the
    difference with its Miettinen–Nurminen interval and p-value, Holm-adjusted p-values over
    the indicators, and ``suppressed``. ``comparison``: every published figure beside its
    reproduction with both significance labels.
    """

    table: pd.DataFrame
    comparison: pd.DataFrame
    counts: pd.DataFrame  # :func:`counts`, before disclosure control (for the distributions)
    respondents: pd.Series
    codebook: pd.DataFrame
    alpha: float
    min_cell_size: int

    @property
    def indicators(self) -> pd.DataFrame:
        return self.table[self.table["primary"]]


def analyse(survey: Survey, figures: pd.DataFrame, alpha: float = 0.05,
            min_cell_size: int = disclosure.DEFAULT_MIN_CELL_SIZE) -> SurveyResult:
    """Shares, Wilson intervals, group differences, Holm, disclosure control, published beside reproduced."""
    book = survey.codebook.set_index("item")
    long = counts(survey)
    rows = []
    for quantity, block in long.groupby("quantity", sort=False):
        c = block.set_index("group")
        item = block["item"].iloc[0]
        category = block["category"].iloc[0]
        entry = book.loc[item]
        row = {"quantity": quantity, "item": item, "primary": category is None or pd.isna(category),
               "topic": entry["topic"], "scale": entry["scale"], "kind": "proportion",
               "label": indicator_label(entry) if pd.isna(category) else category_label(entry, category)}
        row |= compare.proportions(int(c.at["programme", "k"]), int(c.at["programme", "n"]),
                                   int(c.at["control", "k"]), int(c.at["control", "n"]), alpha)
        for group in (*GROUPS, "total"):
            k, n = int(c.at[group, "k"]), int(c.at[group, "n"])
            low, high = wilson(k, n, alpha)
            row |= {f"k_{group}": k, f"n_{group}": n, f"value_{group}": 100 * k / n if n else np.nan,
                    f"wilson_low_{group}": 100 * low, f"wilson_high_{group}": 100 * high}
        rows.append(row)
    table = pd.DataFrame(rows)
    table["p_holm"] = np.nan
    primary = table["primary"]
    table.loc[primary, "p_holm"] = compare.holm(table.loc[primary, "p_value"])
    table = _protect(table, min_cell_size)
    respondents = survey.respondents().reindex(list(GROUPS))
    comparison = published.side_by_side(figures, reproduced_values(table, alpha, min_cell_size))
    p_values = table.set_index("quantity")["p_value"]
    comparison["reproduced_significance"] = [
        _significance(p_values.get(q), alpha) if isinstance(sig, str) else None
        for q, sig in zip(comparison["quantity"], comparison["significance"])
    ]
    return SurveyResult(table=table, comparison=comparison, counts=long, respondents=respondents,
                        codebook=survey.codebook, alpha=alpha, min_cell_size=min_cell_size)


def _protect(table: pd.DataFrame, min_cell_size: int) -> pd.DataFrame:
    """:func:`evalbook.disclosure.protect`, extended to the totals and the Wilson intervals."""
    out = disclosure.protect(table, min_cell_size)
    total_hidden = ~out.apply(lambda r: disclosure.is_safe_proportion(r["k_total"], r["n_total"], min_cell_size), axis=1)
    out.loc[total_hidden, ["k_total", "value_total"]] = np.nan
    out.loc[~out["n_total"].map(lambda n: disclosure.is_safe_count(n, min_cell_size)), "n_total"] = np.nan
    for group in (*GROUPS, "total"):
        out.loc[out[f"value_{group}"].isna(), [f"wilson_low_{group}", f"wilson_high_{group}"]] = np.nan
    for column in ("k_total", "n_total"):
        out[column] = out[column].astype("Int64")
    columns = ["quantity", "item", "primary", "topic", "scale", "kind", "label"]
    for group in (*GROUPS, "total"):
        columns += [f"n_{group}", f"k_{group}", f"value_{group}", f"wilson_low_{group}", f"wilson_high_{group}"]
    return out[columns + ["diff", "ci_low", "ci_high", "p_value", "p_holm", "suppressed"]]


def _significance(p, alpha: float):
    if p is None or pd.isna(p):
        return None
    return "significant" if p < alpha else "not_significant"


def reproduced_values(table: pd.DataFrame, alpha: float, min_cell_size: int) -> pd.DataFrame:
    """Reproduced values in the published figures' shape (``quantity, group, value, suppressed``):
    each share per group, ``n_<quantity>`` (respondents answering positively) for the
    indicators, and ``confidence_level`` (100 × (1 − alpha))."""
    rows = [{"quantity": "confidence_level", "group": None, "value": 100 * (1 - alpha), "suppressed": False}]
    for _, r in table.iterrows():
        for group in (*GROUPS, "total"):
            value = r[f"value_{group}"]
            rows.append({"quantity": r["quantity"], "group": group, "value": value, "suppressed": bool(pd.isna(value))})
            if r["primary"]:
                k = r[f"k_{group}"]
                safe = disclosure.is_safe_count(k, min_cell_size)
                rows.append({"quantity": f"n_{r['quantity']}", "group": group, "value": float(k) if safe else np.nan,
                             "suppressed": not safe})
    return pd.DataFrame(rows)


# -- presentation ---------------------------------------------------------------------------------

def indicator_display(result: SurveyResult) -> Table:
    """The indicators in Dutch notation: share (count) with its Wilson interval per group,
    difference with 95% interval, p, Holm-adjusted p and the verdict."""
    rows = []
    for _, r in result.indicators.iterrows():
        rows.append({
            "Onderwerp": r["topic"],
            "Indicator": r["label"],
            "Programmagroep": _share_cell(r, "programme"),
            "n prog.": fmt.number(r["n_programme"]),
            "Controlegroep": _share_cell(r, "control"),
            "n contr.": fmt.number(r["n_control"]),
            "Verschil": fmt.pp(r["diff"], 1),
            "95%-BI verschil": fmt.interval(r["ci_low"], r["ci_high"], 1),
            "p": fmt.p_value(r["p_value"]).removeprefix("p = "),
            "p (Holm)": fmt.p_value(r["p_holm"]).removeprefix("p = "),
            "Oordeel": fmt.significance(r["p_value"], result.alpha),
        })
    return Table(pd.DataFrame(rows))


def _share_cell(r, group: str) -> str:
    if pd.isna(r[f"value_{group}"]):
        return "onderdrukt"
    return (f"{fmt.percent(r[f'value_{group}'], 1)} "
            f"[{fmt.interval(r[f'wilson_low_{group}'], r[f'wilson_high_{group}'], 1)}]")


def distribution_display(result: SurveyResult) -> Table:
    """Answer shares of the choice items per group (:func:`distributions`)."""
    shares = distributions(result, "choice")
    book = result.codebook.set_index("item")
    rows = []
    for (item, category), block in shares.groupby(["item", "category"], sort=False):
        values = block.set_index("group")["value"]
        rows.append({"Vraag": book.at[item, "label"],
                     "Antwoord": category_label(book.loc[item], category).split(": ", 1)[1],
                     "Programmagroep": fmt.percent(values.get("programme"), 1),
                     "Controlegroep": fmt.percent(values.get("control"), 1)})
    return Table(pd.DataFrame(rows, columns=["Vraag", "Antwoord", "Programmagroep", "Controlegroep"]))


def distributions(result: SurveyResult, scale: str) -> pd.DataFrame:
    """Answer shares (``item, category, group, value``) of the items on ``scale``; for agreement
    items neutral and weet niet form one segment ``middle``. A group's distribution of an item
    is shown only when every segment reaches the minimum cell size (otherwise the other
    segments would give the small one away); else its values are missing."""
    long = result.counts[result.counts["item"].map(result.codebook.set_index("item")["scale"]) == scale]
    long = long[long["category"].notna() & (long["group"] != "total")]
    if scale == "agreement":
        long = long.assign(category=long["category"].replace({"neutral": "middle", DONT_KNOW: "middle"}))
        long = long.groupby(["item", "category", "group"], sort=False, as_index=False).agg(k=("k", "sum"), n=("n", "first"))
    long = long[long.groupby(["item", "category"])["k"].transform("sum") > 0].copy()
    safe = long.groupby(["item", "group"])["k"].transform(
        lambda k: all(disclosure.is_safe_count(x, result.min_cell_size) for x in k))
    long["value"] = np.where(safe, 100 * long["k"] / long["n"], np.nan)
    return long[["item", "category", "group", "value"]].reset_index(drop=True)


def comparison_display(result: SurveyResult) -> Table:
    """Published beside reproduced, one row per published figure, with the bounds the printed
    words allow and both significance labels."""
    labels = result.table.set_index("quantity")["label"]
    rows = []
    for _, r in result.comparison.iterrows():
        quantity = r["quantity"]
        count = quantity.startswith("n_") and quantity[2:] in labels.index
        if count:
            label, reproduced = f"Aantal: {labels[quantity[2:]]}", fmt.number(r["reproduced"])
        elif quantity in labels.index:
            label, reproduced = labels[quantity], fmt.percent(r["reproduced"], 1)
        else:
            label = "Betrouwbaarheidsniveau" if quantity == "confidence_level" else quantity
            reproduced = fmt.percent(r["reproduced"], 0)
        rows.append({
            "Cijfer": label,
            "Groep": GROUP_LABELS.get(r["group"], "–"),
            "Gepubliceerd": r["printed"],
            "Toegestaan": f"{fmt.number(r['lower'], 1)} – {fmt.number(r['upper'], 1)}",
            "Gereproduceerd": reproduced,
            "Overeenkomst": r["status"],
            "Significantie rapport": effect.SIGNIFICANCE_LABELS.get(r["significance"], "–"),
            "Significantie reproductie": effect.SIGNIFICANCE_LABELS.get(r["reproduced_significance"], "–"),
        })
    return Table(pd.DataFrame(rows))


def glue_values(result: SurveyResult, assumed: dict[str, int] | None = None,
                aliases: dict[str, str] | None = None) -> dict[str, str]:
    """Every number the chapter's prose states, in Dutch notation.

    Per quantity ``q``: ``q_programme``, ``q_control``, ``q_total``, ``q_diff``, ``q_ci``,
    ``q_p``, ``q_holm`` (indicators), ``q_verdict``, ``q_label``; respondents per group
    (``n_programme``, ``n_control``) and the assumed numbers of the synthetic data
    (``assumed_programme``, ``assumed_control``); summary lists and counts of the comparison
    with the published figures. ``aliases``: ``{alias: quantity}``, the quantity's values also
    under ``alias_...`` (for prose shared by programmes whose items are named differently).
    """
    values: dict[str, str] = {}
    for _, r in result.table.iterrows():
        q = r["quantity"]
        for group in (*GROUPS, "total"):
            values[f"{q}_{group}"] = "onderdrukt" if pd.isna(r[f"value_{group}"]) else fmt.percent(r[f"value_{group}"], 0)
        values[f"{q}_diff"] = fmt.pp(r["diff"], 1)
        values[f"{q}_ci"] = fmt.interval(r["ci_low"], r["ci_high"], 1)
        values[f"{q}_p"] = fmt.p_value(r["p_value"])
        values[f"{q}_holm"] = fmt.p_value(r["p_holm"])
        values[f"{q}_verdict"] = effect.verdict(r, result.alpha)
        values[f"{q}_label"] = _lower_first(r["label"])
    for alias, quantity in (aliases or {}).items():
        values |= {alias + key[len(quantity):]: text for key, text in list(values.items())
                   if key.startswith(quantity + "_") and key[len(quantity) + 1:] in _GLUE_SUFFIXES}
    for group in GROUPS:
        values[f"n_{group}"] = _count(result.respondents.get(group), result.min_cell_size)
        if assumed is not None:
            values[f"assumed_{group}"] = _count(assumed.get(group), result.min_cell_size)
    if assumed is not None:
        matches = all(result.respondents.get(g) == assumed.get(g) for g in GROUPS)
        values["assumed_match"] = ("De data waarmee dit hoofdstuk is gedraaid volgen die aanname." if matches else
                                   "De data waarmee dit hoofdstuk is gedraaid wijken daarvan af: het zijn niet de "
                                   "meegeleverde synthetische data.")
    ind = result.indicators
    significant = ind[ind["p_value"] < result.alpha]
    values["indicators_total"] = str(len(ind))
    values["significant_total"] = str(len(significant))
    values["significant_list"] = _join([f"{_lower_first(r['label'])} ({fmt.pp(r['diff'], 1)})"
                                        for _, r in significant.iterrows()]) or "geen"
    holm = ind[ind["p_holm"] < result.alpha]
    values["significant_holm_total"] = str(len(holm))
    values["significant_holm_list"] = _join([_lower_first(x) for x in holm["label"]]) or "geen"
    lost = significant[~(significant["p_holm"] < result.alpha)]
    values["lost_after_holm_list"] = _join([_lower_first(x) for x in lost["label"]]) or "geen"
    values["suppressed_list"] = _join([_lower_first(x) for x in result.table.loc[result.table["suppressed"], "label"]]) or "geen"
    status = result.comparison["status"].value_counts()
    values["published_total"] = str(len(result.comparison))
    for key, name in ((published.STATUS_AGREES, "agree"), (published.STATUS_DIFFERS, "differ"),
                      (published.STATUS_SUPPRESSED, "suppressed"), (published.STATUS_MISSING, "missing")):
        values[f"published_{name}"] = str(int(status.get(key, 0)))
    labels = result.table.set_index("quantity")["label"]
    for key, name in ((published.STATUS_DIFFERS, "differ"), (published.STATUS_SUPPRESSED, "suppressed"),
                      (published.STATUS_MISSING, "missing")):
        rows = result.comparison[result.comparison["status"] == key]
        values[f"published_{name}_list"] = _join([
            f"{_lower_first(labels.get(r['quantity'], r['quantity']))}, {GROUP_LABELS.get(r['group'], '')} "
            f"('{r['printed']}')" for _, r in rows.iterrows()]) or "geen"
    labelled = result.comparison.dropna(subset=["significance"]).drop_duplicates(["quantity"])
    testable = labelled[labelled["reproduced_significance"].notna()]
    mismatch = testable[testable["significance"] != testable["reproduced_significance"]]
    values["significance_checked"] = str(len(labelled))
    values["significance_untestable"] = str(len(labelled) - len(testable))
    values["significance_mismatch"] = str(len(mismatch))
    values["significance_mismatch_list"] = _join([_lower_first(labels.get(q, q)) for q in mismatch["quantity"]]) or "geen"
    values["alpha"] = fmt.percent(100 * result.alpha, 0)
    values["confidence"] = fmt.percent(100 * (1 - result.alpha), 0)
    values["min_cell_size"] = str(result.min_cell_size)
    return values


_GLUE_SUFFIXES = ("programme", "control", "total", "diff", "ci", "p", "holm", "verdict", "label")


def _count(n, min_cell_size: int) -> str:
    return fmt.number(n) if disclosure.is_safe_count(n, min_cell_size) else "onderdrukt"


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


def _join(items: list[str]) -> str:
    if not items:
        return ""
    return items[0] if len(items) == 1 else "; ".join(items[:-1]) + " en " + items[-1]


def _palette() -> dict[str, str]:
    colours = sns.color_palette("colorblind", 3).as_hex()
    return {"programme": colours[0], "control": colours[1]}


def grade_plot(result: SurveyResult, programme_label: str = "programmagroep"):
    """Share with a grade of 7 or higher per grade item and grade composite, per group, with
    Wilson intervals; suppressed shares are left out (the chapter lists them)."""
    book = result.codebook.set_index("item")
    grade_items = set(book.index[book["scale"] == "grade"])
    is_grade = result.indicators["item"].map(
        lambda i: i in grade_items or (book.at[i, "scale"] == "composite"
                                       and all(m in grade_items for m in _members(book, i))))
    data = result.indicators[is_grade].iloc[::-1]
    sns.set_theme(style="whitegrid", context="notebook")
    fig, ax = plt.subplots(figsize=(8, 0.5 * len(data) + 1.4))
    colours = _palette()
    for offset, group, label in ((0.15, "programme", programme_label), (-0.15, "control", "controlegroep")):
        shown = data[data[f"value_{group}"].notna()]
        y = np.array([list(data["quantity"]).index(q) for q in shown["quantity"]]) + offset
        ax.errorbar(shown[f"value_{group}"], y,
                    xerr=[shown[f"value_{group}"] - shown[f"wilson_low_{group}"],
                          shown[f"wilson_high_{group}"] - shown[f"value_{group}"]],
                    fmt="o", color=colours[group], capsize=3, label=label)
    ax.set_yticks(range(len(data)), [_wrap(x) for x in data["label"]])
    ax.set_xlim(0, 100)
    ax.set_xlabel("Aandeel met een 7 of hoger (%, 95%-BI volgens Wilson)")
    ax.xaxis.set_major_formatter(lambda x, _: fmt.number(x, 0))
    ax.legend(loc="lower left", fontsize="small")
    fig.tight_layout()
    plt.close(fig)
    return fig


def _members(book: pd.DataFrame, composite: str) -> list[str]:
    return [i for i in book.index if composite in split_list(book.at[i, "composites"])]


def _wrap(text: str, width: int = 45) -> str:
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + len(word) + 1 > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "\n".join([*lines, line])


def agreement_plot(result: SurveyResult, programme_label: str = "programmagroep"):
    """Diverging stacked bars for the agreement items: (helemaal) oneens to the left, neutraal
    and weet niet around zero, (helemaal) eens to the right, one bar per group; a suppressed
    distribution (:func:`distributions`) is left out."""
    shares = distributions(result, "agreement")
    book = result.codebook.set_index("item")
    items = [i for i in book.index if i in set(shares["item"])]
    sns.set_theme(style="whitegrid", context="notebook")
    fig, ax = plt.subplots(figsize=(8, 1.0 * len(items) + 1.6))
    red, _, _, _, blue = sns.color_palette("RdBu", 5).as_hex()
    colours = {"disagree": red, "middle": "#bdbdbd", "agree": blue}
    ticks, names = [], []
    for row, item in enumerate(reversed(items)):
        for offset, group, label in ((0.2, "programme", programme_label), (-0.2, "control", "controlegroep")):
            share = shares[(shares["item"] == item) & (shares["group"] == group)].set_index("category")["value"]
            ticks.append(row + offset)
            names.append(f"{_wrap(book.at[item, 'label'], 40)}\n{label}" if group == "programme" else label)
            if share.isna().any():
                continue
            middle = share.get("middle", 0.0)
            ax.barh(row + offset, -share.get("disagree", 0.0), left=-middle / 2, height=0.35, color=colours["disagree"])
            ax.barh(row + offset, middle, left=-middle / 2, height=0.35, color=colours["middle"])
            ax.barh(row + offset, share.get("agree", 0.0), left=middle / 2, height=0.35, color=colours["agree"])
    ax.set_yticks(ticks, names, fontsize="small")
    ax.axvline(0, color="black", linewidth=1)
    ax.set_xlim(-100, 100)
    ax.xaxis.set_major_formatter(lambda x, _: fmt.number(abs(x), 0))
    ax.set_xlabel("Aandeel van de respondenten (%)")
    handles = [plt.Rectangle((0, 0), 1, 1, color=colours[c]) for c in ("disagree", "middle", "agree")]
    fig.legend(handles, ["(helemaal) oneens", "neutraal of weet niet", "(helemaal) eens"], loc="lower center",
               ncol=3, fontsize="small", frameon=False)
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    plt.close(fig)
    return fig


# -- the client survey: Net Promoter Score -------------------------------------------------------------

NPS_CATEGORIES = ("promoters", "passives", "detractors")
NPS_LABELS = {"promoters": "promotors (9–10)", "passives": "passief (7–8)", "detractors": "criticasters (0–6)"}


def nps_category(score: pd.Series) -> pd.Series:
    return pd.Series(np.select([score >= PROMOTER_MIN, score <= DETRACTOR_MAX], ["promoters", "detractors"],
                               "passives"), index=score.index)


def nps_table(responses: pd.DataFrame, by: str | None = None, alpha: float = 0.05,
              min_cell_size: int = disclosure.DEFAULT_MIN_CELL_SIZE) -> pd.DataFrame:
    """NPS with its adjusted-Wald interval, overall (``by=None``) or per value of ``by``
    (``team``, ``period``). A row is suppressed when a category count is below the minimum."""
    frame = responses.assign(category=nps_category(responses["score"]))
    groups = [("totaal", frame)] if by is None else list(frame.groupby(by, sort=True))
    rows = []
    for key, block in groups:
        c = block["category"].value_counts().reindex(list(NPS_CATEGORIES), fill_value=0)
        n = int(c.sum())
        low, high = nps_interval(c["promoters"], c["passives"], c["detractors"], alpha)
        row = {"group": key, "n": n}
        row |= {f"k_{cat}": int(c[cat]) for cat in NPS_CATEGORIES}
        row |= {f"share_{cat}": 100 * c[cat] / n for cat in NPS_CATEGORIES}
        row |= {"nps": nps(c["promoters"], c["passives"], c["detractors"]), "nps_low": low, "nps_high": high}
        row["suppressed"] = not all(disclosure.is_safe_count(c[cat], min_cell_size) for cat in NPS_CATEGORIES)
        rows.append(row)
    table = pd.DataFrame(rows)
    hide = table["suppressed"]
    table.loc[hide, [c for c in table.columns if c not in ("group", "suppressed")]] = np.nan
    table.insert(0, "by", by or "totaal")
    for column in ["n", *(f"k_{cat}" for cat in NPS_CATEGORIES)]:
        table[column] = table[column].astype("Int64")
    return table


def nps_display(table: pd.DataFrame, heading: str) -> Table:
    rows = []
    for _, r in table.iterrows():
        rows.append({heading: _team_label(r["group"]), "n": fmt.number(r["n"]),
                     **{NPS_LABELS[c].split(" (")[0].capitalize(): fmt.percent(r[f"share_{c}"], 1) for c in NPS_CATEGORIES},
                     "NPS": fmt.number(r["nps"], 1), "95%-BI": fmt.interval(r["nps_low"], r["nps_high"], 1)})
    return Table(pd.DataFrame(rows))


def _team_label(value) -> str:
    value = str(value)
    if re.fullmatch(r"\d{4}-\d{2}", value):
        months = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
                  "oktober", "november", "december")
        return f"{months[int(value[5:]) - 1]} {value[:4]}"
    return value if value == "totaal" else f"team {value.capitalize()}"


def nps_split_plot(tables: list[pd.DataFrame]):
    """Promoters, passives and detractors as 100% stacked bars, one bar per row of ``tables``
    (suppressed rows left out)."""
    data = pd.concat(tables, ignore_index=True)
    data = data[~data["suppressed"]].iloc[::-1]
    sns.set_theme(style="whitegrid", context="notebook")
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(data) + 1.4))
    colours = {"detractors": "#d6604d", "passives": "#bdbdbd", "promoters": "#4393c3"}
    labels = [_team_label(g) for g in data["group"]]
    left = np.zeros(len(data))
    for cat in ("detractors", "passives", "promoters"):
        ax.barh(labels, data[f"share_{cat}"], left=left, color=colours[cat], label=NPS_LABELS[cat])
        left += data[f"share_{cat}"].to_numpy(dtype=float)
    ax.set_xlim(0, 100)
    ax.xaxis.set_major_formatter(lambda x, _: fmt.number(x, 0))
    ax.set_xlabel("Aandeel van de respondenten (%)")
    fig.legend(*ax.get_legend_handles_labels(), loc="lower center", ncol=3, fontsize="small", frameon=False)
    fig.tight_layout(rect=(0, 0.08, 1, 1))
    plt.close(fig)
    return fig


def nps_period_plot(by_period: pd.DataFrame):
    """NPS per month with its adjusted-Wald interval (suppressed months left out). Teams are
    not split by month: with the team totals beside the month totals, a team's month could
    be worked out from the others."""
    data = by_period[~by_period["suppressed"]]
    sns.set_theme(style="whitegrid", context="notebook")
    fig, ax = plt.subplots(figsize=(8, 3.8))
    x = np.arange(len(data))
    ax.errorbar(x, data["nps"], yerr=[data["nps"] - data["nps_low"], data["nps_high"] - data["nps"]], fmt="o-",
                color=_palette()["programme"], capsize=3)
    ax.axhline(0, color="black", linewidth=1)
    ax.set_xticks(x, [_team_label(p) for p in data["group"]], rotation=30, ha="right")
    ax.set_ylabel("NPS (punten, 95%-BI)")
    ax.yaxis.set_major_formatter(lambda y, _: fmt.number(y, 0).replace("-", "−"))
    fig.tight_layout()
    plt.close(fig)
    return fig


def nps_glue_values(overall: pd.DataFrame, by_team: pd.DataFrame, by_period: pd.DataFrame,
                    responses: pd.DataFrame, alpha: float, min_cell_size: int) -> dict[str, str]:
    """The numbers of the client-survey chapter's prose, in Dutch notation."""
    o = overall.iloc[0]
    values = {"nps_n": _count(o["n"], min_cell_size), "nps": _signed(o["nps"]),
              "nps_ci": fmt.interval(o["nps_low"], o["nps_high"], 1)}
    for cat in NPS_CATEGORIES:
        values[f"nps_{cat}"] = fmt.percent(o[f"share_{cat}"], 0)
    values["team_summary"] = _join([
        f"{_team_label(r['group'])}: onderdrukt" if r["suppressed"] else
        f"{_team_label(r['group'])}: {_signed(r['nps'])} (95%-BI {fmt.interval(r['nps_low'], r['nps_high'], 1)})"
        for _, r in by_team.iterrows()])
    values["teams_total"] = str(responses["team"].nunique())
    values["periods_total"] = str(responses["period"].nunique())
    values["first_period"] = _team_label(min(responses["period"]))
    values["last_period"] = _team_label(max(responses["period"]))
    values["periods_suppressed"] = str(int(by_period["suppressed"].sum()))
    values["confidence"] = fmt.percent(100 * (1 - alpha), 0)
    values["min_cell_size"] = str(min_cell_size)
    values["promoter_min"] = str(PROMOTER_MIN)
    values["detractor_max"] = str(DETRACTOR_MAX)
    return values


def _signed(x) -> str:
    if pd.isna(x):
        return fmt.MISSING
    text = fmt.number(x, 1)
    return ("+" + text if x > 0 and text != "0,0" else text).replace("-", "−")


def published_context_display(figures: pd.DataFrame) -> Table:
    """The published figures around the NPS (no NPS values): what the report says about the team."""
    rows = [{"Gepubliceerd": r["printed"], "Citaat": r["quote"], "Bron": f"{r['source']}, {r['section']}"}
            for _, r in figures.iterrows()]
    return Table(pd.DataFrame(rows))


# -- assumptions ----------------------------------------------------------------------------------

def assumed(programme: str, chapter: str) -> dict[str, float]:
    """``{parameter: value}`` of the numeric assumptions of one programme and chapter
    (``data/synthetic/assumptions.csv``, :func:`evalbook.synthetic.read_assumptions`)."""
    from synthetic.register import read_assumptions  # TEMPORARY: moves to Chapter inputs
    rows = read_assumptions(programme=programme, chapter=chapter)
    values = pd.to_numeric(rows["value"], errors="coerce")
    return {p: float(v) for p, v in zip(rows["parameter"], values) if pd.notna(v)}


def assumed_respondents(programme: str) -> dict[str, int]:
    """The numbers of respondents the synthetic telephone survey assumes (not published)."""
    values = assumed(programme, "phone_survey")
    return {g: int(values[f"respondents_{g}"]) for g in GROUPS}


# -- synthetic data -----------------------------------------------------------------------------------

SEED = 20180901  # the month the telephone surveys were held
PUB = "published"  # target marker: the published value of this quantity and group
REST = "rest"  # target marker: whatever is left of the base


@dataclass
class _Targets:
    """Turns the percentage targets of one programme into counts for a base of ``n``."""

    figures: pd.DataFrame
    group: str

    def count(self, percent, n: int, *quantities: str) -> int:
        """``percent`` of ``n`` rounded as the reports round; ``PUB``: the published value of
        the first of ``quantities`` that has one."""
        if percent == PUB:
            rows = self.figures[self.figures["quantity"].isin(quantities) & (self.figures["group"] == self.group)]
            rows = rows.sort_values("quantity", key=lambda q: q.map(list(quantities).index))
            percent = float(rows["value"].iloc[0])
        return count_for_percent(percent, n) if percent else 0

    def item(self, entry, target, n: int) -> dict[str, int]:
        """Counts of one grade, agreement or yes/no item: ``positive`` and, where they apply,
        ``agree``, ``disagree``, ``dont_know``."""
        item, scale = entry.name, entry["scale"]
        if scale == "grade":
            return {"positive": self.count(target[0], n, item),
                    DONT_KNOW: self.count(target[1], n, f"{item}_{DONT_KNOW}") if len(target) > 1 else 0}
        if scale == "agreement":
            out = {side: self.count(pct, n, f"{item}_{side}", *([item] if entry["positive"] == side else []))
                   for side, pct in zip(("agree", "disagree"), target)}
            out[DONT_KNOW] = self.count(target[2], n, f"{item}_{DONT_KNOW}") if len(target) > 2 else 0
            return out | {"positive": out[entry["positive"]]}
        return {"positive": self.count(target, n, item)}


def _codebook(programme: str) -> pd.DataFrame:
    return contracts.read(paths.repo_root() / "data" / "synthetic" / programme / "codebook.csv", CODEBOOK)


def generate(programme: str, targets: dict, prefix: str, sizes: dict[str, int], nested: dict | None = None,
             seed: int = SEED) -> pd.DataFrame:
    """A long-form survey whose counts meet ``targets`` (percentages, per item and group).

    ``targets[item][group]``: grade items ``(pct 7+, pct dont_know)``; agreement items
    ``(pct agree, pct disagree, pct dont_know)`` (the rest neutral); yes/no items the
    percentage positive; choice items ``{code: pct, ..., last: REST}``; composites the
    percentage positive on every item. ``PUB`` takes the published value. Items are asked in
    codebook order, routed by ``asked_if``; ``nested[item] = parent``: the item's positive
    answers go to respondents answering the parent positively first.
    """
    rng = np.random.default_rng(seed)
    book = _codebook(programme).set_index("item")
    figures = published.load(programme, "phone_survey")
    frames, start = [], 1
    for group in GROUPS:
        t = _Targets(figures, group)
        ids = [f"{prefix}{i:04d}" for i in range(start, start + sizes[group])]
        start += sizes[group]
        answers: dict[str, dict[str, str]] = {}
        for item in book.index:
            entry = book.loc[item]
            if item in answers or entry["scale"] == "composite":
                continue
            base = _base(ids, entry, answers)
            if entry["scale"] == "choice":
                answers[item] = dict(zip(base, _choice(rng, t, item, targets[item][group], len(base))))
                continue
            composites = split_list(entry["composites"])
            members = _members(book, composites[0]) if composites else [item]
            member_counts = [t.item(book.loc[m], targets[m][group], len(base)) for m in members]
            if composites:
                k_all = t.count(targets[composites[0]][group], len(base), composites[0])
                flags = _joint_positive(rng, len(base), k_all, [c["positive"] for c in member_counts])
            else:
                parent = (nested or {}).get(item)
                prefer = [i for i in base if parent and answers[parent].get(i) == book.at[parent, "positive"]]
                flags = _choose(rng, base, member_counts[0]["positive"], prefer)[:, None]
            for j, m in enumerate(members):
                answers[m] = dict(zip(base, _values(rng, book.loc[m], flags[:, j], member_counts[j])))
        frames.append(pd.DataFrame([{"respondent": r, "group": group, "item": item, "value": v}
                                    for item, given in answers.items() for r, v in given.items()]))
    order = {item: i for i, item in enumerate(book.index)}
    frame = pd.concat(frames, ignore_index=True)
    return frame.sort_values(["respondent", "item"], key=lambda s: s.map(order) if s.name == "item" else s,
                             ignore_index=True)


def _base(ids: list[str], entry, answers: dict) -> list[str]:
    if not isinstance(entry["asked_if"], str):
        return ids
    source, _, codes = entry["asked_if"].partition("=")
    return [i for i in ids if answers[source.strip()].get(i) in split_list(codes)]


def _choose(rng, base: list[str], k: int, prefer: list[str]) -> np.ndarray:
    """Exactly ``k`` flags set over ``base``, drawn from ``prefer`` first."""
    index = {r: j for j, r in enumerate(base)}
    preferred = set(prefer)
    first = rng.permutation(np.array([index[r] for r in prefer], dtype=int))
    others = rng.permutation(np.array([j for r, j in index.items() if r not in preferred], dtype=int))
    flags = np.zeros(len(base), dtype=bool)
    flags[np.concatenate([first, others])[:k]] = True
    return flags


def _joint_positive(rng, n: int, k_all: int, ks: list[int]) -> np.ndarray:
    """An n × m matrix of positive flags: ``k_all`` rows positive on every item, item j positive
    on ``ks[j]`` rows in all, and no other row positive on every item."""
    flags = np.zeros((n, len(ks)), dtype=bool)
    order = rng.permutation(n)
    flags[order[:k_all]] = True
    rest = order[k_all:]
    for j, k in enumerate(ks):
        room = sorted((r for r in rest if flags[r].sum() < len(ks) - 1), key=lambda r: (flags[r].sum(), rng.random()))
        if not 0 <= k - k_all <= len(room):
            raise ValueError(f"a composite of {k_all} does not fit an item count of {k} out of {n}")
        flags[room[:k - k_all], j] = True
    return flags


def _values(rng, entry, flags: np.ndarray, counts: dict[str, int]) -> list[str]:
    """Answers of one item: positive where ``flags``, the other counts spread over the rest."""
    n = len(flags)
    values = np.empty(n, dtype=object)
    negative = rng.permutation(np.flatnonzero(~flags))
    if entry["scale"] == "grade":
        threshold = int(entry["positive"])
        values[flags] = rng.choice(np.arange(threshold, 11), size=int(flags.sum()),
                                   p=_weights(11 - threshold, rising=False)).astype(str)
        values[negative] = rng.choice(np.arange(1, threshold), size=len(negative),
                                      p=_weights(threshold - 1, rising=True)).astype(str)
        values[negative[:counts[DONT_KNOW]]] = DONT_KNOW
    elif entry["scale"] == "agreement":
        other = "disagree" if entry["positive"] == "agree" else "agree"
        values[:] = "neutral"
        values[negative[:counts[other]]] = other
        values[negative[counts[other]:counts[other] + counts[DONT_KNOW]]] = DONT_KNOW
        values[flags] = entry["positive"]
        strong = rng.random(n) < 0.3
        for side in ("agree", "disagree"):
            values[(values == side) & strong] = f"strongly_{side}"
    else:  # yes_no
        values[:] = np.where(flags, entry["positive"], "no" if entry["positive"] == "yes" else "yes")
    return list(values)


def _weights(size: int, rising: bool) -> np.ndarray:
    w = np.arange(1, size + 1, dtype=float) ** 1.5
    w = w if rising else w[::-1]
    return w / w.sum()


def _choice(rng, t: _Targets, item: str, target: dict, n: int) -> list[str]:
    values: list[str] = []
    for code, pct in target.items():
        k = n - len(values) if pct == REST else t.count(pct, n, f"{item}_{code}")
        values += [code] * k
    if len(values) != n:
        raise ValueError(f"{item}: the choice targets give {len(values)} answers for a base of {n}")
    return list(rng.permutation(np.array(values, dtype=object)))


# The percentages behind the synthetic answers. PUB: the published figure; other numbers are
# chosen within the bounds of figures the reports give in words, or, where the report gives
# only a direction ("significant vaker", "verschillen weinig"), to show that direction.
WGW_TARGETS = {
    # contact: the WGW group talks more often in its own neighbourhood and about psychological problems
    "contact_location": {"programme": {"own_neighbourhood": 60, "office": 30, "elsewhere": REST},
                         "control": {"own_neighbourhood": 20, "office": 65, "elsewhere": REST}},
    "contact_monthly": {"programme": 56, "control": 52},
    "topic_work": {"programme": 84, "control": 82},
    "topic_psych": {"programme": 40, "control": 24},
    # grades: only the attention composite and privacy differ significantly
    "grade7plus_overall": {"programme": (PUB,), "control": (76,)},
    "grade7plus_time": {"programme": (80,), "control": (73,)},
    "grade7plus_say_work": {"programme": (78,), "control": (72,)},
    "grade7plus_privacy": {"programme": (PUB,), "control": (PUB,)},
    "grade7plus_attention_composite": {"programme": PUB, "control": PUB},
    "grade7plus_reachability": {"programme": (70, 8), "control": (68, 8)},
    "grade7plus_communication": {"programme": (78,), "control": (75,)},
    "grade7plus_trajectories": {"programme": (66, 14), "control": (62, 16)},
    "grade7plus_professionalism": {"programme": (81,), "control": (78,)},
    # statements: (agree, disagree, dont_know)
    "statement_does_little": {"programme": (PUB, PUB, 4), "control": (PUB, PUB, 4)},
    "selfconfidence": {"programme": (PUB, 26, 0), "control": (PUB, 34, 0)},
    "statement_treated_unfairly": {"programme": (9, 80, 0), "control": (11, 78, 0)},
    # activities: no differences; volunteering 50% of all respondents
    "activities_participated": {"programme": 73, "control": 70},
    "activity_volunteer_work": {"programme": 51, "control": 49},
    "activity_application_course": {"programme": 36, "control": 38},
    "activity_language_course": {"programme": 27, "control": 25},
    "activity_work_placement": {"programme": 18, "control": 19},
    "activities_useful": {"programme": 74, "control": 80},  # "ruime meerderheid", control higher, n.s.
    "psych_treatment": {"programme": PUB, "control": PUB},
    # outlook (respondents still on benefit)
    "on_benefit": {"programme": 85, "control": 83},
    "outlook_chance_low": {"programme": {"very_small": 32, "small": 28, "large": 20, "very_large": 9, DONT_KNOW: REST},
                           "control": {"very_small": 30, "small": 30, "large": 22, "very_large": 9, DONT_KNOW: REST}},
    "reason_health": {"programme": 55, "control": 53},
    "reason_education": {"programme": 18, "control": 42},
    "reason_language": {"programme": 26, "control": 30},
    "reason_age": {"programme": 30, "control": 28},
    "expect": {group: {"exit_within_1y": PUB, "exit_2y": PUB, "exit_more_2y": PUB, "never_work": PUB, DONT_KNOW: REST}
               for group in GROUPS},
}
WGW_NESTED = {f"activity_{a}": "activities_participated"
              for a in ("volunteer_work", "application_course", "language_course", "work_placement")}

ROUTE3_TARGETS = {
    "grade7plus_overall": {"programme": (PUB,), "control": (PUB,)},
    "grade7plus_reachability": {"programme": (86,), "control": (68,)},
    "grade7plus_communication": {"programme": (87,), "control": (69,)},
    "grade7plus_attention": {"programme": (85,), "control": (64,)},
    "grade7plus_professionalism": {"programme": (88,), "control": (71,)},
    "grade7plus_advice": {"programme": (80,), "control": (61,)},
    "grade7plus_wishes": {"programme": (82,), "control": (63,)},
    "grade7plus_appointments": {"programme": (84,), "control": (76,)},  # "bijna alle": this one not significant
    "knows_wants": {"programme": (76, 12, 0), "control": (56, 25, 0)},
    "knows_strengths": {"programme": (74, 13, 0), "control": (54, 26, 0)},
    "future_confidence": {"programme": (71, 14, 0), "control": (50, 28, 0)},
    "selfconfidence": {"programme": PUB, "control": PUB},
    "activities_useful": {"programme": PUB, "control": PUB},
    "outlook_chance_high": {"programme": {"large": 31, "very_large": 12, "very_small": 25, "small": REST},
                            "control": {"large": 25, "very_large": 8, "very_small": 25, "small": REST}},
}


def wgw_survey() -> pd.DataFrame:
    """The WGW telephone survey (seed 000, ch. 7 and 9); the numbers with other trajectories
    are the published 29 and 22."""
    sizes = assumed_respondents("wgw")
    counts = published.load("wgw", "phone_survey").query("quantity == 'n_other_trajectories'")
    other = {g: 100 * float(counts.loc[counts["group"] == g, "value"].iloc[0]) / sizes[g] for g in GROUPS}
    return generate("wgw", WGW_TARGETS | {"other_trajectories": other}, "WT", sizes, WGW_NESTED)


def route3_survey() -> pd.DataFrame:
    """The Route 3 telephone survey (seed 002, ch. 7); the numbers taking part in activities
    come from the assumptions."""
    sizes = assumed_respondents("route3")
    values = assumed("route3", "phone_survey")
    participants = {g: 100 * values[f"respondents_activities_{g}"] / sizes[g] for g in GROUPS}
    return generate("route3", ROUTE3_TARGETS | {"activities_participated": participants}, "RT", sizes)


# Illustrative shares of promoters and detractors per team (no NPS values are published).
NPS_SHARES = {"noord": (0.40, 0.30), "zuid": (0.34, 0.36)}
NPS_PERIODS = ("2017-03", "2017-04", "2017-05", "2017-06", "2017-07", "2017-08")


def wwatwork_nps() -> pd.DataFrame:
    """Illustrative 0–10 recommendation scores of Werk en Inkomen's client survey."""
    rng = np.random.default_rng(SEED)
    per_cell = int(assumed("wwatwork", "client_survey")["respondents_per_team_month"])
    rows = []
    for period in NPS_PERIODS:
        for team, (promoters, detractors) in NPS_SHARES.items():
            drift = 0.01 * NPS_PERIODS.index(period)  # a slow improvement after the team started calling back
            cats = rng.choice(3, size=per_cell, p=[promoters + drift, 1 - promoters - detractors, detractors - drift])
            scores = np.where(cats == 0, rng.choice([9, 10], size=per_cell, p=[0.6, 0.4]),
                              np.where(cats == 1, rng.choice([7, 8], size=per_cell),
                                       rng.choice(np.arange(7), size=per_cell, p=_weights(7, rising=True))))
            rows += [{"period": period, "team": team, "score": int(s)} for s in scores]
    frame = pd.DataFrame(rows)
    frame.insert(0, "respondent", [f"NPS{i:05d}" for i in rng.permutation(len(frame)) + 1])
    return frame.sort_values("respondent", ignore_index=True)
