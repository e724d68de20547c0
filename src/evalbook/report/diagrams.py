"""The hand-drawn diagrams of the context chapters: the Sankey diagram of the Arnhem client
flows and the flow chart of the Rotterdam client journey (geometry and drawing only).

Both are static matplotlib figures laid out here rather than by a plotting library, so that
every band and box carries the number or condition exactly as the source report prints it.
The column of a node is its depth in the diagram (:func:`evalbook.analysis.arnhem.node_depths`).
"""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.patches import FancyBboxPatch, PathPatch
from matplotlib.path import Path as MplPath

from ..analysis.arnhem import node_depths, placed
from ..schemas.context import APPROXIMATE_KINDS
from . import figures as style
from . import format as fmt


def sankey_layout(flows: pd.DataFrame, gap: float = 0.05) -> tuple[dict, dict]:
    """Positions for a left-to-right Sankey diagram of the placed flows.

    Returns ``nodes``: name → (depth, y_top, height) and ``bands``: flow_id → (y0 at the source,
    y0 at the target, thickness); heights are fractions of the tallest column (0 = top)."""
    flows = placed(flows)
    depth = node_depths(zip(flows["from_node"], flows["to_node"], strict=True))
    size = {
        n: max(flows.loc[flows["to_node"] == n, "value"].sum(), flows.loc[flows["from_node"] == n, "value"].sum())
        for n in depth
    }
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
    hatched; every band is labelled with the count as printed (in Dutch notation), where the
    label covers no other band and no other label."""
    nodes, bands = sankey_layout(flows)
    flows = placed(flows).set_index("flow_id")
    totals = totals if totals is not None else pd.DataFrame(columns=["printed"])
    width, step = 0.035, 1.0
    last = max(d for d, _, _ in nodes.values())
    fig, ax = plt.subplots(figsize=(7.8, 6.4))
    ax.set_xlim(-0.05, last * step + 0.95)
    ax.set_ylim(1.02, -0.02)
    ax.axis("off")
    patches, curves = {}, {}
    for fid, (y_src, y_tgt, thick) in bands.items():
        f = flows.loc[fid]
        x0 = nodes[f["from_node"]][0] * step + width
        x1 = nodes[f["to_node"]][0] * step
        xm = (x0 + x1) / 2
        top = [(x0, y_src), (xm, y_src), (xm, y_tgt), (x1, y_tgt)]
        bottom = [(x1, y_tgt + thick), (xm, y_tgt + thick), (xm, y_src + thick), (x0, y_src + thick)]
        verts = [top[0], *top[1:], bottom[0], *bottom[1:], top[0]]
        codes = [
            MplPath.MOVETO,
            MplPath.CURVE4,
            MplPath.CURVE4,
            MplPath.CURVE4,
            MplPath.LINETO,
            MplPath.CURVE4,
            MplPath.CURVE4,
            MplPath.CURVE4,
            MplPath.CLOSEPOLY,
        ]
        approximate = f["kind"] in APPROXIMATE_KINDS
        patches[fid] = ax.add_patch(
            PathPatch(
                MplPath(verts, codes),
                facecolor="#92c5de" if approximate else "#4393c3",
                edgecolor="#2166ac" if approximate else "none",
                hatch="///" if approximate else None,
                alpha=0.55,
                linewidth=0.6,
            )
        )
        curves[fid] = (top, thick, x0, x1)
    taken = []  # display boxes of the labels drawn so far
    renderer = fig.canvas.get_renderer()
    for node, (d, y, h) in nodes.items():
        ax.add_patch(plt.Rectangle((d * step, y), width, h, color="#053061"))
        label = f"{node} ({fmt.printed(totals.loc[node, 'printed'])})" if node in totals.index else node
        text = ax.text(
            d * step + width + 0.02,
            y + h / 2,
            "\n".join(textwrap.wrap(label, 18)),
            ha="left",
            va="center",
            fontsize=style.TEXT_SIZE,
            bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.85},
        )
        taken.append(text.get_window_extent(renderer).expanded(1.05, 1.1))
    for fid, (top, thick, x0, x1) in curves.items():
        others = [p for other, p in patches.items() if other != fid]
        best = None
        for offset in (0.0, -(thick / 2 + 0.03), thick / 2 + 0.03):  # on the band, above it, below it
            for share in (0.5, 0.62, 0.38, 0.75, 0.25, 0.86, 0.14):
                lx, ly = _bezier_at(top, x0 + share * (x1 - x0))
                text = ax.text(
                    lx,
                    ly + thick / 2 + offset,
                    fmt.printed(flows.loc[fid, "printed"]),
                    ha="center",
                    va="center",
                    fontsize=style.TEXT_SIZE,
                    bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.85},
                )
                box = text.get_window_extent(renderer).expanded(1.05, 1.1)
                corners = [
                    (box.x0, box.y0),
                    (box.x1, box.y0),
                    (box.x0, box.y1),
                    (box.x1, box.y1),
                    ((box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2),
                ]
                cost = 10 * sum(box.overlaps(t) for t in taken) + sum(
                    p.contains_point(c) for p in others for c in corners
                )
                if best is None or cost < best[0]:
                    if best is not None:
                        best[1].remove()
                    best = (cost, text, box)
                else:
                    text.remove()
                if cost == 0:
                    break
            if best[0] == 0:
                break
        taken.append(best[2])
    ax.legend(
        handles=[
            plt.Rectangle((0, 0), 1, 1, facecolor="#4393c3", alpha=0.55),
            plt.Rectangle((0, 0), 1, 1, facecolor="#92c5de", edgecolor="#2166ac", hatch="///", alpha=0.55),
        ],
        labels=["aantal (exact of afgerond op honderdtallen)", "benaderd (±, <, bereik)"],
        loc="lower left",
        frameon=False,
        fontsize=style.TEXT_SIZE,
    )
    return style.finish(fig)


def _bezier_at(points, x: float) -> tuple[float, float]:
    """The point of a cubic Bézier curve (four control points) whose x is closest to ``x``."""
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = points
    best = None
    for i in range(201):
        t = i / 200
        a, b, c, d = (1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t**2, t**3
        px, py = a * x0 + b * x1 + c * x2 + d * x3, a * y0 + b * y1 + c * y2 + d * y3
        if best is None or abs(px - x) < abs(best[0] - x):
            best = (px, py)
    return best


# -- the client journey ------------------------------------------------------------------

ORGANISATION_COLOURS = {
    "UWV": "#7f7f7f",
    "WW@Work": "#2166ac",
    "W&I": "#1b7837",
    "MO": "#762a83",
    "uitkomst": "#b35806",
}
ORGANISATION_LABELS = {"MO": "Maatschappelijke Ontwikkeling"}  # the others as they are


def journey_plot(steps: pd.DataFrame, links: pd.DataFrame):
    """The client journey top to bottom: one row per step of the longest route, boxes coloured
    by organisation, arrows labelled with the condition printed in the report. The figure keeps
    the width of the book's column: the boxes of a row share it."""
    depth = node_depths(zip(links["from_step"], links["to_step"], strict=True))
    s = steps.set_index("step_id")
    rows: dict[int, list[str]] = {}
    for step in s.index:
        rows.setdefault(depth[step], []).append(step)
    width, box_h, dy = 7.6, 0.75, 1.25  # inches: the column's width; a row's boxes share it
    pos, box_w = {}, {}
    for d, row in rows.items():
        dx = min(2.2, width / len(row))
        for i, step in enumerate(row):
            pos[step] = ((i - (len(row) - 1) / 2) * dx, -d * dy)
            box_w[step] = dx - 0.12
    fig, ax = plt.subplots(figsize=(width + 0.2, dy * len(rows) + 0.4))

    def wrapped(text: str, step: str) -> str:  # lines that fit the box at 8 pt
        return "\n".join(textwrap.wrap(text, max(12, int(box_w[step] / 0.072)), break_long_words=False))

    order = {
        i: rank
        for _, sib in links.groupby("from_step")
        for rank, i in enumerate(sorted(sib.index, key=lambda i: pos[links.at[i, "to_step"]][0]))
    }
    for i, link in links.iterrows():
        (x0, y0), (x1, y1) = pos[link["from_step"]], pos[link["to_step"]]
        skips = depth[link["to_step"]] - depth[link["from_step"]] > 1
        if skips:  # a link past intermediate rows runs beside them
            x0, x1 = x0 + box_w[link["from_step"]] / 2, x1 + box_w[link["to_step"]] / 2
            start, end, connection = (x0, y0), (x1, y1), "arc3,rad=-0.35"
        else:
            start, end, connection = (x0, y0 - box_h / 2), (x1, y1 + box_h / 2), "arc3,rad=0"
        ax.annotate(
            "",
            xy=end,
            xytext=start,
            arrowprops={
                "arrowstyle": "-|>",
                "color": style.NEUTRAL,
                "linewidth": 0.9,
                "shrinkA": 0,
                "shrinkB": 0,
                "connectionstyle": connection,
            },
        )
        if pd.notna(link["condition"]):  # beside its arrow, away from it; siblings at alternating heights
            share = 0.5 if skips else (0.45 if order[i] % 2 else 0.78)
            lx = start[0] + share * (end[0] - start[0]) + (0.55 if skips else 0)
            ly = start[1] + share * (end[1] - start[1])
            slope = end[0] - start[0]
            ha = "center" if skips else ("right" if slope < -0.05 else "left")
            lx += 0 if skips else (-0.05 if ha == "right" else 0.05)
            ax.text(
                lx,
                ly,
                wrapped(link["condition"], link["to_step"]),
                ha=ha,
                va="center",
                fontsize=style.TEXT_SIZE,
                style="italic",
                bbox={"boxstyle": "round,pad=0.1", "facecolor": "white", "edgecolor": "none", "alpha": 0.85},
            )
    for step, (x, y) in pos.items():
        colour = ORGANISATION_COLOURS[s.loc[step, "organisation"]]
        ax.add_patch(
            FancyBboxPatch(
                (x - box_w[step] / 2, y - box_h / 2),
                box_w[step],
                box_h,
                boxstyle="round,pad=0.02",
                facecolor=colour,
                edgecolor="none",
                alpha=0.9,
            )
        )
        text = wrapped(s.loc[step, "label"], step)
        if pd.notna(s.loc[step, "timing"]):
            text += "\n" + wrapped(f"[{s.loc[step, 'timing']}]", step)
        ax.text(x, y, text, ha="center", va="center", fontsize=style.TEXT_SIZE, color="white")
    ax.legend(
        handles=[plt.Rectangle((0, 0), 1, 1, color=c) for c in ORGANISATION_COLOURS.values()],
        labels=[ORGANISATION_LABELS.get(k, k) for k in ORGANISATION_COLOURS],
        loc="upper right",
        frameon=False,
        fontsize=style.TEXT_SIZE,
    )
    ax.set_xlim(-width / 2 - 0.05, width / 2 + 0.05)
    ax.set_ylim(-(len(rows) - 1) * dy - box_h / 2 - 0.05, box_h / 2 + 0.05)
    ax.axis("off")
    return style.finish(fig)
