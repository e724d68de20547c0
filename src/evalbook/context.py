"""The context chapters: the Arnhem "startfoto" (organisation, client flows, conclusions,
randvoorwaarden) and the Rotterdam client journey (route WW → Bijstand, Rijnmond labour market).

The inputs are transcriptions of the source reports in ``data/context/`` (described in the
README there), each row with its source passage. This module holds their contracts, the
consistency checks (parts against totals, flows into and out of a node, the report's text
against its diagram, statements that contradict each other) and the presentation: Dutch tables
and three static matplotlib figures (organisation, Sankey diagram of the client flows, the
client journey as a flow diagram).

Approximate figures carry an interval (``lower``–``upper``: the rounding of a printed number,
"±", "<", a printed range). Checks work on these intervals: a sum of parts agrees with a total
when the interval of the sum overlaps the interval of the total. For exact counts this is the
plain equality (or, for flows, "out ≤ in").
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.patches import FancyBboxPatch, PathPatch
from matplotlib.path import Path as MplPath

from .analysis import published
from .core import contract as contracts, paths
from .schemas.context import (APPROXIMATE_KINDS, CHALLENGES, CONCLUSIONS, FLOWS, JOURNEY_LINKS, JOURNEY_STEPS, MATRIX,
                              MATRIX_MARK, ORGANISATION, RANDVOORWAARDEN)
from .report import format as fmt
from .report.text import join
from .report.tables import Table
from .schemas.published import PUBLISHED

# -- interval arithmetic ------------------------------------------------------------------

def sum_agrees(parts_lower, parts_upper, total_lower: float, total_upper: float) -> bool:
    """Whether parts whose true values lie in ``[lower, upper]`` can add up to a total in
    ``[total_lower, total_upper]``: the interval of the sum overlaps that of the total."""
    return float(sum(parts_lower)) <= total_upper and float(sum(parts_upper)) >= total_lower


def overlaps(a_lower: float, a_upper: float, b_lower: float, b_upper: float) -> bool:
    return a_lower <= b_upper and b_lower <= a_upper


# -- Arnhem: organisation -----------------------------------------------------------------

def parts_check(units: pd.DataFrame) -> pd.DataFrame:
    """Every unit with parts beside the sum of its parts' fte (rounding intervals included)."""
    rows = []
    for _, parent in units.iterrows():
        children = units[units["parent"] == parent["unit_id"]]
        if children.empty:
            continue
        rows.append({
            "unit_id": parent["unit_id"], "unit": parent["unit"], "fte": float(parent["fte"]),
            "parts": len(children), "parts_fte": float(children["fte"].sum()),
            "agrees": sum_agrees(children["lower"], children["upper"], parent["lower"], parent["upper"]),
        })
    return pd.DataFrame(rows)


def departments(units: pd.DataFrame) -> pd.DataFrame:
    return units[units["level"] == "afdeling"]


def organisation_display(check: pd.DataFrame) -> Table:
    frame = pd.DataFrame({
        "Eenheid": check["unit"],
        "fte (gedrukt)": check["fte"].map(fmt.number),
        "Aantal onderdelen": check["parts"].map(fmt.number),
        "Som van de onderdelen": check["parts_fte"].map(fmt.number),
        "Klopt binnen afronding": check["agrees"].map(_yes_no),
    })
    return Table(frame, "Delen tegen totalen (fte afgerond op hele getallen)")


def organisation_plot(units: pd.DataFrame):
    """The departments' fte as bars, coloured by onderdeel, largest first within it."""
    onderdelen = units[units["level"] == "onderdeel"].set_index("unit_id")
    parts = units[units["level"].isin(("afdeling", "staf"))].copy()
    parts["order"] = parts["parent"].map({u: i for i, u in enumerate(onderdelen.index)})
    parts = parts.sort_values(["order", "fte"], ascending=[True, False]).iloc[::-1]
    colours = dict(zip(onderdelen.index, ("#2166ac", "#b2182b", "#4d4d4d", "#1b7837")))
    fig, ax = plt.subplots(figsize=(8, 0.42 * len(parts) + 1.4))
    ax.barh(range(len(parts)), parts["fte"], color=[colours[p] for p in parts["parent"]])
    for y, value in enumerate(parts["fte"]):
        ax.text(value + 0.5, y, fmt.number(value), va="center", fontsize="small")
    ax.set_yticks(range(len(parts)), parts["unit"])
    ax.set_xlabel("fte")
    ax.xaxis.set_major_formatter(lambda x, _: fmt.number(x))
    handles = [plt.Rectangle((0, 0), 1, 1, color=colours[u]) for u in onderdelen.index]
    labels = [f"{r['unit']} ({fmt.number(r['fte'])} fte)" for _, r in onderdelen.iterrows()]
    ax.legend(handles, labels, loc="lower right", frameon=False)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.tight_layout()
    plt.close(fig)
    return fig


# -- Arnhem: client flows -----------------------------------------------------------------

def placed(flows: pd.DataFrame) -> pd.DataFrame:
    """The flows the diagram's numbers could be placed on (an arrow from one box to another)."""
    return flows[flows["basis"] != "unplaced"]


def node_totals(figures: pd.DataFrame) -> pd.DataFrame:
    """Totals printed inside a box of the diagram (``quantity = node_total``, node in ``subgroup``)."""
    return figures[figures["quantity"] == "node_total"].set_index("subgroup")


def node_depths(edges) -> dict[str, int]:
    """Column of every node in a left-to-right diagram: the length of the longest path that
    reaches it from a node without inflow. Raises ValueError on a cycle."""
    edges = list(edges)
    nodes = list(dict.fromkeys(n for e in edges for n in e))
    incoming = {n: [a for a, b in edges if b == n] for n in nodes}
    depth: dict[str, int] = {}
    visiting: set[str] = set()

    def visit(node: str) -> int:
        if node in depth:
            return depth[node]
        if node in visiting:
            raise ValueError(f"the diagram has a cycle through {node!r}")
        visiting.add(node)
        depth[node] = max((visit(a) + 1 for a in incoming[node]), default=0)
        visiting.discard(node)
        return depth[node]

    for node in nodes:
        visit(node)
    return depth


def flow_balance(flows: pd.DataFrame, totals: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per node of the diagram: what flows in and out (as intervals) and whether the outflow
    can fit within the inflow (``out_lower ≤ in_upper``; for exact counts: out ≤ in) and
    within a total printed in the box. A node without inflow (the start) is not checked."""
    flows = placed(flows)
    totals = totals if totals is not None else pd.DataFrame(columns=["lower", "upper", "printed"])
    rows = []
    for node in dict.fromkeys([*flows["from_node"], *flows["to_node"]]):
        into, out = flows[flows["to_node"] == node], flows[flows["from_node"] == node]
        row = {"node": node, "in_lower": into["lower"].sum(), "in_upper": into["upper"].sum(),
               "out_lower": out["lower"].sum(), "out_upper": out["upper"].sum(), "total": None,
               "in_flows": len(into), "out_flows": len(out)}
        consistent = True
        if len(into) and len(out):
            consistent = row["out_lower"] <= row["in_upper"]
        if node in totals.index:
            t = totals.loc[node]
            row["total"] = t["printed"]
            if len(into):
                consistent &= overlaps(row["in_lower"], row["in_upper"], t["lower"], t["upper"])
            if len(out):
                consistent &= row["out_lower"] <= t["upper"]
        row["consistent"] = bool(consistent)
        rows.append(row)
    return pd.DataFrame(rows)


def text_against_diagram(flows: pd.DataFrame, figures: pd.DataFrame) -> pd.DataFrame:
    """Flows the report's text states in other words, with both intervals and whether they overlap."""
    stated = flows[flows["stated_in_text"].notna()]
    text = figures.set_index("figure_id")
    rows = []
    for _, f in stated.iterrows():
        t = text.loc[f["stated_in_text"]]
        rows.append({"flow_id": f["flow_id"], "from_node": f["from_node"], "to_node": f["to_node"],
                     "diagram": f["printed"], "text": t["printed"], "section": t["section"],
                     "agrees": overlaps(f["lower"], f["upper"], t["lower"], t["upper"])})
    return pd.DataFrame(rows)


def text_parts(figures: pd.DataFrame, parts: tuple[str, ...], total: str) -> bool:
    """Whether figures ``parts`` (figure_ids) can add up to figure ``total``."""
    f = figures.set_index("figure_id")
    return sum_agrees(f.loc[list(parts), "lower"], f.loc[list(parts), "upper"], f.loc[total, "lower"], f.loc[total, "upper"])


KIND_LABELS = {"exact": "exact", "rounded": "afgerond op honderdtallen", "about": "ongeveer (±)",
               "below": "bovengrens (<)", "range": "bereik"}
BASIS_LABELS = {"text": "in de tekst genoemd", "reconstructed": "gereconstrueerd", "unplaced": "niet te plaatsen"}


def flows_display(flows: pd.DataFrame) -> Table:
    frame = pd.DataFrame({
        "Van": flows["from_node"].fillna(fmt.MISSING),
        "Naar": flows["to_node"].fillna(fmt.MISSING),
        "Gedrukt": flows["printed"],
        "Soort": flows["kind"].map(KIND_LABELS),
        "Interval": [f"{fmt.number(lo)}–{fmt.number(hi)}" for lo, hi in zip(flows["lower"], flows["upper"])],
        "Plaatsing": flows["basis"].map(BASIS_LABELS),
    })
    return Table(frame, "Alle aantallen uit het stroomschema")


def balance_display(balance: pd.DataFrame) -> Table:
    checked = balance[(balance["in_flows"] > 0) & ((balance["out_flows"] > 0) | balance["total"].notna())]
    frame = pd.DataFrame({
        "Onderdeel": checked["node"],
        "Instroom": [f"{fmt.number(lo)}–{fmt.number(hi)}" for lo, hi in zip(checked["in_lower"], checked["in_upper"])],
        "Uitstroom": [f"{fmt.number(lo)}–{fmt.number(hi)}" if n else fmt.MISSING
                      for lo, hi, n in zip(checked["out_lower"], checked["out_upper"], checked["out_flows"])],
        "Totaal in het schema": checked["total"].fillna(fmt.MISSING),
        "Sluit": checked["consistent"].map(_yes_no),
    })
    return Table(frame, "Instroom en uitstroom per onderdeel (intervallen)")


def text_display(comparison: pd.DataFrame) -> Table:
    frame = pd.DataFrame({
        "Stroom": comparison["from_node"] + " → " + comparison["to_node"],
        "In het schema": comparison["diagram"],
        "In de tekst": comparison["text"],
        "Overlapt": comparison["agrees"].map(_yes_no),
    })
    return Table(frame, "Schema tegen tekst (conclusie 2)")


def sankey_layout(flows: pd.DataFrame, gap: float = 0.05) -> tuple[dict, dict]:
    """Positions for a left-to-right Sankey diagram of the placed flows.

    Returns ``nodes``: name → (depth, y_top, height) and ``bands``: flow_id → (y0 at the source,
    y0 at the target, thickness); heights are fractions of the tallest column (0 = top)."""
    flows = placed(flows)
    depth = node_depths(zip(flows["from_node"], flows["to_node"]))
    size = {n: max(flows.loc[flows["to_node"] == n, "value"].sum(), flows.loc[flows["from_node"] == n, "value"].sum())
            for n in depth}
    columns: dict[int, list[str]] = {}
    for node in depth:
        columns.setdefault(depth[node], []).append(node)
    tallest = max(sum(size[n] for n in col) for col in columns.values())
    n_gaps = max(len(col) - 1 for col in columns.values())
    scale = (1 - gap * n_gaps) / tallest
    nodes = {}
    sources = set(flows["from_node"])
    for d, col in columns.items():
        # nodes with outflow from the top; where a column mixes them with end points, the end
        # points go to the bottom, out of the way of bands that pass on to later columns
        through = [n for n in col if n in sources]
        ends = [n for n in col if n not in sources] if through else []
        y = 0.0
        for node in [n for n in col if n not in ends]:
            nodes[node] = (d, y, size[node] * scale)
            y += size[node] * scale + gap
        y = 1.0
        for node in reversed(ends):
            y -= size[node] * scale
            nodes[node] = (d, y, size[node] * scale)
            y -= gap
    centre = {n: nodes[n][1] + nodes[n][2] / 2 for n in nodes}
    start = {}
    for node in nodes:  # outflows leave in the order of their targets' heights
        out = flows[flows["from_node"] == node]
        y = nodes[node][1]
        for i in sorted(out.index, key=lambda i: centre[out.loc[i, "to_node"]]):
            start[out.loc[i, "flow_id"]] = y
            y += out.loc[i, "value"] * scale
    bands = {}
    for node in nodes:
        into = flows[flows["to_node"] == node]
        y = nodes[node][1]
        for i in sorted(into.index, key=lambda i: centre[into.loc[i, "from_node"]]):
            fid = into.loc[i, "flow_id"]
            bands[fid] = (start[fid], y, into.loc[i, "value"] * scale)
            y += into.loc[i, "value"] * scale
    return nodes, bands


def sankey_plot(flows: pd.DataFrame, totals: pd.DataFrame | None = None):
    """The placed flows as a static Sankey diagram. Approximate counts ("±", "<", ranges) are
    hatched; every band is labelled with the count as printed."""
    nodes, bands = sankey_layout(flows)
    flows = placed(flows).set_index("flow_id")
    totals = totals if totals is not None else pd.DataFrame(columns=["printed"])
    width, step = 0.035, 1.0
    last = max(d for d, _, _ in nodes.values())
    fig, ax = plt.subplots(figsize=(12, 6.5))
    for fid, (y_src, y_tgt, thick) in bands.items():
        f = flows.loc[fid]
        x0 = nodes[f["from_node"]][0] * step + width
        x1 = nodes[f["to_node"]][0] * step
        xm = (x0 + x1) / 2
        top = [(x0, y_src), (xm, y_src), (xm, y_tgt), (x1, y_tgt)]
        bottom = [(x1, y_tgt + thick), (xm, y_tgt + thick), (xm, y_src + thick), (x0, y_src + thick)]
        verts = [top[0], *top[1:], bottom[0], *bottom[1:], top[0]]
        codes = [MplPath.MOVETO, MplPath.CURVE4, MplPath.CURVE4, MplPath.CURVE4, MplPath.LINETO,
                 MplPath.CURVE4, MplPath.CURVE4, MplPath.CURVE4, MplPath.CLOSEPOLY]
        approximate = f["kind"] in APPROXIMATE_KINDS
        ax.add_patch(PathPatch(MplPath(verts, codes), facecolor="#92c5de" if approximate else "#4393c3",
                               edgecolor="#2166ac" if approximate else "none", hatch="///" if approximate else None,
                               alpha=0.55, linewidth=0.6))
        lx, ly = _bezier_at(top, x0 + 0.5 * step - width)
        ax.text(lx, ly + thick / 2, f["printed"], ha="center", va="center", fontsize="small",
                bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.8})
    for node, (d, y, h) in nodes.items():
        ax.add_patch(plt.Rectangle((d * step, y), width, h, color="#053061"))
        label = f"{node} ({totals.loc[node, 'printed']})" if node in totals.index else node
        ax.text(d * step + width + 0.02, y + h / 2, "\n".join(textwrap.wrap(label, 20)), ha="left", va="center",
                fontsize="small")
    ax.set_xlim(-0.05, last * step + 0.8)
    ax.set_ylim(1.02, -0.02)
    ax.axis("off")
    ax.legend(handles=[plt.Rectangle((0, 0), 1, 1, facecolor="#4393c3", alpha=0.55),
                       plt.Rectangle((0, 0), 1, 1, facecolor="#92c5de", edgecolor="#2166ac", hatch="///", alpha=0.55)],
              labels=["aantal (exact of afgerond op honderdtallen)", "benaderd (±, <, bereik)"],
              loc="lower left", frameon=False, fontsize="small")
    fig.tight_layout()
    plt.close(fig)
    return fig


def _bezier_at(points, x: float) -> tuple[float, float]:
    """The point of a cubic Bézier curve (four control points) whose x is closest to ``x``."""
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = points
    best = None
    for i in range(201):
        t = i / 200
        a, b, c, d = (1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t ** 2, t ** 3
        px, py = a * x0 + b * x1 + c * x2 + d * x3, a * y0 + b * y1 + c * y2 + d * y3
        if best is None or abs(px - x) < abs(best[0] - x):
            best = (px, py)
    return best


# -- Arnhem: figures, conclusions, randvoorwaarden ------------------------------------------

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
    shown = figures[figures["figure_id"].isin(FIGURE_LABELS)]
    frame = pd.DataFrame({
        "Kerncijfer": shown["figure_id"].map(FIGURE_LABELS),
        "Zoals gedrukt": shown["printed"],
        "Interval": [fmt.number(lo) if lo == hi else f"{fmt.number(lo, 1 if lo % 1 else 0)}–{fmt.number(hi, 1 if hi % 1 else 0)}"
                     for lo, hi in zip(shown["lower"], shown["upper"])],
        "Vindplaats": shown["section"],
    })
    return Table(frame, "Kerncijfers uit de startfoto")


def conclusions_display(conclusions: pd.DataFrame, kind: str) -> Table:
    shown = conclusions[conclusions["kind"] == kind]
    if kind == "opgave":
        frame = pd.DataFrame({"Opgave": shown["number"].map(fmt.number), "Kort": shown["label"], "Uit het rapport": shown["quote"]})
        return Table(frame, "De vier belangrijkste opgaven")
    frame = pd.DataFrame({"Nr.": shown["number"].map(fmt.number), "Thema": shown["theme"], "Conclusie": shown["quote"]})
    return Table(frame, "Conclusies uit de bevindingen")


def matrix_check(matrix: pd.DataFrame, randvoorwaarden: pd.DataFrame) -> pd.Series:
    """Per matrix row: whether its rv_id is a randvoorwaarde of Bijlage A with the same text."""
    text = randvoorwaarden.set_index("rv_id")["text"].map(_plain_text)
    return pd.Series([r in text.index and text[r] == _plain_text(label)
                      for r, label in zip(matrix["rv_id"], matrix["label"])], index=matrix.index)


def matrix_display(matrix: pd.DataFrame, conclusions: pd.DataFrame) -> Table:
    labels = conclusions[conclusions["kind"] == "opgave"].set_index("number")["label"]
    frame = pd.DataFrame({"Randvoorwaarde (Bijlage A)": matrix["rv_id"] + " " + matrix["label"]})
    for i, column in enumerate(CHALLENGES, start=1):
        frame[f"{i}. {labels.get(i, '')}"] = matrix[column].map(lambda v: "?" if pd.isna(v) else ("X" if v else ""))
    frame["Aantal opgaven"] = matrix["marks"].map(fmt.number)
    return Table(frame, "Randvoorwaarden onder druk tegen de vier opgaven (? = kolom niet af te leiden uit de tekstversie)")


def randvoorwaarden_display(randvoorwaarden: pd.DataFrame, matrix: pd.DataFrame) -> Table:
    frame = pd.DataFrame({
        "Nr.": randvoorwaarden["rv_id"],
        "Randvoorwaarde": randvoorwaarden["text"],
        "Voor": randvoorwaarden["part"].map({"proces": "het oplossingenproces", "oplossingen": "de oplossingen zelf"}),
        "Tussen haakjes": randvoorwaarden["bracketed"].map(_yes_no),
        "Onder druk": randvoorwaarden["rv_id"].isin(set(matrix["rv_id"])).map(_yes_no),
    })
    return Table(frame, "Randvoorwaarden (Bijlage A)")


def arnhem_glue_values(units, figures, flows, balance, comparison, matrix) -> dict[str, str]:
    f = figures.set_index("figure_id")
    u = units.set_index("unit_id")
    check = parts_check(units).set_index("unit_id")
    placed_flows = placed(flows)
    unplaced = flows[flows["basis"] == "unplaced"]
    values = {
        "fte_total": fmt.number(u.loc["cluster", "fte"]),
        "departments_total": fmt.number(f.loc["n_departments", "value"]),
        "departments_listed": fmt.number(len(departments(units))),
        "fte_werk": fmt.number(u.loc["werk", "fte"]),
        "fte_inkomen": fmt.number(u.loc["inkomen", "fte"]),
        "fte_staf": fmt.number(u.loc["staf", "fte"]),
        "fte_sum_parts": fmt.number(check.loc["cluster", "parts_fte"]),
        "fte_sum_units": fmt.number(units[units["level"].isin(("afdeling", "staf"))]["fte"].sum()),
        "fte_sum_inkomen": fmt.number(check.loc["inkomen", "parts_fte"]),
        "fte_parts_agree": "klopt" if check["agrees"].all() else "klopt niet",
        "numbers_total": fmt.number(len(flows) + len(node_totals(figures))),
        "placed_total": fmt.number(len(placed_flows)),
        "applications": flows.set_index("flow_id").loc["aanvraag_intake", "printed"],
        "placed_from_text": fmt.number(int((flows["basis"] == "text").sum())),
        "unplaced_total": fmt.number(len(unplaced)),
        "unplaced_list": join(list(unplaced["printed"]), empty="geen"),
        "balanced_total": fmt.number(int(balance["consistent"].sum())),
        "nodes_total": fmt.number(len(balance)),
        "text_agree": fmt.number(int(comparison["agrees"].sum())),
        "text_total": fmt.number(len(comparison)),
        "text_parts_agree": "klopt" if text_parts(figures, ("within_year_text", "not_within_year_text"), "not_bap_count_text") else "klopt niet",
        "matrix_total": fmt.number(len(matrix)),
        "matrix_all_total": fmt.number(int((matrix["marks"] == len(CHALLENGES)).sum())),
        "matrix_all_list": join(list(matrix.loc[matrix["marks"] == len(CHALLENGES), "label"]), empty="geen"),
    }
    for fid in ("bap_success_ratio", "szeebra_registered", "szeebra_applications", "primary_process_time",
                "bap_count_text", "not_bap_count_text", "within_year_text", "not_within_year_text", "diagnose_total",
                "indicators", "ambition_reduction", "partner_share"):
        values[fid] = f.loc[fid, "printed"]
    return values


# -- Rotterdam: client journey --------------------------------------------------------------

ORGANISATION_COLOURS = {"UWV": "#7f7f7f", "WW@Work": "#2166ac", "W&I": "#1b7837", "MO": "#762a83", "uitkomst": "#b35806"}


def journey_check(steps: pd.DataFrame, links: pd.DataFrame) -> list[str]:
    """Problems with the journey's transcription: links to unknown steps, steps without links, a cycle."""
    known = set(steps["step_id"])
    problems = [f"link to unknown step {s!r}" for s in dict.fromkeys([*links["from_step"], *links["to_step"]]) if s not in known]
    linked = set(links["from_step"]) | set(links["to_step"])
    problems += [f"step {s!r} has no link" for s in steps["step_id"] if s not in linked]
    try:
        node_depths(zip(links["from_step"], links["to_step"]))
    except ValueError as exc:
        problems.append(str(exc))
    return problems


def journey_plot(steps: pd.DataFrame, links: pd.DataFrame):
    """The client journey top to bottom: one row per step of the longest route, boxes coloured
    by organisation, arrows labelled with the condition printed in the report."""
    depth = node_depths(zip(links["from_step"], links["to_step"]))
    s = steps.set_index("step_id")
    rows: dict[int, list[str]] = {}
    for step in s.index:
        rows.setdefault(depth[step], []).append(step)
    widest = max(len(r) for r in rows.values())
    box_w, box_h, dx, dy = 1.9, 0.62, 2.15, 1.05
    pos = {}
    for d, row in rows.items():
        offset = (widest - len(row)) * dx / 2
        for i, step in enumerate(row):
            pos[step] = (offset + i * dx, -d * dy)
    fig, ax = plt.subplots(figsize=(2.1 * widest + 0.6, 1.05 * len(rows) + 0.8))
    for _, link in links.iterrows():
        (x0, y0), (x1, y1) = pos[link["from_step"]], pos[link["to_step"]]
        skips = depth[link["to_step"]] - depth[link["from_step"]] > 1
        if skips:  # a link past intermediate rows runs beside them
            x0, x1 = x0 + box_w / 2, x1 + box_w / 2
            start, end, style = (x0, y0), (x1, y1), "arc3,rad=-0.35"
        else:
            start, end, style = (x0, y0 - box_h / 2), (x1, y1 + box_h / 2), "arc3,rad=0"
        ax.annotate("", xy=end, xytext=start, arrowprops={"arrowstyle": "-|>", "color": "#4d4d4d", "linewidth": 0.9,
                                                          "shrinkA": 0, "shrinkB": 0, "connectionstyle": style})
        if pd.notna(link["condition"]):
            share = 0.5 if skips else 0.72
            lx = start[0] + share * (end[0] - start[0]) + (0.55 if skips else 0)
            ly = start[1] + share * (end[1] - start[1])
            ax.text(lx, ly, "\n".join(textwrap.wrap(link["condition"], 18)), ha="center", va="center", fontsize=6.5,
                    style="italic", bbox={"boxstyle": "round,pad=0.1", "facecolor": "white", "edgecolor": "none"})
    for step, (x, y) in pos.items():
        colour = ORGANISATION_COLOURS[s.loc[step, "organisation"]]
        ax.add_patch(FancyBboxPatch((x - box_w / 2, y - box_h / 2), box_w, box_h, boxstyle="round,pad=0.02",
                                    facecolor=colour, edgecolor="none", alpha=0.9))
        text = "\n".join(textwrap.wrap(s.loc[step, "label"], 30))
        if pd.notna(s.loc[step, "timing"]):
            text += f"\n[{s.loc[step, 'timing']}]"
        ax.text(x, y, text, ha="center", va="center", fontsize=7.5, color="white")
    ax.legend(handles=[plt.Rectangle((0, 0), 1, 1, color=c) for c in ORGANISATION_COLOURS.values()],
              labels=[{"uitkomst": "uitkomst", "MO": "Maatschappelijke Ontwikkeling"}.get(k, k) for k in ORGANISATION_COLOURS],
              loc="upper right", frameon=False, fontsize="small")
    xs = [p[0] for p in pos.values()]
    ax.set_xlim(min(xs) - box_w, max(xs) + box_w)
    ax.set_ylim(-(len(rows) - 1) * dy - box_h, box_h)
    ax.axis("off")
    fig.tight_layout()
    plt.close(fig)
    return fig


def steps_display(steps: pd.DataFrame) -> Table:
    frame = pd.DataFrame({
        "Stap": steps["label"], "Wie": steps["organisation"],
        "Wanneer": steps["timing"].fillna(fmt.MISSING), "Vindplaats": steps["section"],
    })
    return Table(frame, "Stappen van de klantreis")


def disagreements(figures: pd.DataFrame) -> pd.DataFrame:
    """Quantities the report states more than once whose intervals have no value in common."""
    rows = []
    keyed = figures.assign(subgroup=figures["subgroup"].fillna(""))
    for (quantity, unit, _), group in keyed.groupby(["quantity", "unit", "subgroup"], sort=False):
        if len(group) > 1 and group["lower"].max() > group["upper"].min():
            rows.append({"quantity": quantity, "unit": unit, "statements": len(group),
                         "printed": list(group["printed"]), "sections": list(group["section"])})
    return pd.DataFrame(rows, columns=["quantity", "unit", "statements", "printed", "sections"])


QUANTITY_LABELS = {"inspanningsperiode_weeks": "Inspanningsperiode na de werkintake (weken)",
                   "werkloont_duration": "Duur van WerkLoont (maanden)"}


def disagreements_display(found: pd.DataFrame) -> Table:
    frame = pd.DataFrame({
        "Gegeven": found["quantity"].map(lambda q: QUANTITY_LABELS.get(q, q)),
        "Zoals gedrukt": [" / ".join(p) for p in found["printed"]],
        "Vindplaatsen": [" / ".join(s) for s in found["sections"]],
    })
    return Table(frame, "Gegevens die het rapport verschillend noemt")


# -- Rotterdam: labour market (Tabel 2) ------------------------------------------------------

TABEL2_BENEFITS = {"ww": "WW", "bijstand": "Bijstand tot AOW-leeftijd", "disability": "Arbeidsongeschikten",
                   "wajong": "– waarvan Wajong", "wao": "– waarvan WAO", "wia": "– waarvan WIA"}
TABEL2_PARTS = {"disability": ("wajong", "wao", "wia")}
TABEL2_PREFIX = "t2_"


def _cell(labour: pd.DataFrame, quantity: str, region: str, tabel2: bool = True) -> pd.Series:
    rows = labour[(labour["quantity"] == quantity) & (labour["subgroup"] == region)]
    if tabel2:
        rows = rows[rows["figure_id"].str.startswith(TABEL2_PREFIX)]
    if len(rows) != 1:
        raise ValueError(f"expected one row for {quantity} ({region}) in the labour-market figures, found {len(rows)}")
    return rows.iloc[0]


def tabel2_shares(labour: pd.DataFrame) -> pd.DataFrame:
    """Tabel 2 per benefit: count, printed shares (Rijnmond, Nederland), the share recomputed
    from count / labour force (interval from the labour force's rounding) and whether it agrees."""
    force = _cell(labour, "labour_force", "rijnmond")
    rows = []
    for key, label in TABEL2_BENEFITS.items():
        count = _cell(labour, f"{key}_recipients", "rijnmond")
        share = _cell(labour, f"{key}_share_labour_force", "rijnmond")
        national = _cell(labour, f"{key}_share_labour_force", "nederland")
        low, high = 100 * count["lower"] / force["upper"], 100 * count["upper"] / force["lower"]
        rows.append({"benefit": key, "label": label, "recipients": float(count["value"]),
                     "share_rijnmond": float(share["value"]), "share_nederland": float(national["value"]),
                     "recomputed": 100 * float(count["value"]) / float(force["value"]),
                     "agrees": overlaps(low, high, share["lower"], share["upper"]),
                     "diff_pp": float(share["value"] - national["value"])})
    return pd.DataFrame(rows)


def tabel2_parts(labour: pd.DataFrame) -> pd.DataFrame:
    """Parts against totals in Tabel 2 (counts and both columns of shares) and the labour force
    against employed + unemployed (ch. 1)."""
    rows = []
    for total, parts in TABEL2_PARTS.items():
        for quantity, region, what in (("recipients", "rijnmond", "aantal Rijnmond"),
                                       ("share_labour_force", "rijnmond", "aandeel Rijnmond"),
                                       ("share_labour_force", "nederland", "aandeel Nederland")):
            t = _cell(labour, f"{total}_{quantity}", region)
            p = [_cell(labour, f"{part}_{quantity}", region) for part in parts]
            rows.append(_parts_row(f"{TABEL2_BENEFITS[total]}, {what}", t, p))
    force = _cell(labour, "labour_force", "rijnmond")
    p = [_cell(labour, q, "rijnmond", tabel2=False) for q in ("employed", "unemployed")]
    rows.append(_parts_row("Beroepsbevolking = werkend + werkloos", force, p))
    return pd.DataFrame(rows)


def _parts_row(label: str, total: pd.Series, parts: list[pd.Series]) -> dict:
    return {"check": label, "total": float(total["value"]), "unit": total["unit"],
            "parts_sum": float(sum(p["value"] for p in parts)),
            "agrees": sum_agrees([p["lower"] for p in parts], [p["upper"] for p in parts], total["lower"], total["upper"])}


def tabel2_display(shares: pd.DataFrame) -> Table:
    frame = pd.DataFrame({
        "Uitkering": shares["label"],
        "Aantal Rijnmond": shares["recipients"].map(fmt.number),
        "Aandeel Rijnmond": shares["share_rijnmond"].map(lambda v: fmt.percent(v, 1)),
        "Herberekend": shares["recomputed"].map(lambda v: fmt.percent(v, 2)),
        "Klopt": shares["agrees"].map(_yes_no),
        "Aandeel Nederland": shares["share_nederland"].map(lambda v: fmt.percent(v, 1)),
        "Rijnmond − Nederland": shares["diff_pp"].map(lambda v: fmt.pp(v, 1)),
    })
    return Table(frame, "Tabel 2: aandeel in de beroepsbevolking, gedrukt en herberekend (eind 2016)")


def tabel2_parts_display(parts: pd.DataFrame) -> Table:
    def show(value, unit):
        return fmt.percent(value, 1) if unit == "percent" else fmt.number(value)
    frame = pd.DataFrame({
        "Controle": parts["check"],
        "Totaal": [show(v, u) for v, u in zip(parts["total"], parts["unit"])],
        "Som van de delen": [show(v, u) for v, u in zip(parts["parts_sum"], parts["unit"])],
        "Klopt binnen afronding": parts["agrees"].map(_yes_no),
    })
    return Table(frame, "Delen tegen totalen")


def tabel2_plot(shares: pd.DataFrame):
    """Shares of the labour force, Rijnmond against Nederland, one pair of bars per benefit."""
    data = shares.iloc[::-1].reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(8, 0.6 * len(data) + 1.2))
    h = 0.38
    for offset, column, colour, label in ((h / 2, "share_rijnmond", "#2166ac", "Rijnmond"),
                                          (-h / 2, "share_nederland", "#bababa", "Nederland")):
        ax.barh([y + offset for y in range(len(data))], data[column], height=h, color=colour, label=label)
        for y, v in enumerate(data[column]):
            ax.text(v + 0.1, y + offset, fmt.percent(v, 1), va="center", fontsize="small")
    ax.set_yticks(range(len(data)), data["label"])
    ax.set_xlabel("Aandeel in de beroepsbevolking (%)")
    ax.xaxis.set_major_formatter(lambda x, _: fmt.number(x))
    handles, labels = ax.get_legend_handles_labels()
    ax.legend(handles[::-1], labels[::-1], loc="lower right", frameon=False)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.tight_layout()
    plt.close(fig)
    return fig


def journey_glue_values(steps, links, figures, found, shares, parts, labour) -> dict[str, str]:
    f = figures.set_index("figure_id")
    s = shares.set_index("benefit")
    force = _cell(labour, "labour_force", "rijnmond")
    values = {
        "steps_total": fmt.number(len(steps)),
        "links_total": fmt.number(len(links)),
        "disagreements_total": fmt.number(len(found)),
        "shares_agree": fmt.number(int(shares["agrees"].sum())),
        "shares_total": fmt.number(len(shares)),
        "parts_agree": fmt.number(int(parts["agrees"].sum())),
        "parts_total": fmt.number(len(parts)),
        "labour_force": fmt.number(force["value"]),
        "disability_parts_sum": fmt.number(parts.iloc[0]["parts_sum"]),
        "disability_total": fmt.number(parts.iloc[0]["total"]),
    }
    for key in ("ww", "bijstand", "disability"):
        values[f"{key}_rijnmond"] = fmt.percent(s.loc[key, "share_rijnmond"], 1)
        values[f"{key}_nederland"] = fmt.percent(s.loc[key, "share_nederland"], 1)
        values[f"{key}_diff"] = fmt.pp(s.loc[key, "diff_pp"], 1)
    for fid in ("invite_window", "intake_before_end", "inspanningsperiode_3_3_1", "inspanningsperiode_bijlage_1",
                "werkloont_duration_3_3_3", "werkloont_duration_bijlage_1", "werkloont_max_weeks", "staff_wwatwork",
                "staff_werkintake", "staff_burowerk", "staff_matching", "can_work_share"):
        values[fid] = f.loc[fid, "printed"]
    return values


# -- helpers ----------------------------------------------------------------------------------

def _yes_no(value) -> str:
    return "ja" if bool(value) else "nee"


def _plain_text(text: str) -> str:
    return " ".join(str(text).strip("() ").split()).lower()


