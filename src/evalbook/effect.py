"""The effect-study chapter: programme group against control group on register outcomes.

:func:`analyse` turns a register and the published figures into plain results; the other
functions present them (Dutch tables, glued prose values, the difference figure).
"""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns

from . import compare, disclosure, formatting as fmt, outcomes, published
from .report import Table

GROUP_LABELS = {"programme": "programmagroep", "control": "controlegroep"}
SIGNIFICANCE_LABELS = {"significant": "significant", "not_significant": "niet significant"}


@dataclass
class EffectStudy:
    """Results of one effect study, after disclosure control.

    ``table``: one row per outcome (see :func:`evalbook.compare.outcome_table`) with Holm-adjusted
    p-values in ``p_holm`` and ``suppressed``; ``comparison``: every published figure beside its
    reproduction (:func:`evalbook.published.side_by_side`).
    """

    table: pd.DataFrame
    comparison: pd.DataFrame
    alpha: float
    min_cell_size: int

    @property
    def suppressed(self) -> list[str]:
        return disclosure.suppressed_labels(self.table)


def analyse(register: pd.DataFrame, figures: pd.DataFrame, follow_up_months: int = 12, alpha: float = 0.05,
            min_cell_size: int = disclosure.DEFAULT_MIN_CELL_SIZE) -> EffectStudy:
    """Derive the outcomes, compare the groups, apply disclosure control, set beside the report."""
    table = compare.outcome_table(outcomes.derive(register, follow_up_months), alpha=alpha)
    table["p_holm"] = compare.holm(table["p_value"])
    table = disclosure.protect(table, min_cell_size)
    comparison = published.side_by_side(figures, published.long_values(table))
    labels = table.set_index("outcome")["p_value"]
    comparison["reproduced_significance"] = [
        _label(labels.get(q), alpha) if sig else pd.NA
        for q, sig in zip(comparison["quantity"], comparison["significance"].notna())
    ]
    return EffectStudy(table=table, comparison=comparison, alpha=alpha, min_cell_size=min_cell_size)


def _label(p, alpha: float):
    if p is None or pd.isna(p):
        return pd.NA
    return "significant" if p < alpha else "not_significant"


# -- presentation -----------------------------------------------------------------------------

def outcome_display(study: EffectStudy) -> Table:
    """The outcome table in Dutch notation: n, count and percentage (or mean) per group,
    difference with 95% CI, p, Holm-adjusted p and the significance label."""
    rows = []
    for _, r in study.table.iterrows():
        prop = r["kind"] == "proportion"
        value = (lambda x: fmt.percent(x, 1)) if prop else (lambda x: fmt.number(x, 1))
        diff = (lambda x: fmt.pp(x, 1)) if prop else (lambda x: fmt.number(x, 1))
        rows.append({
            "Uitkomst": r["label"],
            "n programma": fmt.number(r["n_programme"]),
            "Programmagroep": _with_count(value(r["value_programme"]), r["k_programme"]) if prop else value(r["value_programme"]),
            "n controle": fmt.number(r["n_control"]),
            "Controlegroep": _with_count(value(r["value_control"]), r["k_control"]) if prop else value(r["value_control"]),
            "Verschil": diff(r["diff"]),
            "95%-BI": fmt.interval(r["ci_low"], r["ci_high"], 1),
            "p": fmt.p_value(r["p_value"]).removeprefix("p = "),
            "p (Holm)": fmt.p_value(r["p_holm"]).removeprefix("p = "),
            "Oordeel (5%)": fmt.significance(r["p_value"], study.alpha),
        })
    return Table(pd.DataFrame(rows))


def _with_count(text: str, count) -> str:
    return text if pd.isna(count) else f"{text} ({fmt.number(count)})"


def comparison_display(study: EffectStudy) -> Table:
    """Published beside reproduced, one row per published figure, with both significance labels."""
    labels = outcomes.BY_NAME
    rows = []
    for _, r in study.comparison.iterrows():
        unit_pct = r["quantity"] != "n" and labels.get(r["quantity"], None) is not None \
            and labels[r["quantity"]].kind == "proportion"
        decimals = 0 if r["quantity"] == "n" else 1
        reproduced = fmt.percent(r["reproduced"], 1) if unit_pct else fmt.number(r["reproduced"], decimals)
        rows.append({
            "Uitkomst": labels[r["quantity"]].label if r["quantity"] in labels else "Groepsgrootte",
            "Groep": GROUP_LABELS.get(r["group"], r["group"]),
            "Gepubliceerd": r["printed"],
            "Gereproduceerd": reproduced,
            "Overeenkomst": r["status"],
            "Significantie rapport": SIGNIFICANCE_LABELS.get(r["significance"], "–"),
            "Significantie reproductie": SIGNIFICANCE_LABELS.get(r["reproduced_significance"], "–"),
        })
    return Table(pd.DataFrame(rows))


def glue_values(study: EffectStudy) -> dict[str, str]:
    """Every number the chapter's prose states, formatted in Dutch notation.

    Keys: ``<outcome>_programme``, ``<outcome>_control``, ``<outcome>_diff``, ``<outcome>_ci``,
    ``<outcome>_p``, ``<outcome>_verdict`` for each outcome, plus ``n_programme``,
    ``n_control``, counts of agreeing and differing published figures and the suppressed list.
    """
    values: dict[str, str] = {}
    for _, r in study.table.iterrows():
        prop = r["kind"] == "proportion"
        show = (lambda x: fmt.percent(x, 0)) if prop else (lambda x: fmt.number(x, 1))
        key = r["outcome"]
        values[f"{key}_programme"] = show(r["value_programme"]) if not pd.isna(r["value_programme"]) else "onderdrukt"
        values[f"{key}_control"] = show(r["value_control"]) if not pd.isna(r["value_control"]) else "onderdrukt"
        values[f"{key}_diff"] = fmt.pp(r["diff"], 1) if prop else fmt.number(r["diff"], 1)
        values[f"{key}_ci"] = fmt.interval(r["ci_low"], r["ci_high"], 1)
        values[f"{key}_p"] = fmt.p_value(r["p_value"])
        values[f"{key}_verdict"] = verdict(r, study.alpha)
    first = study.table.iloc[0]
    values["n_programme"] = fmt.number(first["n_programme"])
    values["n_control"] = fmt.number(first["n_control"])
    status = study.comparison["status"].value_counts()
    values["published_total"] = str(len(study.comparison))
    values["published_agree"] = str(int(status.get(published.STATUS_AGREES, 0)))
    values["published_differ"] = str(int(status.get(published.STATUS_DIFFERS, 0)))
    values["published_suppressed"] = str(int(status.get(published.STATUS_SUPPRESSED, 0)))
    labelled = study.comparison.dropna(subset=["significance"]).drop_duplicates("quantity")
    mismatch = labelled[labelled["significance"] != labelled["reproduced_significance"]]
    values["significance_checked"] = str(len(labelled))
    values["significance_mismatch"] = str(len(mismatch))
    values["significance_mismatch_list"] = _join([outcomes.BY_NAME[q].label.lower() for q in mismatch["quantity"]
                                                  if q in outcomes.BY_NAME]) or "geen"
    values["suppressed_list"] = _join([s.lower() for s in study.suppressed]) or "geen"
    values["alpha"] = fmt.percent(100 * study.alpha, 0)
    values["min_cell_size"] = str(study.min_cell_size)
    return values


def verdict(row, alpha: float) -> str:
    """A Dutch phrase for the direction and significance of a difference."""
    if pd.isna(row["p_value"]):
        return "niet te toetsen (onderdrukt)"
    if round(abs(row["diff"]), 1) == 0:  # shown as 0,0: no direction to speak of
        return "vrijwel gelijk" if row["p_value"] >= alpha else "significant verschillend"
    direction = "hoger" if row["diff"] > 0 else "lager"
    return f"significant {direction}" if row["p_value"] < alpha else f"{direction}, maar niet significant"


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " en " + items[-1] if items else ""


def difference_plot(study: EffectStudy):
    """Differences in percentage points with their 95% intervals, one row per proportion
    outcome; suppressed outcomes are left out (the chapter lists them)."""
    data = study.table[(study.table["kind"] == "proportion") & ~study.table["suppressed"]].iloc[::-1]
    sns.set_theme(style="whitegrid", context="notebook")
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(data) + 1.2))
    for y, (_, r) in enumerate(data.iterrows()):
        color = "#b2182b" if r["p_value"] < study.alpha else "#4d4d4d"
        ax.errorbar(r["diff"], y, xerr=[[r["diff"] - r["ci_low"]], [r["ci_high"] - r["diff"]]],
                    fmt="o", color=color, elinewidth=2, capsize=3)
    ax.axvline(0, color="black", linewidth=1)
    ax.set_yticks(range(len(data)), data["label"])
    ax.set_xlabel("Verschil programmagroep − controlegroep (procentpunt, 95%-BI)")
    ax.xaxis.set_major_formatter(lambda x, _: fmt.number(x, 0))
    ax.set_title("Rood: significant op het gekozen niveau", fontsize="small", loc="left")
    fig.tight_layout()
    plt.close(fig)  # shown once, by the notebook's display of the returned figure
    return fig
