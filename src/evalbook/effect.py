"""The effect-study chapter: programme group against control group on register outcomes.

One template serves every programme; they differ in configuration (the chapter's run
parameters): which outcomes, which target groups, how "outflow" is measured and how the
report's totals are read. :func:`analyse` turns a register and the published figures into
plain results, per target group and in total; the other functions present them (Dutch
tables, glued prose values, figures).

Disclosure control: :func:`evalbook.disclosure.protect` per row, then complementary
suppression across target groups (:func:`evalbook.disclosure.suppress_across`), because the total
minus the target groups that are shown would otherwise give a suppressed group back.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from . import adjusted, compare, power, survival
from .analysis import matching
from .analysis import outcomes, published
from .book.chapter import Chapter
from .disclosure import rules as disclosure
from .report import format as fmt
from .report.text import join
from .report.tables import Table

GROUP_LABELS = fmt.GROUP_LABELS
SIGNIFICANCE_LABELS = {"significant": "significant", "not_significant": "niet significant"}
TOTAL = ""  # the target_group of the rows about everyone
TOTAL_LABEL = "Totaal"
TARGET_GROUP_LABELS = {  # Route 3 (seed 002, ch. 3.1); other values are shown as they are
    "stilstaand_water": "Stilstaand water (Matching 9+)",
    "nieuwe_instroom": "Nieuwe instroom Prematching",
    "team6": "Team 6",
    "oap": "OAP",
}
PUBLISHED_TOTALS = ("pooled", "unweighted_mean")
def target_group_label(key: str) -> str:
    return TOTAL_LABEL if key == TOTAL else TARGET_GROUP_LABELS.get(key, key)


@dataclass
class EffectStudy:
    """Results of one effect study, after disclosure control.

    ``table``: one row per target group (``""`` for everyone) and outcome (see
    :func:`evalbook.compare.outcome_table`) with Holm-adjusted p-values over all rows
    (``p_holm``), the covariate-adjusted effect (``ame``…, total rows only), the minimum
    detectable effect (``mde``) and ``suppressed``; ``comparison``: every published figure
    beside its reproduction; ``survival``: time to outflow per person (total).
    """

    table: pd.DataFrame
    comparison: pd.DataFrame
    alpha: float
    min_cell_size: int
    target_groups: list[str] = field(default_factory=list)  # present, in the configured order
    missing: list[str] = field(default_factory=list)  # configured but absent from the data
    outflow_measure: str = "event"
    published_total: str = "pooled"
    conflicts: list[str] = field(default_factory=list)
    survival: pd.DataFrame | None = None
    power: float = power.DEFAULT_POWER

    @property
    def total(self) -> pd.DataFrame:
        return self.table[self.table["target_group"] == TOTAL].reset_index(drop=True)

    @property
    def suppressed(self) -> list[str]:
        return disclosure.suppressed_labels(self.total)


def analyse(register: pd.DataFrame, figures: pd.DataFrame, follow_up_months: int = 12, alpha: float = 0.05,
            min_cell_size: int = disclosure.DEFAULT_MIN_CELL_SIZE, *, outcomes_shown=None, target_groups=(),
            outflow_measure: str = "event", published_total: str = "pooled",
            detect_power: float = power.DEFAULT_POWER) -> EffectStudy:
    """Derive the outcomes, compare the groups (in total and per target group), adjust for the
    matching variables, apply disclosure control and set the results beside the report."""
    if published_total not in PUBLISHED_TOTALS:
        raise ValueError(f"published_total must be one of {', '.join(PUBLISHED_TOTALS)}, got {published_total!r}")
    chosen = outcomes.selection(outcomes_shown, outflow_measure)
    persons = adjusted.with_covariates(register, follow_up_months, outflow_measure=outflow_measure)
    found = [t for t in persons["target_group"].dropna().unique() if t != TOTAL]
    present = [t for t in target_groups if t in found] + sorted(t for t in found if t not in target_groups)
    missing = [t for t in target_groups if t not in found]

    parts, sd = [], {}
    means = [o.name for o in chosen if o.kind == "mean"]
    for scope in (TOTAL, *present):
        frame = persons if scope == TOTAL else persons[persons["target_group"] == scope]
        sd[scope] = power.pooled_sd(frame, means)
        part = compare.outcome_table(frame, chosen, alpha)
        if scope == TOTAL:
            part = part.merge(adjusted.adjusted_table(frame, chosen, alpha).drop(columns="method"),
                              on="outcome", how="left")
        part.insert(0, "target_group", scope)
        parts.append(part)
    raw = pd.concat(parts, ignore_index=True)
    raw["p_holm"] = compare.holm(raw["p_value"])
    table = disclosure.suppress_across(disclosure.protect(raw, min_cell_size), raw, "target_group", TOTAL,
                                       min_cell_size)
    table["mde"] = pd.concat([power.mde_table(table[table["target_group"] == scope], alpha, detect_power,
                                              sd[scope])["mde"]
                              for scope in (TOTAL, *present)], ignore_index=True).to_numpy()

    shown_figures = figures[figures["quantity"].isin([o.name for o in chosen] + ["n"])]
    comparison = published.side_by_side(shown_figures, _reproduced(raw, table, present, published_total))
    p_values = table.set_index(["outcome", "target_group"])["p_value"]
    comparison["reproduced_significance"] = [
        _label(p_values.get((q, sub)), alpha) if pd.notna(sig) else pd.NA
        for q, sub, sig in zip(comparison["quantity"], comparison["subgroup"].fillna(TOTAL), comparison["significance"])
    ]
    sizes = raw[raw["outcome"] == published.OUTCOME_FOR_N].set_index("target_group")[["n_programme", "n_control"]]
    return EffectStudy(table=table, comparison=comparison, alpha=alpha, min_cell_size=min_cell_size,
                       target_groups=present, missing=missing, outflow_measure=outflow_measure,
                       published_total=published_total,
                       conflicts=published_conflicts(figures, sizes if not missing else sizes.loc[[TOTAL]], chosen),
                       survival=survival.time_to_event(register, follow_up_months), power=detect_power)


def _label(p, alpha: float):
    if p is None or pd.isna(p):
        return pd.NA
    return "significant" if p < alpha else "not_significant"


def _reproduced(raw: pd.DataFrame, table: pd.DataFrame, present: list[str], published_total: str) -> pd.DataFrame:
    """Reproduced values in the published figures' shape, per target group (``subgroup``).

    The total is either everyone together (``pooled``) or, as Route 3's "totaal gemiddeld"
    reads, the unweighted mean of the target groups' values (``unweighted_mean``; computed
    from the unrounded values, group sizes summed)."""
    parts = []
    for scope in (TOTAL, *present):
        part = published.long_values(table[table["target_group"] == scope])
        part["subgroup"] = scope
        parts.append(part)
    values = pd.concat(parts, ignore_index=True)
    if published_total == "unweighted_mean" and present:
        groups = raw[raw["target_group"] != TOTAL]
        for group in compare.GROUPS:
            means = groups.groupby("outcome", sort=False)[f"value_{group}"].agg(lambda v: v.mean(skipna=False))
            at = (values["subgroup"] == TOTAL) & (values["group"] == group)
            values.loc[at & (values["quantity"] != "n"), "value"] = values.loc[at & (values["quantity"] != "n"),
                                                                               "quantity"].map(means)
            values.loc[at & (values["quantity"] != "n"), "suppressed"] = False
    return values


# -- the published figures against each other ------------------------------------------------

def _who(group: str, subgroup) -> str:
    where = "" if pd.isna(subgroup) or subgroup == TOTAL else f" {target_group_label(subgroup)}"
    return f"{GROUP_LABELS.get(group, group)}{where}" + (" (totaal)" if not where else "")


def published_conflicts(figures: pd.DataFrame, sizes: pd.DataFrame, chosen=outcomes.OUTCOMES) -> list[str]:
    """Dutch sentences naming published figures that cannot all hold at once.

    * outflow against its parts, where the three are given for one group: outflow below
      outflow to work, or below outflow to work plus for other reasons (in the "event" reading
      outflow is the sum of the two);
    * a published total against its target groups if the total were the share of everyone
      together: with the group ``sizes`` (index target group, columns ``n_programme``,
      ``n_control``) the published group figures bound that share, and the total may lie
      outside those bounds. Printed figures are taken with their rounding intervals.
    """
    found = []
    labels = {o.name: o.label for o in chosen}
    figs = figures.assign(subgroup=figures["subgroup"].fillna(TOTAL))
    for (group, subgroup), rows in figs.groupby(["group", "subgroup"], sort=False):
        q = rows.set_index("quantity")
        if not {"outflow", "outflow_work"} <= set(q.index):
            continue
        out, work = q.loc["outflow"], q.loc["outflow_work"]
        who = _who(group, subgroup)
        if out["upper"] <= work["lower"]:  # printed intervals are half-open: outflow < work
            found.append(f"bij de {who} is de uitstroom ({fmt.percent(out['value'])}) kleiner dan de uitstroom "
                         f"naar werk ({fmt.percent(work['value'])})")
        elif "outflow_other" in q.index and out["upper"] <= work["lower"] + q.loc["outflow_other", "lower"]:
            other = q.loc["outflow_other"]
            found.append(f"bij de {who} zijn de uitstroom naar werk ({fmt.percent(work['value'])}) en om overige "
                         f"redenen ({fmt.percent(other['value'])}) samen meer dan de uitstroom "
                         f"({fmt.percent(out['value'])})")
    groups = [t for t in sizes.index if t != TOTAL]
    if not groups:
        return found
    for (quantity, group), rows in figs[figs["unit"] == "percent"].groupby(["quantity", "group"], sort=False):
        o = outcomes.BY_NAME.get(quantity)
        if o is None or o.among is not None or group not in compare.GROUPS:
            continue
        total = rows[rows["subgroup"] == TOTAL]
        parts = rows[rows["subgroup"].isin(groups)].set_index("subgroup")
        if total.empty or parts.empty:
            continue
        n = sizes.loc[groups, f"n_{group}"].astype(float)
        low = sum(parts.loc[g, "lower"] * n[g] for g in parts.index) / n.sum()
        high = (sum(parts.loc[g, "upper"] * n[g] for g in parts.index)
                + sum(100 * n[g] for g in groups if g not in parts.index)) / n.sum()
        t = total.iloc[0]
        if low >= t["upper"] or high < t["lower"]:
            bound = f"ten minste {fmt.percent(low, 1)}" if low >= t["upper"] else f"ten hoogste {fmt.percent(high, 1)}"
            named = join([f"{target_group_label(g)} {fmt.percent(parts.loc[g, 'value'])}" for g in parts.index])
            found.append(f"als het totaal van de {GROUP_LABELS.get(group, group)} voor "
                         f"{labels.get(quantity, o.label).lower()} ({fmt.percent(t['value'])}) alle werkzoekenden "
                         f"samen betreft, moet het met {named} en de groepsgroottes in deze data {bound} zijn")
    return found


# -- presentation -----------------------------------------------------------------------------

def _value(kind: str, decimals: int = 1):
    return (lambda x: fmt.percent(x, decimals)) if kind == "proportion" else (lambda x: fmt.number(x, decimals))


def _diff(kind: str):
    return (lambda x: fmt.pp(x, 1)) if kind == "proportion" else (lambda x: fmt.number(x, 1))


def _with_count(text: str, count) -> str:
    return text if pd.isna(count) else f"{text} ({fmt.number(count)})"


def _row_cells(r, alpha: float) -> dict:
    prop = r["kind"] == "proportion"
    value = _value(r["kind"])
    return {
        "n programma": fmt.number(r["n_programme"]),
        "Programmagroep": _with_count(value(r["value_programme"]), r["k_programme"]) if prop else value(r["value_programme"]),
        "n controle": fmt.number(r["n_control"]),
        "Controlegroep": _with_count(value(r["value_control"]), r["k_control"]) if prop else value(r["value_control"]),
        "Verschil": _diff(r["kind"])(r["diff"]),
        "95%-BI": fmt.interval(r["ci_low"], r["ci_high"], 1),
        "p": fmt.p_value(r["p_value"]).removeprefix("p = "),
        "p (Holm)": fmt.p_value(r["p_holm"]).removeprefix("p = "),
        "Oordeel (5%)": fmt.significance(r["p_value"], alpha),
    }


def outcome_display(study: EffectStudy) -> Table:
    """The outcome table for everyone in Dutch notation: n, count and percentage (or mean) per
    group, difference with 95% CI, p, Holm-adjusted p and the significance label."""
    return Table(pd.DataFrame([{"Uitkomst": r["label"]} | _row_cells(r, study.alpha)
                               for _, r in study.total.iterrows()]))


def adjusted_display(study: EffectStudy) -> Table:
    """Beside the unadjusted difference: the difference adjusted for the matching variables
    (average marginal effect) with its 95% CI and p, and the minimum detectable effect."""
    rows = []
    for _, r in study.total.iterrows():
        diff = _diff(r["kind"])
        rows.append({
            "Uitkomst": r["label"],
            "Verschil": diff(r["diff"]),
            "Gecorrigeerd verschil": diff(r["ame"]),
            "95%-BI (gecorrigeerd)": fmt.interval(r["ame_low"], r["ame_high"], 1),
            "p (gecorrigeerd)": fmt.p_value(r["ame_p"]).removeprefix("p = "),
            f"MDE ({fmt.percent(100 * study.power, 0)})": diff(r["mde"]).removeprefix("+"),
            "Toelichting": r["reason"] if isinstance(r["reason"], str) and not r["suppressed"] else
            ("onderdrukt" if r["suppressed"] else ""),
        })
    return Table(pd.DataFrame(rows))


def target_group_display(study: EffectStudy) -> Table | None:
    """The comparison per target group (None when the data have no target groups)."""
    rows = study.table[study.table["target_group"] != TOTAL]
    if rows.empty:
        return None
    return Table(pd.DataFrame([
        {"Doelgroep": target_group_label(r["target_group"]), "Uitkomst": r["label"]} | _row_cells(r, study.alpha)
        | {f"MDE ({fmt.percent(100 * study.power, 0)})": _diff(r["kind"])(r["mde"]).removeprefix("+")}
        for _, r in rows.iterrows()]))


def comparison_display(study: EffectStudy) -> Table:
    """Published beside reproduced, one row per published figure, with both significance labels."""
    labels = {o.name: o for o in outcomes.selection(None, study.outflow_measure)}
    rows = []
    for _, r in study.comparison.iterrows():
        outcome = labels.get(r["quantity"])
        decimals = 0 if r["quantity"] == "n" else 1
        reproduced = (fmt.percent(r["reproduced"], 1) if outcome is not None and outcome.kind == "proportion"
                      else fmt.number(r["reproduced"], decimals))
        rows.append({
            "Uitkomst": outcome.label if outcome is not None else "Groepsgrootte",
            "Groep": GROUP_LABELS.get(r["group"], r["group"]),
            **({"Doelgroep": target_group_label(r["subgroup"] if pd.notna(r["subgroup"]) else TOTAL)}
               if study.target_groups or study.missing else {}),
            "Gepubliceerd": r["printed"],
            "Gereproduceerd": reproduced,
            "Overeenkomst": r["status"],
            "Significantie rapport": SIGNIFICANCE_LABELS.get(r["significance"], "–"),
            "Significantie reproductie": SIGNIFICANCE_LABELS.get(r["reproduced_significance"], "–"),
        })
    return Table(pd.DataFrame(rows))


def glue_values(study: EffectStudy) -> dict[str, str]:
    """Every number and list the chapter's prose states, formatted in Dutch notation.

    Per outcome (everyone): ``<outcome>_programme``, ``_control``, ``_diff``, ``_ci``, ``_p``,
    ``_verdict``, ``_ame``, ``_ame_ci``, ``_mde``, ``_detectable``; plus group sizes, the target
    groups present and missing, what was suppressed, the published comparison, the readings
    chosen and the conflicts between published figures, and the log-rank test.
    """
    values: dict[str, str] = {}
    for _, r in study.total.iterrows():
        prop = r["kind"] == "proportion"
        show = _value(r["kind"], 0 if prop else 1)
        key = r["outcome"]
        values[f"{key}_programme"] = show(r["value_programme"]) if not pd.isna(r["value_programme"]) else "onderdrukt"
        values[f"{key}_control"] = show(r["value_control"]) if not pd.isna(r["value_control"]) else "onderdrukt"
        values[f"{key}_diff"] = _diff(r["kind"])(r["diff"])
        values[f"{key}_ci"] = fmt.interval(r["ci_low"], r["ci_high"], 1)
        values[f"{key}_p"] = fmt.p_value(r["p_value"])
        values[f"{key}_verdict"] = verdict(r, study.alpha)
        values[f"{key}_ame"] = _diff(r["kind"])(r["ame"])
        values[f"{key}_ame_ci"] = fmt.interval(r["ame_low"], r["ame_high"], 1)
        values[f"{key}_mde"] = _diff(r["kind"])(r["mde"]).removeprefix("+")
        values[f"{key}_detectable"] = power.detectable_sentence(r, r["mde"], study.power)
    values["handover_sentence"] = _handover_sentence(values)
    first = study.total.iloc[0]
    values["n_programme"] = fmt.number(first["n_programme"])
    values["n_control"] = fmt.number(first["n_control"])
    status = study.comparison["status"].value_counts()
    values["published_total"] = str(len(study.comparison))
    values["published_agree"] = str(int(status.get(published.STATUS_AGREES, 0)))
    values["published_differ"] = str(int(status.get(published.STATUS_DIFFERS, 0)))
    values["published_suppressed"] = str(int(status.get(published.STATUS_SUPPRESSED, 0)))
    values["published_missing"] = str(int(status.get(published.STATUS_MISSING, 0)))
    labelled = study.comparison.dropna(subset=["significance"]).drop_duplicates(["quantity", "subgroup"])
    checked = labelled[labelled["reproduced_significance"].notna()]
    mismatch = checked[checked["significance"] != checked["reproduced_significance"]]
    values["significance_labelled"] = str(len(labelled))
    values["significance_checked"] = str(len(checked))
    values["significance_unchecked"] = str(len(labelled) - len(checked))
    values["significance_mismatch"] = str(len(mismatch))
    labels = {o.name: o.label for o in outcomes.selection(None, study.outflow_measure)}
    grouped = bool(study.target_groups or study.missing)
    values["significance_mismatch_list"] = join([
        labels[q].lower() + (f" ({target_group_label(s).lower() if s == TOTAL else target_group_label(s)})"
                             if grouped else "")
        for q, s in zip(mismatch["quantity"], mismatch["subgroup"].fillna(TOTAL)) if q in labels]) or "geen"
    values["suppressed_list"] = join([s.lower() for s in study.suppressed]) or "geen"
    values["suppressed_target_groups"] = _suppressed_by_target_group(study) or "niets"
    values["alpha"] = fmt.percent(100 * study.alpha, 0)
    values["min_cell_size"] = str(study.min_cell_size)
    values["power"] = fmt.percent(100 * study.power, 0)
    values |= _target_group_values(study)
    values["outflow_definition"] = OUTFLOW_TEXT[study.outflow_measure]
    values["published_total_reading"] = TOTAL_TEXT[study.published_total if study.target_groups else "pooled"]
    values["conflicts"] = (("De gepubliceerde cijfers kunnen niet alle tegelijk gelden: " + "; ".join(study.conflicts)
                            + ".") if study.conflicts else
                           "De gepubliceerde cijfers van deze effectstudie spreken elkaar niet tegen.")
    values["conflicts_found"] = str(len(study.conflicts))
    test = survival.log_rank(study.survival)
    values["logrank_chi2"] = fmt.number(test.statistic, 2)
    values["logrank_p"] = fmt.p_value(test.p_value)
    values["logrank_verdict"] = ("verschilt significant" if test.p_value < study.alpha
                                 else "verschilt niet significant")
    return values


OUTFLOW_TEXT = {
    "event": ("Uitstroom betekent hier dat de uitkering binnen de volgperiode eindigde, om welke reden ook; "
              "uitstroom naar werk en uitstroom om overige redenen tellen samen op tot de uitstroom."),
    "status": ("Uitstroom betekent hier dat iemand aan het eind van de volgperiode geen uitkering meer had: wie "
               "binnen de volgperiode uitstroomde (naar werk of om een andere reden) en weer terugkeerde in de "
               "uitkering, telt niet mee. Alleen in deze lezing kunnen de gepubliceerde cijfers van uitstroom, "
               "uitstroom naar werk en uitstroom om overige redenen tegelijk gelden (zie hieronder)."),
}
TOTAL_TEXT = {
    "pooled": "Een totaal van het rapport vergelijken we met alle werkzoekenden van de groep samen.",
    "unweighted_mean": ("Een totaal van het rapport ('totaal gemiddeld') lezen we als het ongewogen gemiddelde van "
                        "de percentages van de doelgroepen, niet als het percentage van alle werkzoekenden samen: "
                        "die tweede lezing kan niet gelden (zie hieronder). De toetsen in de tabellen gaan wel over "
                        "alle werkzoekenden samen; de doelgroepen zijn in programma- en controlegroep even groot "
                        "op de ongematchte programmadeelnemers na."),
}


def _handover_sentence(values: dict[str, str]) -> str:
    """The prose on hand-overs, or why there is none (not every evaluation reports them)."""
    if "handover_matching_programme" not in values or "handover_mo_programme" not in values:
        return ("Overdrachten naar Matching of Maatschappelijke Ontwikkeling rapporteert de evaluatie van dit "
                "programma niet; ze zijn hier geen uitkomst.")
    return (f"Naar Matching werd {values['handover_matching_programme']} tegen "
            f"{values['handover_matching_control']} overgedragen ({values['handover_matching_verdict']}), naar "
            f"Maatschappelijke Ontwikkeling {values['handover_mo_programme']} tegen {values['handover_mo_control']} "
            f"({values['handover_mo_verdict']}).")


def _suppressed_by_target_group(study: EffectStudy) -> str:
    parts = []
    rows = study.table[(study.table["target_group"] != TOTAL) & study.table["suppressed"]]
    for tg, group in rows.groupby("target_group", sort=False):
        parts.append(f"{target_group_label(tg)}: {join([s.lower() for s in group['label']])}")
    return "; ".join(parts)


def _target_group_values(study: EffectStudy) -> dict[str, str]:
    present = [target_group_label(t) for t in study.target_groups]
    missing = [target_group_label(t) for t in study.missing]
    expected = len(study.target_groups) + len(study.missing)
    if not expected:
        sentence = "Deze effectstudie onderscheidt geen doelgroepen."
    else:
        sentence = (f"De data bevatten {len(study.target_groups)} van de {expected} doelgroepen: "
                    f"{join(present) or 'geen'}.")
        if missing:
            sentence += (f" Ontbreekt in deze data: {join(missing)}. Voor die doelgroep vervallen de resultaten "
                         "en de vergelijking met het rapport, en het totaal gaat alleen over de doelgroepen die er "
                         "wel zijn.")
    return {"target_groups_present": join(present) or "geen", "target_groups_missing": join(missing) or "geen",
            "target_groups_sentence": sentence}


def verdict(row, alpha: float) -> str:
    """A Dutch phrase for the direction and significance of a difference."""
    if pd.isna(row["p_value"]):
        return "niet te toetsen (onderdrukt)"
    if round(abs(row["diff"]), 1) == 0:  # shown as 0,0: no direction to speak of
        return "vrijwel gelijk" if row["p_value"] >= alpha else "significant verschillend"
    direction = "hoger" if row["diff"] > 0 else "lager"
    return f"significant {direction}" if row["p_value"] < alpha else f"{direction}, maar niet significant"


def difference_plot(study: EffectStudy):
    """Differences in percentage points with their 95% intervals, one row per proportion
    outcome (everyone); suppressed outcomes are left out (the chapter lists them)."""
    data = study.total[(study.total["kind"] == "proportion") & ~study.total["suppressed"]].iloc[::-1]
    sns.set_theme(style="whitegrid", context="notebook")
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(data) + 1.2))
    _errorbars(ax, data, study.alpha)
    ax.set_yticks(range(len(data)), data["label"])
    ax.set_xlabel("Verschil programmagroep − controlegroep (procentpunt, 95%-BI)")
    ax.set_title("Rood: significant op het gekozen niveau", fontsize="small", loc="left")
    fig.tight_layout()
    plt.close(fig)  # shown once, by the notebook's display of the returned figure
    return fig


def _errorbars(ax, data: pd.DataFrame, alpha: float) -> None:
    for y, (_, r) in enumerate(data.iterrows()):
        _point(ax, r, y, alpha)
    ax.axvline(0, color="black", linewidth=1)
    ax.xaxis.set_major_formatter(lambda x, _: fmt.number(x, 0))


def target_group_plot(study: EffectStudy):
    """One panel per target group (and the total): the differences in percentage points with
    95% intervals; suppressed comparisons are left out. None without target groups."""
    if not study.target_groups:
        return None
    proportions = [o for o in dict.fromkeys(study.table.loc[study.table["kind"] == "proportion", "outcome"])]
    labels = study.total.set_index("outcome")["label"]
    scopes = [TOTAL, *study.target_groups]
    sns.set_theme(style="whitegrid", context="notebook")
    fig, axes = plt.subplots(1, len(scopes), figsize=(2.6 * len(scopes) + 2.5, 0.42 * len(proportions) + 1.6),
                             sharey=True, sharex=True, squeeze=False)
    for ax, scope in zip(axes[0], scopes):
        rows = study.table[(study.table["target_group"] == scope)].set_index("outcome")
        for y, outcome in enumerate(reversed(proportions)):
            r = rows.loc[outcome]
            if r["suppressed"] or pd.isna(r["diff"]):
                continue
            _point(ax, r, y, study.alpha)
        ax.axvline(0, color="black", linewidth=1)
        ax.set_title(target_group_label(scope), fontsize="small")
        ax.xaxis.set_major_formatter(lambda x, _: fmt.number(x, 0))
    axes[0][0].set_yticks(range(len(proportions)), [labels[o] for o in reversed(proportions)])
    fig.supxlabel("Verschil programmagroep − controlegroep (procentpunt, 95%-BI); ontbrekend = onderdrukt",
                  fontsize="small")
    fig.tight_layout()
    plt.close(fig)
    return fig


def _point(ax, r, y: int, alpha: float) -> None:
    color = "#b2182b" if r["p_value"] < alpha else "#4d4d4d"
    ax.errorbar(r["diff"], y, xerr=[[r["diff"] - r["ci_low"]], [r["ci_high"] - r["diff"]]],
                fmt="o", color=color, elinewidth=2, capsize=3)


def survival_figures(study: EffectStudy):
    """Kaplan–Meier curves (with the log-rank test) and the cumulative incidence of outflow
    to work and for other reasons, everyone, programme against control."""
    km = survival.kaplan_meier(study.survival, study.alpha)
    return (survival.km_figure(km, survival.log_rank(study.survival), study.min_cell_size),
            survival.cif_figure(survival.cumulative_incidence(study.survival), study.min_cell_size))


# -- inputs beside the register: candidate pool and assumptions ---------------------------------

def optional_input(chapter: Chapter, stem: str, contract) -> pd.DataFrame | None:
    """The data file ``stem`` validated against ``contract``, or None when the data directory
    has none (e.g. no candidate pool beside a register)."""
    if not any((chapter.data_dir / f"{stem}{suffix}").is_file() for suffix in (".csv", ".parquet")):
        return None
    return chapter.read(stem, contract)


def describe_assumption(parameter: str, outflow_measure: str = "event") -> tuple[str, str | None]:
    """A Dutch description of an effect-study assumption ``<quantity>_<group>[_<target group>]``
    and its kind (``count``, ``proportion``, ``mean`` or None if the name is not of that form)."""
    labels = {o.name: o for o in outcomes.selection(None, outflow_measure)}
    for group in compare.GROUPS:
        quantity, sep, rest = parameter.partition(f"_{group}")
        if sep and (rest == "" or rest.startswith("_")) and (quantity == "n" or quantity in labels):
            what = "Groepsgrootte" if quantity == "n" else labels[quantity].label
            who = GROUP_LABELS[group] + (f", {target_group_label(rest[1:])}" if rest else ", elke doelgroep")
            return f"{what} ({who})", "count" if quantity == "n" else labels[quantity].kind
    return parameter, None


def assumptions_display(assumptions: pd.DataFrame, outflow_measure: str = "event") -> Table | None:
    """The assumptions as a table (description, value, reason); None when there are none."""
    if assumptions.empty:
        return None
    rows = []
    for _, r in assumptions.iterrows():
        text, kind = describe_assumption(r["parameter"], outflow_measure)
        try:
            number = float(r["value"])
        except ValueError:
            value = r["value"]
        else:
            value = fmt.percent(number, 0) if kind == "proportion" else fmt.number(number, 0 if number.is_integer() else 1)
        rows.append({"Aanname": text, "Waarde": value, "Reden": r["reason"]})
    return Table(pd.DataFrame(rows))


def assumption_values(assumptions: pd.DataFrame, outflow_measure: str = "event") -> dict[str, str]:
    """Glued values on the assumptions: how many, and the assumed group sizes."""
    sizes = []
    for _, r in assumptions.iterrows():
        text, kind = describe_assumption(r["parameter"], outflow_measure)
        if kind == "count":
            sizes.append(float(r["value"]))
    if assumptions.empty:
        sentence = ("Bij deze data horen geen aannames: groepsgroottes en uitkomsten komen uit de data zelf.")
    else:
        sentence = (f"De meegeleverde synthetische data berusten op {len(assumptions)} aannames over getallen die het "
                    "rapport niet publiceert" + (", waaronder alle groepsgroottes" if sizes else "") + ".")
    return {"assumptions_listed": str(len(assumptions)), "assumptions_sentence": sentence}


# -- the control group: matching and balance -----------------------------------------------------

@dataclass
class Balance:
    """Balance of the matching variables: ``table`` (:func:`evalbook.matching.balance_table`),
    the largest |SMD| after matching per target group, and whether the register's control
    group is what matching the pool gives."""

    table: pd.DataFrame
    by_target_group: pd.Series
    has_pool: bool
    reproduces_register: bool | None
    min_cell_size: int


def balance(register: pd.DataFrame, pool: pd.DataFrame | None,
            min_cell_size: int = disclosure.DEFAULT_MIN_CELL_SIZE) -> Balance:
    reproduces = None
    if pool is not None:
        controls = set(matching.match(pool)["control_id"])
        reproduces = controls == set(register.loc[register["group"] == "control", "person_id"])
    return Balance(matching.balance_table(register, pool), matching.max_abs_smd_by_target_group(register),
                   pool is not None, reproduces, min_cell_size)


def _smd(x) -> str:
    return fmt.number(x, 2).replace("-", "−")


def balance_display(b: Balance) -> Table:
    """Mean (share, for a category) per group and the SMD before and after matching; a share
    resting on fewer than the minimum cell size persons (or their complement) is not shown."""
    rows = []
    for _, r in b.table.iterrows():
        def show(group):
            n, mean, k = r[f"n_{group}"], r[f"mean_{group}"], r[f"k_{group}"]
            if pd.isna(mean):
                return fmt.MISSING
            if r["binary"]:
                return fmt.percent(100 * mean, 1) if disclosure.is_safe_proportion(k, n, b.min_cell_size) else "onderdrukt"
            return fmt.number(mean, 1)

        shown = {g: show(g) for g in ("programme", "candidates", "control")}
        rows.append({
            "Kenmerk": r["label"],
            "Programmagroep": shown["programme"],
            "Kandidaten": shown["candidates"],
            "SMD vóór": _smd(r["smd_before"]) if "onderdrukt" not in (shown["programme"], shown["candidates"]) else "–",
            "Controlegroep": shown["control"],
            "SMD na": _smd(r["smd_after"]) if "onderdrukt" not in (shown["programme"], shown["control"]) else "–",
        })
    return Table(pd.DataFrame(rows))


def balance_values(b: Balance) -> dict[str, str]:
    """Glued values on matching and balance."""
    after = b.table["smd_after"].abs().max()
    before = b.table["smd_before"].abs().max()
    by_group = "; ".join(f"{target_group_label(t)} {_smd(v)}" for t, v in b.by_target_group.items() if t != TOTAL)
    if not b.has_pool:
        pool = ("Bij deze data hoort geen kandidatenbestand (pool.csv): de balans vóór matching is niet te tonen "
                "en de controlegroep is genomen zoals zij in het register staat.")
    elif b.reproduces_register:
        pool = ("De controlegroep in het register is precies wat deze matching op het kandidatenbestand oplevert: "
                "wie de stap herhaalt, krijgt dezelfde controlegroep.")
    else:
        pool = ("Let op: de controlegroep in het register is niet wat deze matching op het kandidatenbestand "
                "oplevert; zij is elders of anders samengesteld.")
    bands = lambda edges: ", ".join(  # noqa: E731
        f"{fmt.number(lo)}–{fmt.number(hi - 1)}" if np.isfinite(hi) else f"{fmt.number(lo)} en meer"
        for lo, hi in zip(edges[:-1], edges[1:]))
    return {
        "smd_before_max": _smd(before) if pd.notna(before) else fmt.MISSING,
        "smd_after_max": _smd(after),
        "smd_after_by_target_group": by_group or "geen doelgroepen",
        "smd_threshold": _smd(0.1),
        "balance_verdict": "goed" if after < 0.1 else "onvoldoende",
        "matching_pool": pool,
        "age_bands": bands(matching.AGE_BANDS),
        "benefit_bands": bands(matching.BENEFIT_BANDS),
    }
