"""The context for readers: the Arnhem startfoto, the Rotterdam client journey and the
Rijnmond labour market (Tabel 2, doorstroom) as Dutch tables, bar charts and the numbers of
the prose. The two diagrams (Sankey, journey) are in :mod:`evalbook.report.diagrams`.

Inputs are the results of :mod:`evalbook.analysis.arnhem`, :mod:`evalbook.analysis.journey`
and :mod:`evalbook.analysis.labour_market` beside the transcribed figures they check (for the
numbers as printed). All are published aggregates: no disclosure control applies.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from ..analysis import journey
from ..analysis.arnhem import Startfoto, departments, placed, unplaced
from ..analysis.labour_market import LabourMarket
from ..schemas.context import CHALLENGES, MATRIX_MARK
from . import figures as style
from . import format as fmt
from .tables import Table
from .text import join, readable

YES, NO = "ja", "nee"
AGREES, DIFFERS = "klopt", "klopt niet"


def _yes_no(value) -> str:
    return YES if bool(value) else NO


# -- Arnhem: organisation -----------------------------------------------------------------


def organisation_display(parts: pd.DataFrame) -> Table:
    """Every unit with parts against the sum of its parts' fte."""
    frame = pd.DataFrame(
        {
            "Eenheid": parts["unit"],
            "fte (gedrukt)": parts["fte"].map(fmt.number),
            "Aantal onderdelen": parts["parts"].map(fmt.number),
            "Som van de onderdelen": parts["parts_fte"].map(fmt.number),
            "Klopt binnen afronding": parts["agrees"].map(_yes_no),
        }
    )
    return Table(frame)


def organisation_plot(units: pd.DataFrame):
    """The departments' fte as bars, coloured by onderdeel, largest first within it."""
    onderdelen = units[units["level"] == "onderdeel"].set_index("unit_id")
    parts = units[units["level"].isin(("afdeling", "staf"))].copy()
    parts["order"] = parts["parent"].map({u: i for i, u in enumerate(onderdelen.index)})
    parts = parts.sort_values(["order", "fte"], ascending=[True, False]).iloc[::-1]
    colours = dict(zip(onderdelen.index, ("#2166ac", style.HIGHLIGHT, style.NEUTRAL, "#1b7837"), strict=False))
    fig, ax = plt.subplots(figsize=(8, 0.42 * len(parts) + 1.4))
    ax.barh(range(len(parts)), parts["fte"], color=[colours[p] for p in parts["parent"]])
    for y, value in enumerate(parts["fte"]):
        ax.text(value + 0.5, y, fmt.number(value), va="center", fontsize="small")
    ax.set_yticks(range(len(parts)), parts["unit"])
    ax.set_xlabel("fte")
    style.dutch_axis(ax.xaxis)
    handles = [plt.Rectangle((0, 0), 1, 1, color=colours[u]) for u in onderdelen.index]
    labels = [f"{r['unit']} ({fmt.number(r['fte'])} fte)" for _, r in onderdelen.iterrows()]
    ax.legend(handles, labels, loc="lower right", frameon=False)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return style.finish(fig)


# -- Arnhem: client flows -----------------------------------------------------------------

KIND_LABELS = {
    "exact": "exact",
    "rounded": "afgerond op honderdtallen",
    "about": "ongeveer (±)",
    "below": "bovengrens (<)",
    "range": "bereik",
}
BASIS_LABELS = {"text": "in de tekst genoemd", "reconstructed": "gereconstrueerd", "unplaced": "niet te plaatsen"}


def _interval(lower, upper) -> str:
    return f"{fmt.number(lower)}–{fmt.number(upper)}"


def flows_display(flows: pd.DataFrame) -> Table:
    """Every number of the stroomschema, placed or not."""
    frame = pd.DataFrame(
        {
            "Van": flows["from_node"].fillna(fmt.MISSING),
            "Naar": flows["to_node"].fillna(fmt.MISSING),
            "Gedrukt": flows["printed"],
            "Soort": flows["kind"].map(KIND_LABELS),
            "Interval": [_interval(lo, hi) for lo, hi in zip(flows["lower"], flows["upper"], strict=True)],
            "Plaatsing": flows["basis"].map(BASIS_LABELS),
        }
    )
    return Table(frame)


def balance_display(balance: pd.DataFrame) -> Table:
    """In- and outflow per box that has something to check."""
    checked = balance[(balance["in_flows"] > 0) & ((balance["out_flows"] > 0) | balance["total"].notna())]
    frame = pd.DataFrame(
        {
            "Onderdeel": checked["node"],
            "Instroom": [_interval(lo, hi) for lo, hi in zip(checked["in_lower"], checked["in_upper"], strict=True)],
            "Uitstroom": [
                _interval(lo, hi) if n else fmt.MISSING
                for lo, hi, n in zip(checked["out_lower"], checked["out_upper"], checked["out_flows"], strict=True)
            ],
            "Totaal in het schema": checked["total"].fillna(fmt.MISSING),
            "Sluit": checked["consistent"].map(_yes_no),
        }
    )
    return Table(frame)


def text_display(comparison: pd.DataFrame) -> Table:
    """Flows the text states against the diagram."""
    frame = pd.DataFrame(
        {
            "Stroom": comparison["from_node"] + " → " + comparison["to_node"],
            "In het schema": comparison["diagram"],
            "In de tekst": comparison["text"],
            "Overlapt": comparison["agrees"].map(_yes_no),
        }
    )
    return Table(frame)


# -- Arnhem: key figures, conclusions, randvoorwaarden ------------------------------------

FIGURE_LABELS = {
    "bap_success_ratio": "Succesratio Bemiddelen aan de Poort (BAP)",
    "szeebra_registered": "Inwoners geregistreerd in Szeebra",
    "szeebra_applications": "Sollicitaties van inwoners via Szeebra",
    "indicators": "Indicatoren in de managementinformatie",
    "primary_process_time": "Tijd van werkconsulenten voor het primaire proces",
    "roles_werk": "Rollen/functies binnen Werk",
    "n_departments": "Afdelingen",
    "ambition_reduction": "Ambitie: daling bijstand bovenop de landelijke trend",
}


def key_figures_display(figures: pd.DataFrame) -> Table:
    """The startfoto's key figures as printed, with their intervals."""
    shown = figures[figures["figure_id"].isin(FIGURE_LABELS)]

    def bounds(lo, hi):
        if lo == hi:
            return fmt.number(lo)
        return f"{fmt.number(lo, 1 if lo % 1 else 0)}–{fmt.number(hi, 1 if hi % 1 else 0)}"

    frame = pd.DataFrame(
        {
            "Kerncijfer": shown["figure_id"].map(FIGURE_LABELS),
            "Zoals gedrukt": shown["printed"].map(readable),
            "Interval": [bounds(lo, hi) for lo, hi in zip(shown["lower"], shown["upper"], strict=True)],
            "Vindplaats": shown["section"],
        }
    )
    return Table(frame)


def conclusions_display(conclusions: pd.DataFrame, kind: str) -> Table:
    """The conclusions (``kind="conclusie"``) or the four opgaven (``"opgave"``)."""
    shown = conclusions[conclusions["kind"] == kind]
    if kind == "opgave":
        frame = pd.DataFrame(
            {
                "Opgave": shown["number"].map(fmt.number),
                "Kort": shown["label"],
                "Uit het rapport": shown["quote"].map(readable),
            }
        )
        return Table(frame)
    frame = pd.DataFrame(
        {"Nr.": shown["number"].map(fmt.number), "Thema": shown["theme"], "Conclusie": shown["quote"].map(readable)}
    )
    return Table(frame)


def matrix_display(matrix: pd.DataFrame, conclusions: pd.DataFrame) -> Table:
    """The randvoorwaarden under pressure against the four opgaven (``?``: not in the text version)."""
    labels = conclusions[conclusions["kind"] == "opgave"].set_index("number")["label"]
    frame = pd.DataFrame({"Randvoorwaarde (Bijlage A)": matrix["rv_id"] + " " + matrix["label"]})
    for i, column in enumerate(CHALLENGES, start=1):
        frame[f"{i}. {labels.get(i, '')}"] = matrix[column].map(
            lambda v: "?" if pd.isna(v) else (MATRIX_MARK if v else "")
        )
    frame["Aantal opgaven"] = matrix["marks"].map(fmt.number)
    return Table(frame)


def randvoorwaarden_display(randvoorwaarden: pd.DataFrame, matrix: pd.DataFrame) -> Table:
    """Every randvoorwaarde of Bijlage A and whether the startfoto puts it under pressure."""
    frame = pd.DataFrame(
        {
            "Nr.": randvoorwaarden["rv_id"],
            "Randvoorwaarde": randvoorwaarden["text"].map(readable),
            "Voor": randvoorwaarden["part"].map(
                {"proces": "het oplossingenproces", "oplossingen": "de oplossingen zelf"}
            ),
            "Tussen haakjes": randvoorwaarden["bracketed"].map(_yes_no),
            "Onder druk": randvoorwaarden["rv_id"].isin(set(matrix["rv_id"])).map(_yes_no),
        }
    )
    return Table(frame)


ARNHEM_PRINTED = (
    "bap_success_ratio",
    "szeebra_registered",
    "szeebra_applications",
    "primary_process_time",
    "bap_count_text",
    "not_bap_count_text",
    "within_year_text",
    "not_within_year_text",
    "diagnose_total",
    "indicators",
    "ambition_reduction",
    "partner_share",
)


def arnhem_glue_values(
    units: pd.DataFrame, figures: pd.DataFrame, flows: pd.DataFrame, matrix: pd.DataFrame, startfoto: Startfoto
) -> dict[str, str]:
    """Every number the Arnhem chapter's prose states, as Dutch text."""
    f = figures.set_index("figure_id")
    u = units.set_index("unit_id")
    parts = startfoto.parts.set_index("unit_id")
    left_out = unplaced(flows)
    values = {
        "fte_total": fmt.number(u.loc["cluster", "fte"]),
        "departments_total": fmt.number(f.loc["n_departments", "value"]),
        "departments_listed": fmt.number(len(departments(units))),
        "fte_werk": fmt.number(u.loc["werk", "fte"]),
        "fte_inkomen": fmt.number(u.loc["inkomen", "fte"]),
        "fte_staf": fmt.number(u.loc["staf", "fte"]),
        "fte_sum_parts": fmt.number(parts.loc["cluster", "parts_fte"]),
        "fte_sum_units": fmt.number(startfoto.units_fte),
        "fte_sum_inkomen": fmt.number(parts.loc["inkomen", "parts_fte"]),
        "fte_parts_agree": AGREES if parts["agrees"].all() else DIFFERS,
        "numbers_total": fmt.number(len(flows) + len(startfoto.totals)),
        "placed_total": fmt.number(len(placed(flows))),
        "applications": flows.set_index("flow_id").loc["aanvraag_intake", "printed"],
        "placed_from_text": fmt.number(int((flows["basis"] == "text").sum())),
        "unplaced_total": fmt.number(len(left_out)),
        "unplaced_list": join(list(left_out["printed"]), empty="geen"),
        "balanced_total": fmt.number(int(startfoto.balance["consistent"].sum())),
        "nodes_total": fmt.number(len(startfoto.balance)),
        "text_agree": fmt.number(int(startfoto.comparison["agrees"].sum())),
        "text_total": fmt.number(len(startfoto.comparison)),
        "text_parts_agree": AGREES if startfoto.conclusion_two_adds_up else DIFFERS,
        "matrix_total": fmt.number(len(matrix)),
        "matrix_all_total": fmt.number(len(startfoto.marked_for_all)),
        "matrix_all_list": join(list(startfoto.marked_for_all["label"]), empty="geen"),
    }
    for fid in ARNHEM_PRINTED:
        values[fid] = f.loc[fid, "printed"]
    return values


# -- Rotterdam: client journey ------------------------------------------------------------

PROBLEMS = {
    journey.UNKNOWN_STEP: "link to unknown step {!r}",
    journey.UNLINKED_STEP: "step {!r} has no link",
    journey.CYCLE: "the diagram has a cycle through {!r}",
}


def journey_problems(problems: list[journey.Problem]) -> str:
    """The problems of :func:`evalbook.analysis.journey.check` as one message for the person
    running the book (English, like every error message)."""
    return "the client journey does not hold together: " + "; ".join(PROBLEMS[p.kind].format(p.step) for p in problems)


def steps_display(steps: pd.DataFrame) -> Table:
    """The steps of the journey, who takes them, when, and where the report says so."""
    frame = pd.DataFrame(
        {
            "Stap": steps["label"],
            "Wie": steps["organisation"],
            "Wanneer": steps["timing"].fillna(fmt.MISSING),
            "Vindplaats": steps["section"],
        }
    )
    return Table(frame)


QUANTITY_LABELS = {
    "inspanningsperiode_weeks": "Inspanningsperiode na de werkintake (weken)",
    "werkloont_duration": "Duur van WerkLoont (maanden)",
}


def disagreements_display(found: pd.DataFrame) -> Table:
    """The quantities the report states with incompatible values."""
    frame = pd.DataFrame(
        {
            "Gegeven": found["quantity"].map(lambda q: QUANTITY_LABELS.get(q, q)),
            "Zoals gedrukt": [" / ".join(p) for p in found["printed"]],
            "Vindplaatsen": [" / ".join(s) for s in found["sections"]],
        }
    )
    return Table(frame)


JOURNEY_PRINTED = (
    "invite_window",
    "intake_before_end",
    "inspanningsperiode_3_3_1",
    "inspanningsperiode_bijlage_1",
    "werkloont_duration_3_3_3",
    "werkloont_duration_bijlage_1",
    "werkloont_max_weeks",
    "staff_wwatwork",
    "staff_werkintake",
    "staff_burowerk",
    "staff_matching",
    "can_work_share",
)


def journey_glue_values(
    steps: pd.DataFrame, links: pd.DataFrame, figures: pd.DataFrame, found: pd.DataFrame, market: LabourMarket
) -> dict[str, str]:
    """Every number the client-journey chapter's prose states, as Dutch text."""
    f = figures.set_index("figure_id")
    s = market.shares.set_index("benefit")
    disability = market.parts.set_index(["quantity", "region"]).loc[("disability_recipients", "rijnmond")]
    values = {
        "steps_total": fmt.number(len(steps)),
        "links_total": fmt.number(len(links)),
        "disagreements_total": fmt.number(len(found)),
        "shares_agree": fmt.number(int(market.shares["agrees"].sum())),
        "shares_total": fmt.number(len(market.shares)),
        "parts_agree": fmt.number(int(market.parts["agrees"].sum())),
        "parts_total": fmt.number(len(market.parts)),
        "labour_force": fmt.number(market.labour_force),
        "disability_parts_sum": fmt.number(disability["parts_sum"]),
        "disability_total": fmt.number(disability["total"]),
    }
    for key in ("ww", "bijstand", "disability"):
        values[f"{key}_rijnmond"] = fmt.percent(s.loc[key, "share_rijnmond"], 1)
        values[f"{key}_nederland"] = fmt.percent(s.loc[key, "share_nederland"], 1)
        values[f"{key}_diff"] = fmt.pp(s.loc[key, "diff_pp"], 1)
    for fid in JOURNEY_PRINTED:
        values[fid] = f.loc[fid, "printed"]
    return values


# -- Rijnmond labour market ---------------------------------------------------------------

BENEFIT_LABELS = {
    "ww": "WW",
    "bijstand": "Bijstand tot AOW-leeftijd",
    "disability": "Arbeidsongeschikten",
    "wajong": "– waarvan Wajong",
    "wao": "– waarvan WAO",
    "wia": "– waarvan WIA",
}
PARTS_LABELS = {
    ("disability_recipients", "rijnmond"): "Arbeidsongeschikten, aantal Rijnmond",
    ("disability_share_labour_force", "rijnmond"): "Arbeidsongeschikten, aandeel Rijnmond",
    ("disability_share_labour_force", "nederland"): "Arbeidsongeschikten, aandeel Nederland",
    ("labour_force", "rijnmond"): "Beroepsbevolking = werkend + werkloos",
}
TRANSITION_LABELS = {
    "doorstroom_rate_nederland_intro": "Nederland (inleiding)",
    "doorstroom_rate_nederland": "Nederland (2016)",
    "doorstroom_rate_rijnmond": "Rijnmond (2016)",
    "doorstroom_rate_rotterdam_2016": "Rotterdam (2016)",
    "doorstroom_rate_westvoorne": "Westvoorne (2016)",
    "doorstroom_rate_albrandswaard": "Albrandswaard (2016)",
    "doorstroom_rate_barendrecht": "Barendrecht (2016)",
    "doorstroom_realised_rotterdam": "Rotterdam (2014, gerealiseerd)",
    "doorstroom_realised_den_bosch": "Den Bosch (2014, gerealiseerd)",
}


def tabel2_table(shares: pd.DataFrame) -> pd.DataFrame:
    """The recomputed Tabel 2 with each benefit's Dutch label, as a downloadable table."""
    return shares.assign(label=shares["benefit"].map(BENEFIT_LABELS))[["benefit", "label", *shares.columns[1:]]]


def tabel2_display(shares: pd.DataFrame) -> Table:
    """Tabel 2's shares, printed and recomputed, Rijnmond against Nederland."""
    frame = pd.DataFrame(
        {
            "Uitkering": shares["benefit"].map(BENEFIT_LABELS),
            "Aantal Rijnmond": shares["recipients"].map(fmt.number),
            "Aandeel Rijnmond": shares["share_rijnmond"].map(lambda v: fmt.percent(v, 1)),
            "Herberekend": shares["recomputed"].map(lambda v: fmt.percent(v, 2)),
            "Klopt": shares["agrees"].map(_yes_no),
            "Aandeel Nederland": shares["share_nederland"].map(lambda v: fmt.percent(v, 1)),
            "Rijnmond − Nederland": shares["diff_pp"].map(lambda v: fmt.pp(v, 1)),
        }
    )
    return Table(frame)


def tabel2_printed_display(labour: pd.DataFrame, market: LabourMarket) -> Table:
    """Tabel 2 as printed (``labour``: the published figures), with the Rijnmond share
    recomputed from the counts."""
    v = labour.set_index("figure_id")["printed"]
    recomputed = market.shares.set_index("benefit")["recomputed"]
    empty = {"Aandeel Rijnmond (gedrukt)": "", "Aandeel Rijnmond (herberekend)": "", "Aandeel Nederland (gedrukt)": ""}
    rows = [{"Uitkering": "Beroepsbevolking", "Rijnmond aantal": v["t2_labour_force_rijnmond"], **empty}]
    for key, label in BENEFIT_LABELS.items():
        rows.append(
            {
                "Uitkering": label,
                "Rijnmond aantal": v[f"t2_{key}_count_rijnmond"],
                "Aandeel Rijnmond (gedrukt)": v[f"t2_{key}_share_rijnmond"],
                "Aandeel Rijnmond (herberekend)": fmt.percent(recomputed[key], 2),
                "Aandeel Nederland (gedrukt)": v[f"t2_{key}_share_nederland"],
            }
        )
    return Table(pd.DataFrame(rows))


def tabel2_parts_display(parts: pd.DataFrame) -> Table:
    """Parts against totals in Tabel 2 and the labour force."""

    def show(value, unit):
        return fmt.percent(value, 1) if unit == "percent" else fmt.number(value)

    frame = pd.DataFrame(
        {
            "Controle": [PARTS_LABELS[key] for key in zip(parts["quantity"], parts["region"], strict=True)],
            "Totaal": [show(v, u) for v, u in zip(parts["total"], parts["unit"], strict=True)],
            "Som van de delen": [show(v, u) for v, u in zip(parts["parts_sum"], parts["unit"], strict=True)],
            "Klopt binnen afronding": parts["agrees"].map(_yes_no),
        }
    )
    return Table(frame)


def tabel2_plot(shares: pd.DataFrame):
    """Shares of the labour force, Rijnmond against Nederland, one pair of bars per benefit."""
    data = shares.iloc[::-1].reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(8, 0.6 * len(data) + 1.2))
    h = 0.38
    for offset, column, colour, label in (
        (h / 2, "share_rijnmond", "#2166ac", "Rijnmond"),
        (-h / 2, "share_nederland", "#bababa", "Nederland"),
    ):
        ax.barh([y + offset for y in range(len(data))], data[column], height=h, color=colour, label=label)
        for y, v in enumerate(data[column]):
            ax.text(v + 0.1, y + offset, fmt.percent(v, 1), va="center", fontsize="small")
    ax.set_yticks(range(len(data)), data["benefit"].map(BENEFIT_LABELS))
    ax.set_xlabel("Aandeel in de beroepsbevolking (%)")
    style.dutch_axis(ax.xaxis)
    handles, labels = ax.get_legend_handles_labels()
    ax.legend(handles[::-1], labels[::-1], loc="lower right", frameon=False)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return style.finish(fig)


def transitions_display(transitions: pd.DataFrame) -> Table:
    """The WW→Bijstand doorstroom rates with the WW leavers each printed count implies."""
    rows = [
        {
            "Gebied": TRANSITION_LABELS[r["rate_id"]],
            "Doorstroompercentage": fmt.percent(r["rate"], 1),
            "Doorstroom (aantal)": fmt.number(r["count"]),
            "WW-uitstromers (afgeleid: aantal / percentage)": fmt.number(r["leavers"], 0),
        }
        for _, r in transitions.iterrows()
    ]
    return Table(pd.DataFrame(rows))
