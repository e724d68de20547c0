"""The telephone-survey chapter in Dutch: labels, tables, glued values and figures, all from
a released survey (:class:`evalbook.disclosure.survey.ReleasedSurvey`).

A missing value is a suppressed one: shares show ``onderdrukt``, other numbers an en dash.
Every significance statement says whether the difference survives Holm's correction over the
chapter's indicators (:mod:`evalbook.report.verdict`). A published row without a number
(unit ``claim``: the report's words only) is counted apart from the published figures and set
beside the reproduction's test of that quantity.
"""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from ..analysis import published
from ..disclosure.survey import ReleasedSurvey
from ..schemas.survey import DONT_KNOW, GROUPS, members, option_labels, split_list
from . import figures
from . import format as fmt
from .tables import Table
from .text import STATUS_LABELS, SUPPRESSED, join, lower_first, readable
from .verdict import AFTER_HOLM, SIGNIFICANCE_LABELS, family_sentence, holm_label, label, significance, verdict
from .verdict import family as verdict_family

CATEGORY_LABELS = {
    "agree": "(helemaal) eens",
    "disagree": "(helemaal) oneens",
    "neutral": "neutraal",
    DONT_KNOW: "weet niet",
    "yes": "ja",
    "no": "nee",
}
GROUP_LABELS = fmt.GROUP_LABELS | {"total": "beide groepen"}
OTHER_FIGURES = {"confidence_level": "Betrouwbaarheidsniveau"}  # published figures that are no indicator


# -- labels ------------------------------------------------------------------------------------------


def indicator_label(entry) -> str:
    """A Dutch label that says what is counted: ``Privacy bij de gesprekken (cijfer 7 of hoger)``."""
    scale, positive = entry["scale"], entry["positive"]
    if scale == "grade":
        return f"{entry['label']} (cijfer {positive} of hoger)"
    if scale in ("agreement", "yes_no"):
        return f"{entry['label']} ({CATEGORY_LABELS[positive]})"
    if scale == "choice":
        labels = option_labels(entry["options"])
        return f"{entry['label']} ({' of '.join(labels[c] for c in split_list(positive))})"
    return entry["label"]


def measure_text(item: str, codebook: pd.DataFrame) -> str:
    """How an indicator is measured, as a phrase after "gemeten als" (``codebook`` indexed by
    item): ``het aandeel dat het (helemaal) eens is met de uitspraak '...'``; a composite
    names its parts."""
    entry = codebook.loc[item]
    if entry["scale"] == "composite":
        parts = [codebook.loc[m] for m in members(codebook, item)]
        statements = [p["label"].removeprefix("Uitspraak ") for p in parts if p["scale"] == "agreement"]
        if statements and len(statements) == len(parts) and len({p["positive"] for p in parts}) == 1:
            count = {2: "twee", 3: "drie", 4: "vier"}.get(len(parts), fmt.number(len(parts)))
            return (
                f"het aandeel dat het met alle {count} uitspraken {CATEGORY_LABELS[parts[0]['positive']]} is: "
                f"{join(statements)}"
            )
        named = join([lower_first(p["label"]) for p in parts])
        return f"het aandeel dat op alle onderdelen positief antwoordt: {named}"
    if entry["scale"] == "agreement":
        return f"het aandeel dat het {CATEGORY_LABELS[entry['positive']]} is met de {lower_first(entry['label'])}"
    return f"het aandeel met {lower_first(indicator_label(entry))}"


def answer_label(entry, category: str) -> str:
    """The Dutch words of one answer category of an item."""
    return (CATEGORY_LABELS | option_labels(entry["options"])).get(category, category)


def spoken_label(entry) -> str:
    """An indicator's label inside a sentence, without brackets around what is counted (the
    label may hold brackets of its own): ``reden kleine kans: geen (goede) opleiding``,
    ``privacy bij de gesprekken: cijfer 7 of hoger``; a yes/no question counts its yes."""
    scale, positive = entry["scale"], entry["positive"]
    if scale == "yes_no" and positive == "yes":
        return entry["label"]
    counted = indicator_label(entry).removeprefix(entry["label"]).strip()
    return f"{entry['label']}: {counted[1:-1]}" if counted.startswith("(") else entry["label"]


def labels(released: ReleasedSurvey, spoken: bool = False) -> pd.Series:
    """The Dutch label of every quantity of the table: the indicator's (:func:`indicator_label`,
    or :func:`spoken_label` for a sentence when ``spoken``) or ``<item>: <answer>`` for a
    category share."""
    book = released.codebook.set_index("item")
    indicator = spoken_label if spoken else indicator_label
    return pd.Series(
        [
            indicator(book.loc[r["item"]])
            if r["primary"]
            else f"{book.at[r['item'], 'label']}: {answer_label(book.loc[r['item']], r['category'])}"
            for _, r in released.table.iterrows()
        ],
        index=released.table["quantity"].to_numpy(),
    )


def download_table(released: ReleasedSurvey) -> pd.DataFrame:
    """The chapter's downloadable table: the released table with the Dutch label of each row;
    with teams, the rows per team below it (column ``team``, empty on the other rows)."""
    table = released.table.drop(columns="category")
    table.insert(table.columns.get_loc("kind") + 1, "label", labels(released).to_numpy())
    if released.by_team is None:
        return table
    names = labels(released)
    kept = released.table.set_index("quantity")[["primary", "topic", "scale", "kind"]]
    teams = released.by_team.join(kept, on="quantity")
    teams["label"] = names[teams["quantity"]].to_numpy()
    table.insert(table.columns.get_loc("label") + 1, "team", pd.NA)
    out = pd.concat([table, teams[[c for c in table.columns if c in teams.columns]]], ignore_index=True)
    for column in [c for c in out.columns if c.startswith(("n_", "k_"))]:
        out[column] = out[column].astype("Int64")
    return out


# -- tables ------------------------------------------------------------------------------------------


def indicator_display(released: ReleasedSurvey) -> Table:
    """The indicators in Dutch notation (in the codebook's order, which keeps a topic's
    indicators together): share with its Wilson interval and n per group,
    difference with its confidence interval, the verdict (before the p-values, so that it shows in a
    narrow column), p and Holm-adjusted p."""
    names = labels(released)
    rows = []
    for _, r in released.indicators.iterrows():
        diff = fmt.pp(r["diff"], 1)
        diff = diff if pd.isna(r["ci_low"]) else f"{diff} ({fmt.interval(r['ci_low'], r['ci_high'], 1)})"
        rows.append(
            {
                "Indicator": names[r["quantity"]],
                "Programmagroep": f"{_share_cell(r, 'programme')}; n = {fmt.number(r['n_programme'])}",
                "Controlegroep": f"{_share_cell(r, 'control')}; n = {fmt.number(r['n_control'])}",
                f"Verschil ({fmt.confidence(released.alpha)}-BI)": diff,
                "Oordeel": significance(r["p_value"], released.alpha, r["p_holm"]),
                "p": fmt.p_value(r["p_value"]).removeprefix("p = "),
                "p (Holm)": fmt.p_value(r["p_holm"]).removeprefix("p = "),
            }
        )
    return Table(pd.DataFrame(rows))


def team_display(released: ReleasedSurvey) -> Table | None:
    """The indicators per team, per group: the share with its count and denominator
    (``27,6% (16 van 58)``); a hidden share shows *onderdrukt* (with its ``n`` when that is
    shown), in the codebook's order with the teams below each indicator. None when the
    answers name no teams (the chapter then shows no such table)."""
    if released.by_team is None:
        return None
    names = labels(released)
    rows = [
        {
            "Indicator": names[r["quantity"]],
            "Team": r["team"],
            "Programmagroep": _team_cell(r, "programme"),
            "Controlegroep": _team_cell(r, "control"),
        }
        for _, r in released.by_team.iterrows()
    ]
    return Table(pd.DataFrame(rows, columns=["Indicator", "Team", "Programmagroep", "Controlegroep"]))


def _team_cell(r, group: str) -> str:
    if pd.notna(r[f"value_{group}"]):
        return (
            f"{fmt.percent(r[f'value_{group}'], 1)} ({fmt.number(r[f'k_{group}'])} van {fmt.number(r[f'n_{group}'])})"
        )
    if pd.notna(r[f"n_{group}"]) and r[f"n_{group}"] > 0:
        return f"{SUPPRESSED}; n = {fmt.number(r[f'n_{group}'])}"
    return SUPPRESSED


def _share_cell(r, group: str) -> str:
    if pd.isna(r[f"value_{group}"]):
        return SUPPRESSED
    return (
        f"{fmt.percent(r[f'value_{group}'], 1)} "
        f"[{fmt.interval(r[f'wilson_low_{group}'], r[f'wilson_high_{group}'], 1)}]"
    )


def distribution_display(released: ReleasedSurvey) -> Table:
    """Answer shares of the choice items per group (a suppressed distribution shows dashes)."""
    book = released.codebook.set_index("item")
    rows = []
    for (item, category), block in released.distributions["choice"].groupby(["item", "category"], sort=False):
        values = block.set_index("group")["value"]
        rows.append(
            {
                "Vraag": book.at[item, "label"],
                "Antwoord": answer_label(book.loc[item], category),
                "Programmagroep": fmt.percent(values.get("programme"), 1),
                "Controlegroep": fmt.percent(values.get("control"), 1),
            }
        )
    return Table(pd.DataFrame(rows, columns=["Vraag", "Antwoord", "Programmagroep", "Controlegroep"]))


def comparison_display(released: ReleasedSurvey) -> Table:
    """Published beside reproduced, one row per published figure, with the bounds the printed
    words allow and both significance labels."""
    names = labels(released)
    p_holm = released.table.set_index("quantity")["p_holm"]
    rows = []
    for _, r in released.comparison.iterrows():
        quantity = r["quantity"]
        claim = is_claim(r)
        if quantity.startswith("n_") and quantity[2:] in names.index:
            name, reproduced = f"Aantal: {names[quantity[2:]]}", fmt.number(r["reproduced"])
        elif quantity in names.index:
            name, reproduced = names[quantity], fmt.percent(r["reproduced"], 1)
        else:
            name = OTHER_FIGURES.get(quantity, quantity)
            reproduced = fmt.percent(r["reproduced"], 0)
        rows.append(
            {
                "Cijfer": name,
                "Groep": GROUP_LABELS.get(r["group"], fmt.MISSING),
                "Gepubliceerd": readable(r["printed"]),
                "Toegestaan": fmt.MISSING if claim else f"{fmt.number(r['lower'], 1)} – {fmt.number(r['upper'], 1)}",
                "Gereproduceerd": fmt.MISSING if claim else reproduced,
                "Overeenkomst": CLAIM_STATUS if claim else STATUS_LABELS[r["status"]],
                "Significantie rapport": SIGNIFICANCE_LABELS.get(r["significance"], fmt.MISSING),
                "Significantie reproductie": significance(
                    r["reproduced_p"], released.alpha, p_holm.get(quantity, np.nan)
                ),
            }
        )
    return Table(pd.DataFrame(rows))


def is_claim(row) -> bool:
    """Whether a published row is a claim without a number (unit ``claim``: value and bounds
    empty by the contract)."""
    return bool(pd.isna(row["value"]))


CLAIM_STATUS = "alleen een oordeel, geen cijfer"


# -- glued values --------------------------------------------------------------------------------------

GLUE_SUFFIXES = ("programme", "control", "total", "diff", "ci", "p", "holm", "verdict", "label", "measure")


def glue_values(released: ReleasedSurvey, aliases: dict[str, str] | None = None) -> dict[str, str]:
    """Every number the chapter's prose states, in Dutch notation.

    Per quantity ``q``: ``q_programme``, ``q_control``, ``q_total``, ``q_diff``, ``q_ci``,
    ``q_p``, ``q_holm`` (indicators), ``q_verdict``, ``q_label``, ``q_measure`` (indicators:
    :func:`measure_text`); respondents per group
    (``n_programme``, ``n_control``) and the assumed numbers of the synthetic data
    (``assumed_programme``, ``assumed_control``, ``assumed_match``); summary lists and counts
    of the comparison with the published figures. ``aliases``: ``{alias: quantity}``, the
    quantity's values also under ``alias_...`` (for prose shared by programmes whose items
    are named differently).
    """
    alpha, names = released.alpha, labels(released)
    spoken = labels(released, spoken=True)  # in the lists of the prose
    book = released.codebook.set_index("item")
    values: dict[str, str] = {}
    for _, r in released.table.iterrows():
        q = r["quantity"]
        for group in (*GROUPS, "total"):
            values[f"{q}_{group}"] = SUPPRESSED if pd.isna(r[f"value_{group}"]) else fmt.percent(r[f"value_{group}"], 0)
        values[f"{q}_diff"] = fmt.pp(r["diff"], 1)
        values[f"{q}_ci"] = fmt.interval(r["ci_low"], r["ci_high"], 1)
        values[f"{q}_p"] = fmt.p_value(r["p_value"])
        values[f"{q}_holm"] = fmt.p_value(r["p_holm"])
        values[f"{q}_verdict"] = verdict(r["diff"], r["p_value"], alpha, r["p_holm"])
        values[f"{q}_label"] = lower_first(names[q])
        if r["primary"]:
            values[f"{q}_measure"] = measure_text(q, book)
    for alias, quantity in (aliases or {}).items():
        values |= {
            alias + key[len(quantity) :]: text
            for key, text in list(values.items())
            if key.startswith(quantity + "_") and key[len(quantity) + 1 :] in GLUE_SUFFIXES
        }
    values |= _respondent_values(released)
    ind = released.indicators
    significant = ind[ind["p_value"] < alpha]
    values["indicators_total"] = str(len(ind))
    held = [h for h in released.suppressions if h.table == "indicators" and h.column == "p_value"]
    family = verdict_family(ind["p_value"], [h for h in held if h.row in set(ind["quantity"])])
    values["holm_family"] = str(family.size)
    values["holm_family_sentence"] = family_sentence(family)
    values["significant_total"] = str(len(significant))
    values["significant_list"] = _list(
        f"{lower_first(spoken[r['quantity']])} ({fmt.pp(r['diff'], 1)}; "
        f"{'ook' if holm_label(r['p_value'], alpha, r['p_holm']) == AFTER_HOLM else 'niet'} na Holm)"
        for _, r in significant.iterrows()
    )
    holm = ind[ind["p_holm"] < alpha]
    values["significant_holm_total"] = str(len(holm))
    values["significant_holm_list"] = _list(lower_first(spoken[q]) for q in holm["quantity"])
    lost = significant[~(significant["p_holm"] < alpha)]
    values["lost_after_holm_list"] = _list(lower_first(spoken[q]) for q in lost["quantity"])
    values["suppressed_list"] = _list(
        lower_first(spoken[q]) for q in released.table.loc[released.table["suppressed"], "quantity"]
    )
    values |= _comparison_values(released, names)
    values["alpha"] = fmt.level(alpha)
    values["confidence"] = fmt.confidence(alpha)
    values["min_cell_size"] = fmt.number(released.min_cell_size)
    return values


def _list(items) -> str:
    return join(items, empty="geen", sep="; ")


def _respondent_values(released: ReleasedSurvey) -> dict[str, str]:
    values = {}
    for group in GROUPS:
        n = released.respondents.get(group)
        values[f"n_{group}"] = SUPPRESSED if pd.isna(n) else fmt.number(n)
        values[f"assumed_{group}"] = fmt.number(released.assumed.get(group) if released.assumed else None)
    values["assumed_match"] = {
        True: "De data waarmee dit hoofdstuk is gedraaid volgen die aanname.",
        False: "De data waarmee dit hoofdstuk is gedraaid wijken daarvan af: het zijn niet de meegeleverde "
        "synthetische data.",
        None: "Of de data waarmee dit hoofdstuk is gedraaid die aanname volgen, is hier niet na te gaan: de data "
        "komen zonder aanname of het aantal respondenten is onderdrukt.",
    }[released.assumed_match]
    return values


def _comparison_values(released: ReleasedSurvey, names: pd.Series) -> dict[str, str]:
    comparison = released.comparison
    claims = comparison[comparison["value"].isna()]  # :func:`is_claim`
    numbers = comparison.drop(index=claims.index)
    status = numbers["status"].value_counts()
    values = {"published_total": str(len(numbers))}
    kinds = (
        (published.STATUS_AGREES, "agree"),
        (published.STATUS_DIFFERS, "differ"),
        (published.STATUS_SUPPRESSED, "suppressed"),
        (published.STATUS_MISSING, "missing"),
    )
    for key, name in kinds:
        values[f"published_{name}"] = str(int(status.get(key, 0)))
    for key, name in kinds[1:]:
        rows = numbers[numbers["status"] == key]
        values[f"published_{name}_list"] = _list(
            ", ".join(
                filter(
                    None,
                    [
                        lower_first(names.get(r["quantity"], OTHER_FIGURES.get(r["quantity"], r["quantity"]))),
                        GROUP_LABELS.get(r["group"], ""),
                    ],
                )
            )
            + f" ('{readable(r['printed'])}')"
            for _, r in rows.iterrows()
        )
    alpha = released.alpha
    p_holm = released.table.set_index("quantity")["p_holm"]
    values["claims_total"] = str(len(claims))
    values["claims_assumed"] = (
        "In de meegeleverde data zijn de percentages achter die oordelen aangenomen (`assumptions.csv`), gekozen "
        "zodat het oordeel van het rapport uitkomt: dat de reproductie daar hetzelfde oordeel geeft, toetst het "
        "rapport dus niet."
        if released.assumed
        else "De percentages achter die oordelen komen uit de data waarmee dit hoofdstuk is gedraaid."
    )
    values["claims_list"] = _list(
        f"{lower_first(names.get(r['quantity'], r['quantity']))} (rapport: "
        f"{SIGNIFICANCE_LABELS[r['significance']]}; hier: "
        f"{significance(r['reproduced_p'], alpha, p_holm.get(r['quantity'], np.nan))})"
        for _, r in claims.iterrows()
    )
    labelled = comparison.dropna(subset=["significance"]).drop_duplicates(["quantity"])
    testable = labelled[labelled["reproduced_p"].notna()]
    mismatch = testable[testable["significance"] != testable["reproduced_p"].map(lambda p: label(p, alpha))]
    values["significance_checked"] = str(len(labelled))
    values["significance_untestable"] = str(len(labelled) - len(testable))
    values["significance_mismatch"] = str(len(mismatch))
    values["significance_mismatch_list"] = _list(lower_first(names.get(q, q)) for q in mismatch["quantity"])
    both = testable[(testable["significance"] == "significant") & (testable["reproduced_p"] < alpha)]
    lost = both[
        np.array(
            [
                holm_label(p, alpha, p_holm.get(q, np.nan)) != AFTER_HOLM
                for p, q in zip(both["reproduced_p"], both["quantity"], strict=True)
            ],
            dtype=bool,
        )
    ]
    values["significance_both"] = str(len(both))
    values["significance_holm_lost"] = str(len(lost))
    values["significance_holm_lost_list"] = _list(lower_first(names.get(q, q)) for q in lost["quantity"])
    return values


# -- figures ---------------------------------------------------------------------------------------------


def _wrap(text: str, width: int = 45) -> str:
    return textwrap.fill(text, width, break_long_words=False, break_on_hyphens=False)


def grade_plot(released: ReleasedSurvey, programme_label: str):
    """Share with a grade of 7 or higher per grade item and grade composite, per group, with
    Wilson intervals; suppressed shares are left out (the chapter lists them)."""
    book = released.codebook.set_index("item")
    grade_items = set(book.index[book["scale"] == "grade"])
    is_grade = released.indicators["item"].map(
        lambda i: (
            i in grade_items or (book.at[i, "scale"] == "composite" and all(m in grade_items for m in members(book, i)))
        )
    )
    data = released.indicators[is_grade].iloc[::-1]
    names = labels(released)
    fig, ax = plt.subplots(figsize=(6.0, 0.75 * len(data) + 1.4))
    colours = dict(zip(GROUPS, figures.palette(3)[:2], strict=True))
    for offset, group, name in ((0.15, "programme", programme_label), (-0.15, "control", "controlegroep")):
        shown = data[data[f"value_{group}"].notna()]
        y = np.array([list(data["quantity"]).index(q) for q in shown["quantity"]]) + offset
        ax.errorbar(
            shown[f"value_{group}"],
            y,
            xerr=[
                shown[f"value_{group}"] - shown[f"wilson_low_{group}"],
                shown[f"wilson_high_{group}"] - shown[f"value_{group}"],
            ],
            fmt="o",
            color=colours[group],
            capsize=3,
            label=name,
        )
    ax.set_yticks(range(len(data)), [_wrap(names[q], 28) for q in data["quantity"]])
    ax.set_xlim(0, 100)
    ax.set_xlabel(f"Aandeel met een 7 of hoger (%, {fmt.confidence(released.alpha)}-BI volgens Wilson)")
    figures.dutch_axis(ax.xaxis)
    ax.legend(loc="lower left", fontsize="small")
    return figures.finish(fig)


def agreement_plot(released: ReleasedSurvey, programme_label: str):
    """Diverging stacked bars for the agreement items: (helemaal) oneens to the left, neutraal
    and weet niet around zero, (helemaal) eens to the right, one bar per group; a suppressed
    distribution is left out."""
    shares = released.distributions["agreement"]
    book = released.codebook.set_index("item")
    items = [i for i in book.index if i in set(shares["item"])]
    fig, ax = plt.subplots(figsize=(8, 1.0 * len(items) + 1.6))
    red, _, _, _, blue = sns.color_palette("RdBu", 5).as_hex()
    colours = {"disagree": red, "middle": "#bdbdbd", "agree": blue}
    ticks, names = [], []
    for row, item in enumerate(reversed(items)):
        for offset, group, name in ((0.2, "programme", programme_label), (-0.2, "control", "controlegroep")):
            share = shares[(shares["item"] == item) & (shares["group"] == group)].set_index("category")["value"]
            ticks.append(row + offset)
            names.append(f"{_wrap(book.at[item, 'label'], 40)}\n{name}" if group == "programme" else name)
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
    fig.legend(
        handles,
        ["(helemaal) oneens", "neutraal of weet niet", "(helemaal) eens"],
        loc="lower center",
        ncol=1,
        frameon=False,
    )
    return figures.finish(fig, legend_below=3)
