"""WW@Work (Rotterdam, seed 003): the cohort of max-WW'ers, the funnel, the doorstroom
comparisons and the Rijnmond labour-market context.

* :data:`COHORT`: the ``cohort`` contract, one row per person approaching the end of WW.
* :func:`funnel` and :func:`funnel_figures`: the funnel (invited, information meeting,
  coaching, work or Bijstand) and its values in the shape of the published figures.
* :func:`observed_vs_predicted`: realised Bijstand inflow against UWV's predicted
  probabilities, per group of the cohort.
* :func:`doorstroom_did`: the published Den Bosch and Rotterdam doorstroom rates (UWV
  prediction against realisation, 2014) as a difference in differences.
* :func:`labour_market_figures`: Tabel 2 and the labour-market text recomputed from their
  own counts (shares against totals, parts against wholes).
* :func:`synthetic_cohort`: the seeded generator of ``data/synthetic/wwatwork/cohort.csv``.

Every count from the cohort that reaches the book passes :mod:`evalbook.disclosure`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from scipy import stats

from .analysis import published
from .schemas.cohort import ATTRIBUTIONS, COHORT, REGIONS
from .core.rounding import count_for_percent, round_half_up
from .disclosure import rules as disclosure
from .report import format as fmt
from .report.tables import Table

# -- the funnel ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Step:
    name: str
    label: str  # Dutch
    base: str | None  # the step whose count is the denominator


STEPS = (
    Step("cohort", "Einde WW in de periode (max-WW'ers)", None),
    Step("invited", "Uitgenodigd voor voorlichting", "cohort"),
    Step("attended", "Naar de voorlichtingsbijeenkomst", "invited"),
    Step("coached", "Gecoacht door WW@Work", "attended"),
    Step("found_work", "Gecoacht en werk gevonden", "coached"),
    Step("bijstand", "Gecoacht en toch in de Bijstand", "coached"),
)


def step_masks(cohort: pd.DataFrame) -> dict[str, pd.Series]:
    """For every funnel step, which persons reached it."""
    coached = cohort["coached"].astype(bool)
    return {
        "cohort": pd.Series(True, index=cohort.index),
        "invited": cohort["invited"].astype(bool),
        "attended": cohort["attended"].astype(bool),
        "coached": coached,
        "found_work": coached & cohort["found_work"].fillna(False).astype(bool),
        "bijstand": coached & cohort["bijstand_inflow"].astype(bool),
    }


def funnel(cohort: pd.DataFrame, min_cell_size: int = disclosure.DEFAULT_MIN_CELL_SIZE) -> pd.DataFrame:
    """One row per funnel step: ``count``, its base ``n`` (the previous step's count) and the
    percentage, in total and per region (suffixes ``_noord``, ``_zuid``), after disclosure
    control (hidden cells are missing; ``suppressed`` marks rows with a hidden cell)."""
    masks = step_masks(cohort)
    rows = []
    for step in STEPS:
        row = {"step": step.name, "label": step.label}
        hidden = False
        for suffix, persons in (("", slice(None)), ("_noord", cohort["region"] == "noord"),
                                ("_zuid", cohort["region"] == "zuid")):
            k = int(masks[step.name][persons].sum())
            n = int(masks[step.base][persons].sum()) if step.base else np.nan
            count_ok = disclosure.is_safe_count(k, min_cell_size)
            share_ok = step.base is not None and disclosure.is_safe_proportion(k, n, min_cell_size)
            row[f"count{suffix}"] = k if count_ok else pd.NA
            row[f"n{suffix}"] = n if (step.base and disclosure.is_safe_count(n, min_cell_size)) else pd.NA
            row[f"percent{suffix}"] = 100 * k / n if share_ok else np.nan
            hidden |= not count_ok or (step.base is not None and not share_ok)
        row["suppressed"] = hidden
        rows.append(row)
    table = pd.DataFrame(rows)
    for col in [c for c in table if c.startswith(("count", "n"))]:
        table[col] = table[col].astype("Int64")
    return table


WORK_WINDOW = ("2017-01-01", "2017-06-01")  # "In 2017 van januari tot eind juni" (first and last month)
FUNNEL_FIGURES = (
    "leaving_ww_per_month", "maxww_share_noord", "maxww_share_zuid", "attended_information_meeting",
    "coached_cumulative", "found_work_cumulative", "found_work_jan_jun_2017", "conversion_work",
    "into_bijstand", "outflow_share_noord", "outflow_share_zuid",
)


def funnel_figures(cohort: pd.DataFrame, min_cell_size: int = disclosure.DEFAULT_MIN_CELL_SIZE) -> pd.DataFrame:
    """The cohort's values of the published funnel figures (:data:`FUNNEL_FIGURES`), in the
    shape :func:`evalbook.published.side_by_side` takes; a value resting on a count below the
    minimum cell size is missing and marked ``suppressed``."""
    m = step_masks(cohort)
    region = cohort["region"]
    months = cohort["cohort_month"].dt.to_period("M").nunique()
    work = m["found_work"]
    if "work_month" in cohort:
        in_window = work & cohort["work_month"].between(*pd.to_datetime(WORK_WINDOW))
        window_count = int(in_window.sum())
    else:
        window_count = None

    def share(k, n):
        return (100 * k / n) if disclosure.is_safe_proportion(k, n, min_cell_size) else None

    def count(k):
        return k if k is not None and disclosure.is_safe_count(k, min_cell_size) else None

    n = len(cohort)
    values = [
        ("leaving_ww_per_month", "rotterdam", n / months if disclosure.is_safe_count(n, min_cell_size) else None),
        ("maxww_share", "noord", share(int((region == "noord").sum()), n)),
        ("maxww_share", "zuid", share(int((region == "zuid").sum()), n)),
        ("attended_information_meeting", "", share(int(m["attended"].sum()), int(m["invited"].sum()))),
        ("coached_cumulative", "", count(int(m["coached"].sum()))),
        ("found_work_cumulative", "", count(int(work.sum()))),
        ("found_work", "", count(window_count)),
        ("conversion_work", "", share(int(work.sum()), int(m["coached"].sum()))),
        ("into_bijstand", "", share(int(m["bijstand"].sum()), int(m["coached"].sum()))),
        ("outflow_share", "noord", share(int((work & (region == "noord")).sum()), int(work.sum()))),
        ("outflow_share", "zuid", share(int((work & (region == "zuid")).sum()), int(work.sum()))),
    ]
    frame = pd.DataFrame(values, columns=["quantity", "subgroup", "value"])
    frame["group"] = ""
    frame["suppressed"] = frame["value"].isna() & ~((frame["quantity"] == "found_work") & (window_count is None))
    frame["value"] = frame["value"].astype(float)
    return frame


def figures_subset(figures: pd.DataFrame, figure_ids) -> pd.DataFrame:
    """The published rows ``figure_ids``, in that order (a missing id is an error)."""
    missing = set(figure_ids) - set(figures["figure_id"])
    if missing:
        raise KeyError(f"published figures missing: {sorted(missing)}")
    return figures.set_index("figure_id").loc[list(figure_ids)].reset_index()


# -- realised against predicted inflow within the cohort -----------------------------------------

def observed_vs_predicted(cohort: pd.DataFrame, alpha: float = 0.05,
                          min_cell_size: int = disclosure.DEFAULT_MIN_CELL_SIZE) -> pd.DataFrame:
    """Realised Bijstand inflow against the sum of UWV's predicted probabilities, per group.

    Under the hypothesis that the prediction is right for the group, the realised count has
    mean ``sum(p)`` and variance ``sum(p(1-p))`` (a Poisson-binomial count). The difference
    (realised minus predicted, in pp) gets the normal interval from that variance and the
    matching two-sided p-value; the prediction itself is taken as known.
    """
    z = stats.norm.ppf(1 - alpha / 2)
    coached = cohort["coached"].astype(bool)
    groups = (
        ("total", "Iedereen", pd.Series(True, index=cohort.index)),
        ("coached", "Gecoacht", coached),
        ("not_coached", "Niet gecoacht", ~coached),
        ("noord", "Noord", cohort["region"] == "noord"),
        ("zuid", "Zuid", cohort["region"] == "zuid"),
    )
    rows = []
    for name, label, mask in groups:
        p = cohort.loc[mask, "predicted_inflow"].astype(float).to_numpy()
        k = int(cohort.loc[mask, "bijstand_inflow"].astype(bool).sum())
        n = len(p)
        row = {"group": name, "label": label, "n": n, "k": k}
        if not disclosure.is_safe_proportion(k, n, min_cell_size):
            rows.append(row | {"n": pd.NA if not disclosure.is_safe_count(n, min_cell_size) else n,
                               "k": pd.NA, "suppressed": True})
            continue
        expected, var = p.sum(), (p * (1 - p)).sum()
        diff = 100 * (k - expected) / n
        half = 100 * z * math.sqrt(var) / n
        rows.append(row | {"realised": 100 * k / n, "predicted": 100 * expected / n, "diff": diff,
                           "ci_low": diff - half, "ci_high": diff + half,
                           "p_value": float(2 * stats.norm.sf(abs(k - expected) / math.sqrt(var))),
                           "suppressed": False})
    table = pd.DataFrame(rows).reindex(columns=["group", "label", "n", "k", "realised", "predicted", "diff",
                                                "ci_low", "ci_high", "p_value", "suppressed"])
    table[["n", "k"]] = table[["n", "k"]].astype("Int64")
    return table


# -- Den Bosch and Rotterdam: predicted against realised doorstroom (2014) -----------------------

CITIES = {"den_bosch": "Den Bosch", "rotterdam": "Rotterdam"}


def populations(figures: pd.DataFrame) -> dict[str, int]:
    """The WW leavers behind the published 2014 rates: the realised doorstroom count divided
    by the realised rate (the report gives the count, ``240`` and ``2.250``, not the base)."""
    value = figures.set_index("figure_id")["value"]
    return {city: round_half_up(value[f"doorstroom_count_{city}"] / (value[f"doorstroom_realised_{city}"] / 100))
            for city in CITIES}


def doorstroom_did(figures: pd.DataFrame, alpha: float = 0.05) -> pd.DataFrame:
    """Realised minus predicted doorstroom per city and the difference of those differences
    (Den Bosch minus Rotterdam), in percentage points, with normal intervals.

    The published figures are rates; each is treated as a binomial proportion on the city's
    population (:func:`populations`), the UWV prediction as well as the realisation, so the
    variance of the difference in differences is the sum of the four binomial variances.
    The columns ``*_known`` give the narrower interval that treats the prediction as known
    (only the two realised rates vary).
    """
    value = figures.set_index("figure_id")["value"]
    pops = populations(figures)
    z = stats.norm.ppf(1 - alpha / 2)
    rows = []
    for city, label in CITIES.items():
        pred, real = value[f"doorstroom_predicted_{city}"] / 100, value[f"doorstroom_realised_{city}"] / 100
        n = pops[city]
        rows.append({"unit": city, "label": label, "predicted": 100 * pred, "realised": 100 * real,
                     "count": int(value[f"doorstroom_count_{city}"]), "population": n,
                     "diff": 100 * (real - pred),
                     "var": (pred * (1 - pred) + real * (1 - real)) / n * 1e4,
                     "var_known": real * (1 - real) / n * 1e4})
    db, rd = rows
    rows.append({"unit": "did", "label": "Verschil Den Bosch − Rotterdam", "diff": db["diff"] - rd["diff"],
                 "var": db["var"] + rd["var"], "var_known": db["var_known"] + rd["var_known"]})
    table = pd.DataFrame(rows)
    se, se_known = np.sqrt(table["var"]), np.sqrt(table["var_known"])
    table["ci_low"], table["ci_high"] = table["diff"] - z * se, table["diff"] + z * se
    table["p_value"] = 2 * stats.norm.sf(np.abs(table["diff"]) / se)
    table["ci_low_known"], table["ci_high_known"] = table["diff"] - z * se_known, table["diff"] + z * se_known
    table["p_value_known"] = 2 * stats.norm.sf(np.abs(table["diff"]) / se_known)
    table["relative"] = 100 * table["diff"] / table["predicted"]
    return table.drop(columns=["var", "var_known"])


DID_FIGURES = ("inflow_rate_reduction_den_bosch", "bijstand_reduction_per_year_den_bosch")


def did_figures(did: pd.DataFrame) -> pd.DataFrame:
    """The report's claims about Den Bosch (:data:`DID_FIGURES`) recomputed from its own
    rates: the relative drop of the doorstroom rate (printed "30% á 40%") and the persons a
    year kept out of the Bijstand (printed "100 á 140"), predicted minus realised rate times
    the WW leavers."""
    db = did.set_index("unit").loc["den_bosch"]
    rows = [("inflow_rate_reduction", "den_bosch", -db["relative"]),
            ("bijstand_reduction_per_year", "den_bosch", -db["diff"] / 100 * db["population"])]
    frame = pd.DataFrame(rows, columns=["quantity", "subgroup", "value"])
    frame["group"] = ""
    return frame


# -- Rijnmond labour market ---------------------------------------------------------------------

LABOUR_MARKET_FIGURES = (
    "t2_labour_force_rijnmond", "labour_force_rijnmond_text", "unemployment_rate_rijnmond",
    "labour_force_rijnmond_2018", "gross_participation_rate_2018",
    "t2_ww_share_rijnmond", "t2_bijstand_share_rijnmond", "t2_disability_count_rijnmond",
    "t2_disability_share_rijnmond", "t2_wajong_share_rijnmond", "t2_wao_share_rijnmond", "t2_wia_share_rijnmond",
    "t2_disability_share_nederland",
)
TABLE2_ROWS = (("Beroepsbevolking", "labour_force", None), ("WW", "ww", "ww"),
               ("Bijstand tot AOW-leeftijd", "bijstand", "bijstand"),
               ("Arbeidsongeschikten", "disability", "disability"), ("– waarvan Wajong", "wajong", "wajong"),
               ("– waarvan WAO", "wao", "wao"), ("– waarvan WIA", "wia", "wia"))


def labour_market_figures(figures: pd.DataFrame) -> pd.DataFrame:
    """Tabel 2 and the labour-market text recomputed from their own counts: every Rijnmond
    share as count / labour force, the disability total as the sum of its parts (count and
    Dutch share), the labour force as employed + unemployed, the unemployment rate, the 2018
    labour force (2016 + growth) and the gross participation rate (2018 labour force /
    potential labour force)."""
    v = figures.set_index("figure_id")["value"]
    force = v["t2_labour_force_rijnmond"]
    parts = ("wajong", "wao", "wia")
    force_2018 = v["labour_force_rijnmond_text"] + v["labour_force_growth_2017_2018"]
    rows = [("labour_force", "rijnmond", v["employed_rijnmond"] + v["unemployed_rijnmond"]),
            ("unemployment_rate", "rijnmond", 100 * v["unemployed_rijnmond"] / v["labour_force_rijnmond_text"]),
            ("labour_force_2018", "rijnmond", force_2018),
            ("gross_participation_rate", "rijnmond", 100 * force_2018 / v["potential_labour_force_rijnmond"]),
            ("disability_recipients", "rijnmond", sum(v[f"t2_{p}_count_rijnmond"] for p in parts)),
            ("disability_share_labour_force", "nederland", sum(v[f"t2_{p}_share_nederland"] for p in parts))]
    for _, _, key in TABLE2_ROWS[1:]:
        rows.append((f"{key}_share_labour_force", "rijnmond", 100 * v[f"t2_{key}_count_rijnmond"] / force))
    frame = pd.DataFrame(rows, columns=["quantity", "subgroup", "value"])
    frame["group"] = ""
    return frame


TRANSITIONS = (  # (label, rate figure, count figure, published file)
    ("Nederland (inleiding)", "doorstroom_rate_nederland_intro", None, "labour_market"),
    ("Nederland (2016)", "doorstroom_rate_nederland", None, "labour_market"),
    ("Rijnmond (2016)", "doorstroom_rate_rijnmond", "doorstroom_count_rijnmond", "labour_market"),
    ("Rotterdam (2016)", "doorstroom_rate_rotterdam_2016", "doorstroom_count_rotterdam_2016", "labour_market"),
    ("Westvoorne (2016)", "doorstroom_rate_westvoorne", None, "labour_market"),
    ("Albrandswaard (2016)", "doorstroom_rate_albrandswaard", None, "labour_market"),
    ("Barendrecht (2016)", "doorstroom_rate_barendrecht", None, "labour_market"),
    ("Rotterdam (2014, gerealiseerd)", "doorstroom_realised_rotterdam", "doorstroom_count_rotterdam", "effect_study"),
    ("Den Bosch (2014, gerealiseerd)", "doorstroom_realised_den_bosch", "doorstroom_count_den_bosch", "effect_study"),
)


def transitions(labour: pd.DataFrame, effect: pd.DataFrame) -> pd.DataFrame:
    """WW→Bijstand doorstroom rates as published (value and printed text), with the count
    where printed and the number of WW leavers it implies (count / rate)."""
    files = {"labour_market": labour.set_index("figure_id"), "effect_study": effect.set_index("figure_id")}
    rows = []
    for label, rate_id, count_id, source in TRANSITIONS:
        f = files[source]
        rate = f.loc[rate_id, "value"]
        count = f.loc[count_id, "value"] if count_id else np.nan
        rows.append({"label": label, "rate_id": rate_id, "rate": rate, "rate_printed": f.loc[rate_id, "printed"],
                     "count_id": count_id, "count": count,
                     "count_printed": f.loc[count_id, "printed"] if count_id else None,
                     "leavers": count / (rate / 100)})
    return pd.DataFrame(rows)


# -- presentation -------------------------------------------------------------------------------

FIGURE_LABELS = {
    "leaving_ww_per_month": "WW-uitstroom per maand (Rotterdam)",
    "maxww_share_noord": "Aandeel Noord in de max-WW-groep",
    "maxww_share_zuid": "Aandeel Zuid in de max-WW-groep",
    "attended_information_meeting": "Opkomst voorlichtingsbijeenkomst (van de uitgenodigden)",
    "coached_cumulative": "Klantenbestand WW@Work eind 2017",
    "found_work_cumulative": "Uitgestroomd (werk) eind 2017",
    "found_work_jan_jun_2017": "Werk gevonden januari–juni 2017",
    "conversion_work": "Conversie naar werk (van de deelnemers)",
    "into_bijstand": "Toch in de Bijstand (van de deelnemers)",
    "outflow_share_noord": "Aandeel Noord in de uitstroom",
    "outflow_share_zuid": "Aandeel Zuid in de uitstroom",
    "inflow_rate_reduction_den_bosch": "Den Bosch: relatieve daling doorstroompercentage",
    "bijstand_reduction_per_year_den_bosch": "Den Bosch: minder in de Bijstand per jaar",
    "t2_labour_force_rijnmond": "Beroepsbevolking Rijnmond (Tabel 2)",
    "labour_force_rijnmond_text": "Beroepsbevolking Rijnmond (tekst)",
    "unemployment_rate_rijnmond": "Werkloosheidspercentage Rijnmond 2016",
    "labour_force_rijnmond_2018": "Beroepsbevolking Rijnmond 2018",
    "gross_participation_rate_2018": "Bruto participatiegraad 2018",
    "t2_ww_share_rijnmond": "WW, aandeel in beroepsbevolking",
    "t2_bijstand_share_rijnmond": "Bijstand, aandeel in beroepsbevolking",
    "t2_disability_count_rijnmond": "Arbeidsongeschikten, aantal",
    "t2_disability_share_rijnmond": "Arbeidsongeschikten, aandeel",
    "t2_wajong_share_rijnmond": "Wajong, aandeel",
    "t2_wao_share_rijnmond": "WAO, aandeel",
    "t2_wia_share_rijnmond": "WIA, aandeel",
    "t2_disability_share_nederland": "Arbeidsongeschikten, aandeel Nederland",
}
HOW_REPRODUCED = {
    "leaving_ww_per_month": "personen in het cohort / aantal maanden",
    "maxww_share_noord": "cohort", "maxww_share_zuid": "cohort",
    "attended_information_meeting": "opgekomen / uitgenodigd",
    "coached_cumulative": "gecoacht", "found_work_cumulative": "gecoacht en werk",
    "found_work_jan_jun_2017": "gecoacht en werk, maand van werk januari t/m juni 2017",
    "conversion_work": "werk / gecoacht", "into_bijstand": "Bijstand / gecoacht",
    "outflow_share_noord": "werk (gecoacht) naar regio", "outflow_share_zuid": "werk (gecoacht) naar regio",
    "inflow_rate_reduction_den_bosch": "(voorspeld − gerealiseerd) / voorspeld",
    "bijstand_reduction_per_year_den_bosch": "(voorspeld − gerealiseerd) × WW-uitstromers",
    "t2_labour_force_rijnmond": "werkend + werkloos", "labour_force_rijnmond_text": "werkend + werkloos",
    "unemployment_rate_rijnmond": "werkloos / beroepsbevolking",
    "labour_force_rijnmond_2018": "2016 + groei",
    "gross_participation_rate_2018": "beroepsbevolking 2018 / potentiële beroepsbevolking",
    "t2_disability_count_rijnmond": "Wajong + WAO + WIA",
    "t2_disability_share_nederland": "Wajong + WAO + WIA (aandelen)",
}


def comparison(figures: pd.DataFrame, figure_ids, reproduced: pd.DataFrame) -> pd.DataFrame:
    """The published figures ``figure_ids`` beside their reproduction
    (:func:`evalbook.published.side_by_side`), with the published unit."""
    subset = figures_subset(figures, figure_ids)
    side = published.side_by_side(subset, reproduced)
    return side.merge(subset[["figure_id", "unit"]], on="figure_id", how="left", validate="one_to_one")


def comparison_display(side: pd.DataFrame) -> Table:
    """Published beside reproduced, with the interval the printed text allows; a reproduced
    percentage gets one decimal more than the printed one."""
    rows = []
    for _, r in side.iterrows():
        if r["unit"] == "percent":
            shown = fmt.percent(r["reproduced"], 1 if float(r["value"]).is_integer() else 2)
        else:
            shown = fmt.number(r["reproduced"], 0)
        bounds = (fmt.number(r["lower"], 2).rstrip("0").rstrip(",") + " – "
                  + fmt.number(r["upper"], 2).rstrip("0").rstrip(","))
        rows.append({"Cijfer": FIGURE_LABELS.get(r["figure_id"], r["figure_id"]), "Gepubliceerd": r["printed"],
                     "Toegestaan": bounds, "Gereproduceerd": shown,
                     "Berekend als": HOW_REPRODUCED.get(r["figure_id"], "deel / totaal"),
                     "Overeenkomst": r["status"]})
    return Table(pd.DataFrame(rows))


def funnel_display(table: pd.DataFrame) -> Table:
    """The funnel in Dutch notation: count, percentage of the previous step, per region."""
    rows = []
    for _, r in table.iterrows():
        rows.append({"Stap": r["label"], "Aantal": fmt.number(r["count"]),
                     "% van vorige stap": fmt.percent(r["percent"], 1),
                     "Noord": fmt.number(r["count_noord"]), "% Noord": fmt.percent(r["percent_noord"], 1),
                     "Zuid": fmt.number(r["count_zuid"]), "% Zuid": fmt.percent(r["percent_zuid"], 1)})
    return Table(pd.DataFrame(rows))


def funnel_plot(table: pd.DataFrame):
    """Horizontal bars per funnel step, split Noord/Zuid, labelled with the total count and
    the percentage of the previous step (suppressed cells get no bar and no label)."""
    sns.set_theme(style="whitegrid", context="notebook")
    data = table.iloc[::-1].reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(8, 0.55 * len(data) + 1.2))
    noord = data["count_noord"].astype("Float64").fillna(0).to_numpy(dtype=float)
    zuid = data["count_zuid"].astype("Float64").fillna(0).to_numpy(dtype=float)
    ax.barh(range(len(data)), noord, color="#4393c3", label="Noord")
    ax.barh(range(len(data)), zuid, left=noord, color="#d6604d", label="Zuid")
    for y, (_, r) in enumerate(data.iterrows()):
        if pd.isna(r["count"]):
            continue
        share = "" if pd.isna(r["percent"]) else f" ({fmt.percent(r['percent'], 0)})"
        ax.text(noord[y] + zuid[y], y, f"  {fmt.number(r['count'])}{share}", va="center", fontsize="small")
    ax.set_yticks(range(len(data)), data["label"])
    ax.set_xlabel("Aantal personen (tussen haakjes: % van de vorige stap)")
    ax.xaxis.set_major_formatter(lambda x, _: fmt.number(x, 0))
    ax.set_xlim(0, 1.25 * float((noord + zuid).max()))
    ax.legend(loc="lower right")
    fig.tight_layout()
    plt.close(fig)  # shown once, by the notebook's display of the returned figure
    return fig


def ovp_display(table: pd.DataFrame) -> Table:
    rows = []
    for _, r in table.iterrows():
        rows.append({"Groep": r["label"], "n": fmt.number(r["n"]),
                     "Gerealiseerd": fmt.percent(r["realised"], 1), "Voorspeld (UWV)": fmt.percent(r["predicted"], 1),
                     "Verschil": fmt.pp(r["diff"], 1), "95%-BI": fmt.interval(r["ci_low"], r["ci_high"], 1),
                     "p": fmt.p_value(r["p_value"]).removeprefix("p = ")})
    return Table(pd.DataFrame(rows))


def did_display(did: pd.DataFrame) -> Table:
    rows = []
    for _, r in did.iterrows():
        city = r["unit"] != "did"
        rows.append({"": r["label"],
                     "Voorspeld": fmt.percent(r["predicted"], 1) if city else "",
                     "Gerealiseerd": fmt.percent(r["realised"], 1) if city else "",
                     "Instroom": fmt.number(r["count"]) if city else "",
                     "WW-uitstromers (afgeleid)": fmt.number(r["population"]) if city else "",
                     "Verschil": fmt.pp(r["diff"], 1),
                     "95%-BI": fmt.interval(r["ci_low"], r["ci_high"], 2),
                     "p": fmt.p_value(r["p_value"]).removeprefix("p = "),
                     "95%-BI (voorspelling vast)": fmt.interval(r["ci_low_known"], r["ci_high_known"], 2)})
    return Table(pd.DataFrame(rows))


def did_plot(did: pd.DataFrame):
    """Left: predicted and realised doorstroom per city. Right: the differences (pp) with
    their 95% intervals, the difference in differences last."""
    sns.set_theme(style="whitegrid", context="notebook")
    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.2), gridspec_kw={"width_ratios": [1, 1.3]})
    cities = did[did["unit"] != "did"].reset_index(drop=True)
    for y, (_, r) in enumerate(cities.iterrows()):
        left.annotate("", xy=(r["realised"], y), xytext=(r["predicted"], y),
                      arrowprops={"arrowstyle": "->", "color": "#4d4d4d"})
        left.plot(r["predicted"], y, "o", color="#92c5de", label="voorspeld (UWV)" if y == 0 else None)
        left.plot(r["realised"], y, "o", color="#b2182b", label="gerealiseerd" if y == 0 else None)
    left.set_yticks(range(len(cities)), cities["label"])
    left.set_ylim(-0.6, len(cities) - 0.4)
    left.set_xlabel("Doorstroom WW → Bijstand (%)")
    left.xaxis.set_major_formatter(lambda x, _: fmt.number(x, 0))
    left.legend(loc="upper left", fontsize="small")
    data = did.iloc[::-1].reset_index(drop=True)
    for y, (_, r) in enumerate(data.iterrows()):
        right.errorbar(r["diff"], y, xerr=[[r["diff"] - r["ci_low"]], [r["ci_high"] - r["diff"]]], fmt="o",
                       color="#b2182b" if r["unit"] == "did" else "#4d4d4d", elinewidth=2, capsize=3)
    right.axvline(0, color="black", linewidth=1)
    right.set_yticks(range(len(data)), ["Den Bosch − Rotterdam" if u == "did" else CITIES[u] for u in data["unit"]])
    right.set_xlabel("Gerealiseerd − voorspeld (procentpunt, 95%-BI)")
    right.xaxis.set_major_formatter(lambda x, _: fmt.number(x, 1))
    fig.tight_layout()
    plt.close(fig)
    return fig


def table2_display(figures: pd.DataFrame, reproduced: pd.DataFrame) -> Table:
    """Tabel 2 as printed, with the Rijnmond share recomputed from the counts."""
    v = figures.set_index("figure_id")
    rep = reproduced.set_index(["quantity", "subgroup"])["value"]
    rows = []
    for label, count_key, share_key in TABLE2_ROWS:
        count_id = "t2_labour_force_rijnmond" if count_key == "labour_force" else f"t2_{count_key}_count_rijnmond"
        row = {"": label, "Rijnmond aantal": v.loc[count_id, "printed"]}
        if share_key:
            row |= {"Aandeel Rijnmond (gedrukt)": v.loc[f"t2_{share_key}_share_rijnmond", "printed"],
                    "Aandeel Rijnmond (herberekend)":
                        fmt.percent(rep[(f"{share_key}_share_labour_force", "rijnmond")], 2),
                    "Aandeel Nederland (gedrukt)": v.loc[f"t2_{share_key}_share_nederland", "printed"]}
        else:
            row |= {"Aandeel Rijnmond (gedrukt)": "", "Aandeel Rijnmond (herberekend)": "",
                    "Aandeel Nederland (gedrukt)": ""}
        rows.append(row)
    return Table(pd.DataFrame(rows), caption="Tabel 2. Sociale zekerheidsuitkeringen en aandeel in de "
                                             "beroepsbevolking Rijnmond, eind 2016 (bron: CBS en UWV)")


def transitions_display(table: pd.DataFrame) -> Table:
    rows = [{"Gebied": r["label"], "Doorstroompercentage": fmt.percent(r["rate"], 1),
             "Doorstroom (aantal)": fmt.number(r["count"]),
             "WW-uitstromers (afgeleid: aantal / percentage)": fmt.number(r["leavers"], 0)}
            for _, r in table.iterrows()]
    return Table(pd.DataFrame(rows))


def assumptions_display(frame: pd.DataFrame) -> Table:
    return Table(frame[["parameter", "value", "reason"]].rename(
        columns={"parameter": "Parameter", "value": "Waarde", "reason": "Reden"}))


def status_counts(side: pd.DataFrame) -> dict[str, str]:
    counts = side["status"].value_counts()
    return {"total": str(len(side)), "agree": str(int(counts.get(published.STATUS_AGREES, 0))),
            "differ": str(int(counts.get(published.STATUS_DIFFERS, 0))),
            "missing": str(int(counts.get(published.STATUS_MISSING, 0))
                           + int(counts.get(published.STATUS_SUPPRESSED, 0)))}


def glue_values(funnel_table: pd.DataFrame, funnel_side: pd.DataFrame, ovp: pd.DataFrame, did: pd.DataFrame,
                did_side: pd.DataFrame, labour_side: pd.DataFrame, trans: pd.DataFrame,
                cohort: pd.DataFrame, alpha: float, min_cell_size: int) -> dict[str, str]:
    """Every number the chapter's prose states, as Dutch text (counts from the cohort only
    when they reach the minimum cell size)."""
    values: dict[str, str] = {}
    f = funnel_table.set_index("step")
    for step in f.index:
        count = f.loc[step, "count"]
        values[f"funnel_{step}_count"] = fmt.number(count) if pd.notna(count) else "onderdrukt"
        values[f"funnel_{step}_pct"] = fmt.percent(f.loc[step, "percent"], 1)
    months = cohort["cohort_month"]
    values["cohort_first"] = _month(months.min())
    values["cohort_last"] = _month(months.max())
    values["cohort_months"] = str(months.dt.to_period("M").nunique())
    rep = funnel_side.set_index("figure_id")["reproduced"]
    values["per_month"] = fmt.number(rep["leaving_ww_per_month"], 0)
    values["window_work_count"] = fmt.number(rep["found_work_jan_jun_2017"], 0)
    for key, side in (("funnel", funnel_side), ("did", did_side), ("labour", labour_side)):
        for name, text in status_counts(side).items():
            values[f"{key}_{name}"] = text
        for _, r in side.iterrows():
            values[f"pub_{r['figure_id']}"] = _in_sentence(r["printed"])
    for _, r in trans.iterrows():
        values[f"pub_{r['rate_id']}"] = _in_sentence(r["rate_printed"])
        if pd.notna(r["count_id"]):
            values[f"pub_{r['count_id']}"] = r["count_printed"]
    o = ovp.set_index("group")
    for g in o.index:
        values[f"ovp_{g}_realised"] = fmt.percent(o.loc[g, "realised"], 1)
        values[f"ovp_{g}_predicted"] = fmt.percent(o.loc[g, "predicted"], 1)
        values[f"ovp_{g}_diff"] = fmt.pp(o.loc[g, "diff"], 1)
        values[f"ovp_{g}_ci"] = fmt.interval(o.loc[g, "ci_low"], o.loc[g, "ci_high"], 1)
        values[f"ovp_{g}_p"] = fmt.p_value(o.loc[g, "p_value"])
    d = did.set_index("unit")
    for unit in d.index:
        values[f"did_{unit}_diff"] = fmt.pp(d.loc[unit, "diff"], 1)
        values[f"did_{unit}_ci"] = fmt.interval(d.loc[unit, "ci_low"], d.loc[unit, "ci_high"], 2)
        values[f"did_{unit}_p"] = fmt.p_value(d.loc[unit, "p_value"])
        values[f"did_{unit}_ci_known"] = fmt.interval(d.loc[unit, "ci_low_known"], d.loc[unit, "ci_high_known"], 2)
        values[f"did_{unit}_p_known"] = fmt.p_value(d.loc[unit, "p_value_known"])
        values[f"did_{unit}_verdict"] = fmt.significance(d.loc[unit, "p_value"], alpha)
        if unit != "did":
            values[f"did_{unit}_predicted"] = fmt.percent(d.loc[unit, "predicted"], 1)
            values[f"did_{unit}_realised"] = fmt.percent(d.loc[unit, "realised"], 1)
            values[f"did_{unit}_count"] = fmt.number(d.loc[unit, "count"])
            values[f"did_{unit}_population"] = fmt.number(d.loc[unit, "population"])
            values[f"did_{unit}_relative"] = fmt.percent(-d.loc[unit, "relative"], 1)
    drep = did_side.set_index("figure_id")["reproduced"]
    values["did_db_per_year"] = fmt.number(drep["bijstand_reduction_per_year_den_bosch"], 0)
    t = trans.set_index("label")
    values["rotterdam_share_of_rijnmond"] = fmt.percent(
        100 * t.loc["Rotterdam (2016)", "count"] / t.loc["Rijnmond (2016)", "count"], 0)
    values["leavers_rotterdam_2016"] = fmt.number(t.loc["Rotterdam (2016)", "leavers"], 0)
    values["leavers_rotterdam_2016_month"] = fmt.number(t.loc["Rotterdam (2016)", "leavers"] / 12, 0)
    values["alpha"] = fmt.percent(100 * alpha, 0)
    values["min_cell_size"] = str(min_cell_size)
    return values


def _in_sentence(printed: str) -> str:
    """A printed figure for use inside a sentence ("Ongeveer 20%" → "ongeveer 20%")."""
    return printed[:1].lower() + printed[1:]


MONTHS_NL = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
             "november", "december")


def _month(ts) -> str:
    return f"{MONTHS_NL[ts.month - 1]} {ts.year}"


# -- the synthetic cohort -----------------------------------------------------------------------

SEED = 20171231  # "Eind 2017": the date of the caseload figures the cohort reproduces
LAST_COHORT = "2017-12-01"  # the caseload and work counts are "eind 2017"
TEAM_START = "2016-11-01"  # "Vanaf medio november 2016 worden 4 consulenten ... gedetacheerd"
NOT_INVITED_SHARE = 0.05  # filtered off the printout (likely no right to Bijstand); size not published
BETA_CONCENTRATION = 4.0  # a + b of the Beta distribution of predicted probabilities; not published
TEAM_ATTRIBUTION_SHARE = 0.5  # "door ons" among work found; the rest "mogelijk door ons"; not published
PREDICTION_YEAR_MONTHS = 12  # UWV's 2017 prediction of 2.240 covers one year of max-WW'ers


@dataclass(frozen=True)
class CohortTargets:
    """Counts the synthetic cohort meets exactly, solved from the published figures."""

    months: int
    n: int
    noord: int
    invited: int
    attended: int
    coached: int
    found_work: int
    work_in_window: int
    work_noord: int
    mean_predicted: float
    coaching_months: int

    @property
    def bijstand_coached(self) -> int:
        return self.coached - self.found_work


def cohort_targets(figures: pd.DataFrame) -> CohortTargets:
    """Solve the cohort's counts from the WW@Work figures (``effect_study.csv``).

    * coached: the caseload whose conversion to work rounds to the printed 37% with the
      printed 470 who found work, nearest to 470 / 37% (the printed "circa 1300" allows it);
    * months: the fewest monthly cohorts of ≈500 (ending in December 2017) whose attendees
      (20% of those invited) can fill that caseload;
    * mean predicted probability: UWV's predicted 2.240 for 2017 over a year of cohorts.
    """
    v = figures.set_index("figure_id")["value"]
    per_month = int(v["leaving_ww_per_month"])
    attend = v["attended_information_meeting"]
    work = int(v["found_work_cumulative"])
    conversion = v["conversion_work"]
    candidates = [n for n in range(work + 1, 10 * work) if round_half_up(100 * work / n) == round_half_up(conversion)]
    coached = min(candidates, key=lambda n: abs(n - 100 * work / conversion))
    if round_half_up(100 * (coached - work) / coached) != round_half_up(v["into_bijstand"]):
        raise ValueError("the published conversion and Bijstand shares do not add up for this caseload")
    months = math.ceil(coached / (per_month * (1 - NOT_INVITED_SHARE) * attend / 100))
    n = months * per_month
    invited = round_half_up(n * (1 - NOT_INVITED_SHARE))
    return CohortTargets(
        months=months, n=n, noord=round_half_up(n * v["maxww_share_noord"] / 100), invited=invited,
        attended=count_for_percent(attend, invited), coached=coached, found_work=work,
        work_in_window=int(v["found_work_jan_jun_2017"]),
        work_noord=round_half_up(work * v["outflow_share_noord"] / 100),
        mean_predicted=v["doorstroom_predicted_count_rotterdam_2017"] / (PREDICTION_YEAR_MONTHS * per_month),
        coaching_months=int(v["intake_before_ww_end_months"]),
    )


def synthetic_cohort(seed: int = SEED) -> pd.DataFrame:
    """The synthetic WW@Work cohort (``cohort`` contract), meeting :func:`cohort_targets`.

    Persons are spread over the monthly cohorts at random (≈500 a month) and over Noord and
    Zuid as published (50/50). Within each region the same shares are invited, attend, are
    coached and find work (the published outflow split is 50/50, the FTE split is not an
    outcome). UWV's predicted probabilities come from Beta distributions: for the coached
    with mean equal to their Bijstand share, for everyone else with the mean that makes the
    whole cohort's mean the published 2017 prediction. Realised inflow follows the
    prediction (coached: the Bijstand entrants are drawn with weights ``p``; others:
    Bernoulli(``p``)): the synthetic programme has **no effect**. Work months lie in the
    coaching window (the cohort month and up to ``coaching_months`` before, not before the
    team started), with exactly the published number from January to June 2017.
    """
    t = cohort_targets(published.load("wwatwork", "effect_study"))
    rng = np.random.default_rng(seed)
    months = pd.date_range(end=LAST_COHORT, periods=t.months, freq="MS")
    cohort_month = np.repeat(months.to_numpy(), rng.multinomial(t.n, [1 / t.months] * t.months))
    region = rng.permutation(np.array(["noord"] * t.noord + ["zuid"] * (t.n - t.noord), dtype=object))

    invited = np.zeros(t.n, dtype=bool)
    attended = np.zeros(t.n, dtype=bool)
    coached = np.zeros(t.n, dtype=bool)
    bijstand = np.zeros(t.n, dtype=bool)
    predicted = np.zeros(t.n)
    shares = {"noord": t.noord / t.n}
    shares["zuid"] = 1 - shares["noord"]
    m_coached = t.bijstand_coached / t.coached
    m_other = (t.mean_predicted * t.n - t.bijstand_coached) / (t.n - t.coached)
    for r in REGIONS:
        first = r == REGIONS[0]
        people = np.flatnonzero(region == r)
        inv = rng.choice(people, _part(t.invited, shares, r), replace=False)
        att = rng.choice(inv, _part(t.attended, shares, r), replace=False)
        coa = rng.choice(att, _part(t.coached, shares, r), replace=False)
        invited[inv], attended[att], coached[coa] = True, True, True
        predicted[coa] = rng.beta(m_coached * BETA_CONCENTRATION, (1 - m_coached) * BETA_CONCENTRATION, len(coa))
        n_work = t.work_noord if first else t.found_work - t.work_noord
        weights = predicted[coa] / predicted[coa].sum()
        bijstand[rng.choice(coa, len(coa) - n_work, replace=False, p=weights)] = True
    others = np.flatnonzero(~coached)
    predicted[others] = rng.beta(m_other * BETA_CONCENTRATION, (1 - m_other) * BETA_CONCENTRATION, len(others))
    bijstand[others] = rng.random(len(others)) < predicted[others]
    predicted = np.clip(np.round(predicted, 4), 0.0001, 0.9999)

    work = np.flatnonzero(coached & ~bijstand)
    found_work = pd.array([pd.NA] * t.n, dtype="boolean")
    found_work[coached] = ~bijstand[coached]
    attribution = np.full(t.n, None, dtype=object)
    team = rng.choice(work, round_half_up(TEAM_ATTRIBUTION_SHARE * len(work)), replace=False)
    attribution[work] = "possibly_team"
    attribution[team] = "team"
    work_month = np.full(t.n, np.datetime64("NaT"), dtype="datetime64[ns]")
    work_month[work] = _work_months(pd.DatetimeIndex(cohort_month[work]), t, rng)

    frame = pd.DataFrame({
        "cohort_month": pd.DatetimeIndex(cohort_month), "region": region, "invited": invited,
        "attended": attended, "coached": coached, "found_work": found_work, "work_month": work_month,
        "attribution": attribution, "bijstand_inflow": bijstand, "predicted_inflow": predicted,
    })
    frame.insert(0, "person_id", [f"WW{i:05d}" for i in rng.permutation(t.n) + 1])
    return frame.sort_values("person_id", ignore_index=True)


def _part(total: int, shares: dict[str, float], region: str) -> int:
    """``total`` split over the regions by ``shares`` (the first region rounded half up, the
    second the rest)."""
    first = round_half_up(total * shares[REGIONS[0]])
    return first if region == REGIONS[0] else total - first


def _work_months(cohort_month: pd.DatetimeIndex, t: CohortTargets, rng: np.random.Generator) -> np.ndarray:
    """A month of finding work per person: the cohort month or up to ``coaching_months``
    before, not before the team started; exactly ``t.work_in_window`` in the published window."""
    start, (w_from, w_to) = pd.Timestamp(TEAM_START), pd.to_datetime(WORK_WINDOW)
    options = [[m for m in (c - pd.DateOffset(months=k) for k in range(t.coaching_months + 1)) if m >= start]
               for c in cohort_month]
    inside = [[w_from <= m <= w_to for m in opts] for opts in options]
    must = np.array([all(i) for i in inside])
    flexible = np.flatnonzero(np.array([any(i) and not all(i) for i in inside]))
    need = t.work_in_window - int(must.sum())
    if not 0 <= need <= len(flexible):
        raise ValueError(f"cannot place {t.work_in_window} work months in the window")
    into = must.copy()
    into[rng.choice(flexible, need, replace=False)] = True
    chosen = []
    for opts, ins, want in zip(options, inside, into):
        pool = [m for m, i in zip(opts, ins) if i == want]
        chosen.append(pool[rng.integers(len(pool))])
    return pd.DatetimeIndex(chosen).to_numpy()
