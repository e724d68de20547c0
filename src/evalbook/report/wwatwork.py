"""The WW@Work chapter for readers: the funnel, realised against predicted inflow and the Den
Bosch comparison as Dutch tables, figures and the numbers of the prose.

Everything here takes released results (:class:`evalbook.disclosure.wwatwork.Released`) or
published aggregates; a hidden value is shown as an en dash (or "onderdrukt" in the prose).
The Rijnmond labour-market tables are in :mod:`evalbook.report.context`.
"""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import pandas as pd

from ..analysis import published
from ..analysis.codes import FUNNEL_BASE as BASE
from ..disclosure.wwatwork import Released
from . import figures as style
from . import format as fmt
from . import verdict
from .tables import Table
from .text import STATUS_LABELS, SUPPRESSED, lower_first, month, readable

STEP_LABELS = {
    "cohort": "Einde WW in de periode (max-WW'ers)",
    "invited": "Uitgenodigd voor voorlichting",
    "attended": "Naar de voorlichtingsbijeenkomst",
    "coached": "Gecoacht door WW@Work",
    "found_work": "Gecoacht en werk gevonden",
    "bijstand": "Gecoacht en toch in de bijstand",
}
BASE_NAMES = {  # the base of a step's percentage, as the table names it
    "cohort": "einde WW in de periode",
    "invited": "uitgenodigd",
    "attended": "naar de voorlichting",
    "coached": "gecoacht",
}
REGION_LABELS = {"noord": "Noord", "zuid": "Zuid"}
GROUP_LABELS = {"total": "Iedereen", "coached": "Gecoacht", "not_coached": "Niet gecoacht", **REGION_LABELS}
CITY_LABELS = {"den_bosch": "Den Bosch", "rotterdam": "Rotterdam", "did": "Verschil Den Bosch − Rotterdam"}

FIGURE_LABELS = {
    "leaving_ww_per_month": "WW-uitstroom per maand (Rotterdam)",
    "maxww_share_noord": "Aandeel Noord in de max-WW-groep",
    "maxww_share_zuid": "Aandeel Zuid in de max-WW-groep",
    "attended_information_meeting": "Opkomst voorlichtingsbijeenkomst (van de uitgenodigden)",
    "coached_cumulative": "Klantenbestand WW@Work eind 2017",
    "found_work_cumulative": "Uitgestroomd (werk) eind 2017",
    "found_work_jan_jun_2017": "Werk gevonden januari–juni 2017",
    "conversion_work": "Conversie naar werk (van de deelnemers)",
    "into_bijstand": "Toch in de bijstand (van de deelnemers)",
    "outflow_share_noord": "Aandeel Noord in de uitstroom",
    "outflow_share_zuid": "Aandeel Zuid in de uitstroom",
    "inflow_rate_reduction_den_bosch": "Den Bosch: relatieve daling doorstroompercentage",
    "bijstand_reduction_per_year_den_bosch": "Den Bosch: minder in de bijstand per jaar",
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
    "maxww_share_noord": "cohort",
    "maxww_share_zuid": "cohort",
    "attended_information_meeting": "opgekomen / uitgenodigd",
    "coached_cumulative": "gecoacht",
    "found_work_cumulative": "gecoacht en werk",
    "found_work_jan_jun_2017": "gecoacht en werk, maand van werk januari t/m juni 2017",
    "conversion_work": "werk / gecoacht",
    "into_bijstand": "Bijstand / gecoacht",
    "outflow_share_noord": "werk (gecoacht) naar regio",
    "outflow_share_zuid": "werk (gecoacht) naar regio",
    "inflow_rate_reduction_den_bosch": "(voorspeld − gerealiseerd) / voorspeld",
    "bijstand_reduction_per_year_den_bosch": "(voorspeld − gerealiseerd) × WW-uitstromers",
    "t2_labour_force_rijnmond": "werkend + werkloos",
    "labour_force_rijnmond_text": "werkend + werkloos",
    "unemployment_rate_rijnmond": "werkloos / beroepsbevolking",
    "labour_force_rijnmond_2018": "2016 + groei",
    "gross_participation_rate_2018": "beroepsbevolking 2018 / potentiële beroepsbevolking",
    "t2_disability_count_rijnmond": "Wajong + WAO + WIA",
    "t2_disability_share_nederland": "Wajong + WAO + WIA (aandelen)",
}


# -- tables -------------------------------------------------------------------------------


def comparison_display(side: pd.DataFrame) -> Table:
    """Published beside reproduced, with the interval the printed text allows; a reproduced
    percentage gets one decimal more than the printed one. A reproduction from rounded
    figures (columns ``low``, ``high``) also shows every value their rounding allows, the
    interval its agreement rests on."""
    rows = []
    for _, r in side.iterrows():
        decimals = (1 if float(r["value"]).is_integer() else 2) if r["unit"] == "percent" else 0
        row = {
            "Cijfer": FIGURE_LABELS.get(r["figure_id"], r["figure_id"]),
            "Gepubliceerd": readable(r["printed"]),
            "Toegestaan": f"{_bound(r['lower'])} – {_bound(r['upper'])}",
            "Gereproduceerd": _value(r["reproduced"], r["unit"], decimals),
        }
        if "low" in side:
            row["Mogelijk door afronding"] = (
                f"{_value(r['low'], r['unit'], decimals)} – {_value(r['high'], r['unit'], decimals)}"
            )
        rows.append(
            row
            | {
                "Berekend als": HOW_REPRODUCED.get(r["figure_id"], "deel / totaal"),
                "Overeenkomst": STATUS_LABELS[r["status"]],
            }
        )
    return Table(pd.DataFrame(rows))


def derived_display(derived: pd.DataFrame, alpha: float) -> Table:
    """The report's claims about Den Bosch beside what its own rounded rates allow
    (:func:`evalbook.analysis.wwatwork.derived_figures`, computed at ``alpha``): the claim read as
    rounded numbers, the rounding interval and the sampling interval of the derived figure."""
    rows = []
    for _, r in derived.iterrows():
        decimals = 1 if r["unit"] == "percent" else 0
        rows.append(
            {
                "Cijfer": FIGURE_LABELS[r["figure_id"]],
                "Gepubliceerd": readable(r["printed"]),
                "Toegestaan (afgerond)": _range(r["claim_low"], r["claim_high"], r["unit"], 1),
                "Uit 6,6% en 4,7%": _value(r["reproduced"], r["unit"], decimals),
                "Mogelijk door afronding": _range(r["low"], r["high"], r["unit"], decimals),
                f"{fmt.confidence(alpha)}-steekproefinterval": _range(
                    r["sampling_low"], r["sampling_high"], r["unit"], decimals
                ),
                "Berekend als": HOW_REPRODUCED[r["figure_id"]],
                "Overeenkomst": STATUS_LABELS[r["status"]],
            }
        )
    return Table(pd.DataFrame(rows))


def _bound(x) -> str:
    """A bound with up to two decimals, trailing zeros dropped (``8,15``, ``685.000``)."""
    return fmt.number(x, 2).rstrip("0").rstrip(",")


def _value(x, unit: str, decimals: int) -> str:
    return fmt.percent(x, decimals) if unit == "percent" else fmt.number(x, decimals)


def _range(low, high, unit: str, decimals: int) -> str:
    """``27,5–30,1%`` or ``91–103``."""
    suffix = "%" if unit == "percent" else ""
    return f"{fmt.number(low, decimals)}–{fmt.number(high, decimals)}{suffix}"


def funnel_table(funnel: pd.DataFrame) -> pd.DataFrame:
    """The released funnel with each step's Dutch label, as the chapter's downloadable table."""
    return funnel.assign(label=funnel["step"].map(STEP_LABELS))[["step", "label", *funnel.columns[1:]]]


def funnel_display(funnel: pd.DataFrame) -> Table:
    """The funnel in Dutch notation: count and the percentage of the step it follows from (its
    base, named in the table), in all of Rotterdam and per region."""
    rows = []
    for _, r in funnel.iterrows():
        base = BASE[r["step"]]
        row = {
            "Stap": STEP_LABELS[r["step"]],
            "Percentage van": BASE_NAMES[base] if base else fmt.MISSING,
            "Aantal": fmt.number(r["count"]),
            "%": fmt.percent(r["percent"], 1),
        }
        for region, label in REGION_LABELS.items():
            row |= {label: fmt.number(r[f"count_{region}"]), f"% {label}": fmt.percent(r[f"percent_{region}"], 1)}
        rows.append(row)
    return Table(pd.DataFrame(rows))


def _holm(tests: pd.DataFrame, table: str) -> pd.Series:
    """The Holm-adjusted p-values of one table's tests (:func:`evalbook.analysis.wwatwork.test_family`), by key."""
    return tests[tests["table"] == table].set_index("key")["p_holm"]


def ovp_display(ovp: pd.DataFrame, alpha: float, tests: pd.DataFrame) -> Table:
    """Realised against predicted inflow per group (intervals at level ``alpha``), with the
    p-value corrected over the chapter's tests (``tests``: :func:`evalbook.analysis.wwatwork.test_family`)."""
    holm = _holm(tests, "ovp")
    rows = [
        {
            "Groep": GROUP_LABELS[r["group"]],
            "n": fmt.number(r["n"]),
            "Gerealiseerd": fmt.percent(r["realised"], 1),
            "Voorspeld (UWV)": fmt.percent(r["predicted"], 1),
            "Verschil": fmt.pp(r["diff"], 1),
            f"{fmt.confidence(alpha)}-BI": fmt.interval(r["ci_low"], r["ci_high"], 1),
            "p": fmt.p_value(r["p_value"]).removeprefix("p = "),
            "p (Holm)": fmt.p_value(holm.get(r["group"])).removeprefix("p = "),
        }
        for _, r in ovp.iterrows()
    ]
    return Table(pd.DataFrame(rows))


def did_display(did: pd.DataFrame, alpha: float, tests: pd.DataFrame) -> Table:
    """Predicted and realised doorstroom per city and the difference in differences (intervals
    at level ``alpha``), with the p-value corrected over the chapter's tests (``tests``)."""
    holm = _holm(tests, "did")
    rows = []
    for _, r in did.iterrows():
        city = r["unit"] != "did"
        rows.append(
            {
                "": CITY_LABELS[r["unit"]],
                "Voorspeld": fmt.percent(r["predicted"], 1) if city else "",
                "Gerealiseerd": fmt.percent(r["realised"], 1) if city else "",
                "Instroom": fmt.number(r["count"]) if city else "",
                "WW-uitstromers (afgeleid)": fmt.number(r["population"]) if city else "",
                "Verschil": fmt.pp(r["diff"], 1),
                f"{fmt.confidence(alpha)}-BI": fmt.interval(r["ci_low"], r["ci_high"], 2),
                "p": fmt.p_value(r["p_value"]).removeprefix("p = "),
                "p (Holm)": fmt.p_value(holm.get(r["unit"])).removeprefix("p = "),
                f"{fmt.confidence(alpha)}-BI (voorspelling vast)": fmt.interval(
                    r["ci_low_known"], r["ci_high_known"], 2
                ),
            }
        )
    return Table(pd.DataFrame(rows))


def assumptions_display(frame: pd.DataFrame) -> Table:
    """The assumptions behind the synthetic cohort: what each is (its Dutch ``label``), its
    value in Dutch notation and the reason."""

    def value(r) -> str:  # a number with as many decimals as written
        if r["kind"] != "number":
            return r["value"]
        return fmt.number(float(r["value"]), len(r["value"].partition(".")[2]))

    labels = frame["label"] if "label" in frame else frame["parameter"]
    return Table(
        pd.DataFrame(
            {
                "Aanname": labels.fillna(frame["parameter"]),
                "Waarde": [value(r) for _, r in frame.iterrows()],
                "Reden": frame["reason"],
            }
        )
    )


# -- figures ------------------------------------------------------------------------------


def funnel_plot(funnel: pd.DataFrame):
    """Horizontal bars per funnel step, split by region, labelled with the total count and the
    percentage of the step it follows from (hidden cells get no bar and no label)."""
    data = funnel.iloc[::-1].reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(7.8, 0.55 * len(data) + 1.4))
    left = None
    for region, colour in zip(REGION_LABELS, ("#4393c3", "#d6604d"), strict=True):
        width = data[f"count_{region}"].astype("Float64").fillna(0).to_numpy(dtype=float)
        ax.barh(range(len(data)), width, left=left, color=colour, label=REGION_LABELS[region])
        left = width if left is None else left + width
    for y, (_, r) in enumerate(data.iterrows()):
        if pd.isna(r["count"]):
            continue
        share = "" if pd.isna(r["percent"]) or not BASE[r["step"]] else f" ({fmt.percent(r['percent'], 0)})"
        ax.text(left[y], y, f"  {fmt.number(r['count'])}{share}", va="center", fontsize="small")
    ax.set_yticks(range(len(data)), [textwrap.fill(STEP_LABELS[step], 24) for step in data["step"]])
    ax.set_xlabel("Aantal personen (tussen haakjes: percentage van de stap waaruit zij volgen)")
    style.dutch_axis(ax.xaxis)
    ax.set_xlim(0, 1.45 * float(left.max()))
    ax.legend(loc="lower right")
    return style.finish(fig)


def did_plot(did: pd.DataFrame, alpha: float):
    """Left: predicted and realised doorstroom per city. Right: the differences (pp) with
    their intervals at level ``alpha``, the difference in differences last."""
    fig, (left, right) = plt.subplots(2, 1, figsize=(7.8, 5.6))
    cities = did[did["unit"] != "did"].reset_index(drop=True)
    for y, (_, r) in enumerate(cities.iterrows()):
        left.annotate(
            "",
            xy=(r["realised"], y),
            xytext=(r["predicted"], y),
            arrowprops={"arrowstyle": "->", "color": style.NEUTRAL},
        )
        left.plot(r["predicted"], y, "o", color="#92c5de", label="voorspeld (UWV)" if y == 0 else None)
        left.plot(r["realised"], y, "o", color=style.HIGHLIGHT, label="gerealiseerd" if y == 0 else None)
    left.set_yticks(range(len(cities)), cities["unit"].map(CITY_LABELS))
    left.set_ylim(-0.6, len(cities) - 0.4)
    left.set_xlim(0, 1.15 * float(cities[["predicted", "realised"]].to_numpy().max()))
    left.set_xlabel("Doorstroom WW → bijstand (%)")
    style.dutch_axis(left.xaxis)
    left.legend(loc="upper left", fontsize="small")
    data = did.iloc[::-1].reset_index(drop=True)
    for y, (_, r) in enumerate(data.iterrows()):
        right.errorbar(
            r["diff"],
            y,
            xerr=[[r["diff"] - r["ci_low"]], [r["ci_high"] - r["diff"]]],
            fmt="o",
            color=style.HIGHLIGHT if r["unit"] == "did" else style.NEUTRAL,
            elinewidth=2,
            capsize=3,
        )
    right.axvline(0, color="black", linewidth=1)
    right.set_yticks(
        range(len(data)), ["Den Bosch − Rotterdam" if u == "did" else CITY_LABELS[u] for u in data["unit"]]
    )
    right.set_xlabel(f"Gerealiseerd − voorspeld (procentpunt, {fmt.confidence(alpha)}-BI)")
    style.dutch_axis(right.xaxis, 1)
    return style.finish(fig)


# -- the numbers of the prose -------------------------------------------------------------


def status_counts(side: pd.DataFrame) -> dict[str, str]:
    """How many published figures agree, differ, or are missing or hidden."""
    counts = side["status"].value_counts()
    return {
        "total": str(len(side)),
        "agree": str(int(counts.get(published.STATUS_AGREES, 0))),
        "differ": str(int(counts.get(published.STATUS_DIFFERS, 0))),
        "missing": str(int(counts.get(published.STATUS_MISSING, 0)) + int(counts.get(published.STATUS_SUPPRESSED, 0))),
    }


def glue_values(
    released: Released,
    did: pd.DataFrame,
    did_side: pd.DataFrame,
    labour_side: pd.DataFrame,
    transitions: pd.DataFrame,
    rotterdam: dict[str, float],
    alpha: float,
    min_cell_size: int,
    tests: pd.DataFrame,
) -> dict[str, str]:
    """Every number the chapter's prose states, as Dutch text: the cohort's from the released
    results (``released``, hidden counts as "onderdrukt"), the rest from published figures;
    ``rotterdam`` from :func:`evalbook.analysis.labour_market.rotterdam_2016`; ``tests``: the
    chapter's tests with Holm's correction (:func:`evalbook.analysis.wwatwork.test_family`),
    stated with the family they ran over (``holm_family``, ``holm_family_sentence``)."""
    values: dict[str, str] = {}
    f = released.funnel.set_index("step")
    for step in f.index:
        count = f.loc[step, "count"]
        values[f"funnel_{step}_count"] = fmt.number(count) if pd.notna(count) else SUPPRESSED
        values[f"funnel_{step}_pct"] = fmt.percent(f.loc[step, "percent"], 1)
    values["cohort_first"] = month(released.first_month)
    values["cohort_last"] = month(released.last_month)
    values["cohort_months"] = str(released.months)
    rep = released.comparison.set_index("figure_id")["reproduced"]
    values["per_month"] = fmt.number(rep["leaving_ww_per_month"], 0)
    values["window_work_count"] = fmt.number(rep["found_work_jan_jun_2017"], 0)
    for key, side in (("funnel", released.comparison), ("did", did_side), ("labour", labour_side)):
        for name, text in status_counts(side).items():
            values[f"{key}_{name}"] = text
        for _, r in side.iterrows():
            values[f"pub_{r['figure_id']}"] = lower_first(readable(r["printed"]))
    for _, r in transitions.iterrows():
        values[f"pub_{r['rate_id']}"] = lower_first(readable(r["rate_printed"]))
        if pd.notna(r["count_id"]):
            values[f"pub_{r['count_id']}"] = readable(r["count_printed"])
    o = released.ovp.set_index("group")
    for g in o.index:
        values[f"ovp_{g}_realised"] = fmt.percent(o.loc[g, "realised"], 1)
        values[f"ovp_{g}_predicted"] = fmt.percent(o.loc[g, "predicted"], 1)
        values[f"ovp_{g}_diff"] = fmt.pp(o.loc[g, "diff"], 1)
        values[f"ovp_{g}_ci"] = fmt.interval(o.loc[g, "ci_low"], o.loc[g, "ci_high"], 1)
        values[f"ovp_{g}_p"] = fmt.p_value(o.loc[g, "p_value"])
        values[f"ovp_{g}_holm"] = fmt.p_value(_holm(tests, "ovp").get(g))
    d = did.set_index("unit")
    did_holm = _holm(tests, "did")
    for unit in d.index:
        values[f"did_{unit}_diff"] = fmt.pp(d.loc[unit, "diff"], 1)
        values[f"did_{unit}_ci"] = fmt.interval(d.loc[unit, "ci_low"], d.loc[unit, "ci_high"], 2)
        values[f"did_{unit}_p"] = fmt.p_value(d.loc[unit, "p_value"])
        values[f"did_{unit}_ci_known"] = fmt.interval(d.loc[unit, "ci_low_known"], d.loc[unit, "ci_high_known"], 2)
        values[f"did_{unit}_p_known"] = fmt.p_value(d.loc[unit, "p_value_known"])
        values[f"did_{unit}_holm"] = fmt.p_value(did_holm.get(unit))
        values[f"did_{unit}_verdict"] = verdict.verdict(
            d.loc[unit, "diff"], d.loc[unit, "p_value"], alpha, did_holm.get(unit)
        )
        if unit != "did":
            values[f"did_{unit}_predicted"] = fmt.percent(d.loc[unit, "predicted"], 1)
            values[f"did_{unit}_realised"] = fmt.percent(d.loc[unit, "realised"], 1)
            values[f"did_{unit}_count"] = fmt.number(d.loc[unit, "count"])
            values[f"did_{unit}_population"] = fmt.number(d.loc[unit, "population"])
            values[f"did_{unit}_relative"] = fmt.percent(-d.loc[unit, "relative"], 1)
    derived = did_side.set_index("figure_id")
    values["did_db_per_year"] = fmt.number(derived.loc["bijstand_reduction_per_year_den_bosch", "reproduced"], 0)
    for key, figure_id, decimals in (
        ("reduction", "inflow_rate_reduction_den_bosch", 1),
        ("persons", "bijstand_reduction_per_year_den_bosch", 0),
    ):
        r = derived.loc[figure_id]
        values[f"did_{key}_claim"] = _range(r["claim_low"], r["claim_high"], r["unit"], 1)
        values[f"did_{key}_rounding"] = _range(r["low"], r["high"], r["unit"], decimals)
        values[f"did_{key}_sampling"] = _range(r["sampling_low"], r["sampling_high"], r["unit"], decimals)
        values[f"did_{key}_status"] = STATUS_LABELS[r["status"]]
    values["rotterdam_share_of_rijnmond"] = fmt.percent(rotterdam["share_of_rijnmond"], 0)
    values["leavers_rotterdam_2016"] = fmt.number(rotterdam["leavers"], 0)
    values["leavers_rotterdam_2016_month"] = fmt.number(rotterdam["leavers_per_month"], 0)
    values["alpha"] = fmt.level(alpha)
    values["confidence"] = fmt.confidence(alpha)
    values["min_cell_size"] = fmt.number(min_cell_size)
    family = verdict.family(tests["p_value"], tests.index[tests["p_value"].isna()])
    values["holm_family"] = fmt.number(family.size)
    values["holm_family_sentence"] = verdict.family_sentence(family)
    return values
