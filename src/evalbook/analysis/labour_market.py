"""The Rijnmond labour market as the casestudy Rotterdam Zuid prints it (ch. 1, Tabel 2),
recomputed from its own counts: once, for both chapters that show it (WW@Work and the client
journey).

:func:`check` gives every Tabel 2 share recomputed as count / labour force, the parts against
their totals (Wajong + WAO + WIA, employed + unemployed) with interval agreement, and the
other labour-market figures of the text (unemployment rate, the 2018 labour force, the gross
participation rate), all in the published figures' shape as well (``reproduced``) for
:func:`evalbook.analysis.wwatwork.comparison`. Every recomputed figure rests on rounded
printed ones, so beside its point value it carries the interval ``low``–``high`` of every
value the rounding of its inputs allows (:mod:`evalbook.stats.intervals`, each input once).
:func:`transitions` gives the WW→Bijstand
doorstroom rates with the WW leavers each printed count implies.

The figures are published aggregates: no disclosure control applies. Dutch labels are in
:mod:`evalbook.report`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..stats.intervals import Interval
from .arnhem import overlaps, sum_agrees

BENEFITS = ("ww", "bijstand", "disability", "wajong", "wao", "wia")  # the rows of Tabel 2
DISABILITY_PARTS = ("wajong", "wao", "wia")
LABOUR_FORCE = "t2_labour_force_rijnmond"
FIGURES = (  # the published figures ``reproduced`` recomputes, in the order the chapter shows them
    "t2_labour_force_rijnmond",
    "labour_force_rijnmond_text",
    "unemployment_rate_rijnmond",
    "labour_force_rijnmond_2018",
    "gross_participation_rate_2018",
    "t2_ww_share_rijnmond",
    "t2_bijstand_share_rijnmond",
    "t2_disability_count_rijnmond",
    "t2_disability_share_rijnmond",
    "t2_wajong_share_rijnmond",
    "t2_wao_share_rijnmond",
    "t2_wia_share_rijnmond",
    "t2_disability_share_nederland",
)


@dataclass(frozen=True)
class LabourMarket:
    """Tabel 2 and the labour-market text, recomputed.

    ``shares``: per benefit the count, the printed shares (Rijnmond, Nederland), the share
    recomputed from count / labour force, whether its interval (from the labour force's
    rounding) meets the printed one, and Rijnmond minus Nederland in pp.
    ``parts``: per total the sum of its parts and whether the intervals agree.
    ``reproduced``: every recomputed figure as ``quantity, group, subgroup, value, low, high``.
    """

    labour_force: float
    shares: pd.DataFrame
    parts: pd.DataFrame
    reproduced: pd.DataFrame


def _row(figures: pd.DataFrame, figure_id: str) -> pd.Series:
    if figure_id not in figures.index:
        raise KeyError(f"the labour-market figures lack {figure_id!r}")
    return figures.loc[figure_id]


def check(labour: pd.DataFrame) -> LabourMarket:
    """Tabel 2 and the labour-market figures of the text checked against their own counts."""
    f = labour.set_index("figure_id")
    force = _row(f, LABOUR_FORCE)
    shares = []
    for key in BENEFITS:
        count, share = _row(f, f"t2_{key}_count_rijnmond"), _row(f, f"t2_{key}_share_rijnmond")
        national = _row(f, f"t2_{key}_share_nederland")
        low, high = 100 * count["lower"] / force["upper"], 100 * count["upper"] / force["lower"]
        shares.append(
            {
                "benefit": key,
                "recipients": float(count["value"]),
                "share_rijnmond": float(share["value"]),
                "share_nederland": float(national["value"]),
                "recomputed": 100 * float(count["value"]) / float(force["value"]),
                "agrees": overlaps(low, high, share["lower"], share["upper"]),
                "diff_pp": float(share["value"] - national["value"]),
            }
        )
    parts = pd.DataFrame([_parts(total, list(ids), f, quantity, region) for total, ids, quantity, region in PARTS])
    shares = pd.DataFrame(shares)
    return LabourMarket(
        labour_force=float(force["value"]), shares=shares, parts=parts, reproduced=_reproduced(f, shares, parts)
    )


PARTS = (  # (total, its parts, quantity, region): totals that are the sum of printed parts
    *(
        (
            f"t2_disability_{measure}_{region}",
            tuple(f"t2_{p}_{measure}_{region}" for p in DISABILITY_PARTS),
            quantity,
            region,
        )
        for measure, quantity, region in (
            ("count", "disability_recipients", "rijnmond"),
            ("share", "disability_share_labour_force", "rijnmond"),
            ("share", "disability_share_labour_force", "nederland"),
        )
    ),
    (LABOUR_FORCE, ("employed_rijnmond", "unemployed_rijnmond"), "labour_force", "rijnmond"),
)


def published_interval(row) -> Interval:
    """The values a published figure allows: ``[lower, upper)`` (a rounded figure), or the one
    value of an exact one (``lower == upper``)."""
    return Interval(float(row["lower"]), float(row["upper"]), True, row["lower"] == row["upper"])


def _parts(total_id: str, part_ids: list[str], f: pd.DataFrame, quantity: str, region: str) -> dict:
    total, parts = _row(f, total_id), [_row(f, p) for p in part_ids]
    return {
        "quantity": quantity,
        "region": region,
        "total": float(total["value"]),
        "unit": total["unit"],
        "parts_sum": float(sum(p["value"] for p in parts)),
        "agrees": sum_agrees([p["lower"] for p in parts], [p["upper"] for p in parts], total["lower"], total["upper"]),
    }


def _reproduced(f: pd.DataFrame, shares: pd.DataFrame, parts: pd.DataFrame) -> pd.DataFrame:
    """The recomputed figures in the published shape: the Rijnmond shares (count / labour
    force), the sums of parts (but for the Rijnmond disability share, which is a share), the
    unemployment rate, the 2018 labour force (2016 + growth) and the gross participation rate
    (2018 labour force / potential labour force); each with its rounding interval."""
    v = f["value"]

    def printed(figure_id: str) -> Interval:
        return published_interval(_row(f, figure_id))

    force_2018 = printed("labour_force_rijnmond_text") + printed("labour_force_growth_2017_2018")
    rows = [
        (f"{b}_share_labour_force", "rijnmond", s, 100 * printed(f"t2_{b}_count_rijnmond") / printed(LABOUR_FORCE))
        for b, s in zip(shares["benefit"], shares["recomputed"], strict=True)
    ]
    shown = {(q, r) for q, r, _, _ in rows}
    rows += [
        (quantity, region, total, sum((printed(p) for p in ids), Interval.point(0)))
        for (_, ids, quantity, region), total in zip(PARTS, parts["parts_sum"], strict=True)
        if (quantity, region) not in shown
    ]
    force_text = v["labour_force_rijnmond_text"]
    rows += [
        (
            "unemployment_rate",
            "rijnmond",
            100 * v["unemployed_rijnmond"] / force_text,
            100 * printed("unemployed_rijnmond") / printed("labour_force_rijnmond_text"),
        ),
        ("labour_force_2018", "rijnmond", force_text + v["labour_force_growth_2017_2018"], force_2018),
        (
            "gross_participation_rate",
            "rijnmond",
            100 * (force_text + v["labour_force_growth_2017_2018"]) / v["potential_labour_force_rijnmond"],
            100 * force_2018 / printed("potential_labour_force_rijnmond"),
        ),
    ]
    frame = pd.DataFrame(
        [(q, r, value, i.low, i.high) for q, r, value, i in rows],
        columns=["quantity", "subgroup", "value", "low", "high"],
    )
    frame["group"] = ""
    return frame


# -- doorstroom WW → Bijstand -------------------------------------------------------------

TRANSITIONS = (  # (rate figure, count figure, published file)
    ("doorstroom_rate_nederland_intro", None, "labour_market"),
    ("doorstroom_rate_nederland", None, "labour_market"),
    ("doorstroom_rate_rijnmond", "doorstroom_count_rijnmond", "labour_market"),
    ("doorstroom_rate_rotterdam_2016", "doorstroom_count_rotterdam_2016", "labour_market"),
    ("doorstroom_rate_westvoorne", None, "labour_market"),
    ("doorstroom_rate_albrandswaard", None, "labour_market"),
    ("doorstroom_rate_barendrecht", None, "labour_market"),
    ("doorstroom_realised_rotterdam", "doorstroom_count_rotterdam", "effect_study"),
    ("doorstroom_realised_den_bosch", "doorstroom_count_den_bosch", "effect_study"),
)


def transitions(labour: pd.DataFrame, effect: pd.DataFrame) -> pd.DataFrame:
    """WW→Bijstand doorstroom rates as published (value and printed text), with the count
    where printed and the number of WW leavers it implies (count / rate)."""
    files = {"labour_market": labour.set_index("figure_id"), "effect_study": effect.set_index("figure_id")}
    rows = []
    for rate_id, count_id, source in TRANSITIONS:
        f = files[source]
        rate = f.loc[rate_id, "value"]
        count = f.loc[count_id, "value"] if count_id else np.nan
        rows.append(
            {
                "rate_id": rate_id,
                "rate": rate,
                "rate_printed": f.loc[rate_id, "printed"],
                "count_id": count_id,
                "count": count,
                "count_printed": f.loc[count_id, "printed"] if count_id else None,
                "leavers": count / (rate / 100),
            }
        )
    return pd.DataFrame(rows)


def rotterdam_2016(transitions_table: pd.DataFrame) -> dict[str, float]:
    """Rotterdam's 2016 doorstroom within Rijnmond's (percent of the count), and the WW leavers
    its rate implies (a year and a month)."""
    t = transitions_table.set_index("rate_id")
    rotterdam = t.loc["doorstroom_rate_rotterdam_2016"]
    return {
        "share_of_rijnmond": 100 * rotterdam["count"] / t.loc["doorstroom_rate_rijnmond", "count"],
        "leavers": rotterdam["leavers"],
        "leavers_per_month": rotterdam["leavers"] / 12,
    }
