"""Published figures (``data/published/``) and their side-by-side comparison with the reproduction.

A reproduced value agrees with a published one when it lies within the interval the printed
text allows (``lower``–``upper``: the rounding interval of a printed number, or the bounds
of a figure given in words).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..core import contract, paths
from ..schemas.published import PUBLISHED

STATUS_AGREES = "agrees"  # the ``status`` codes of a comparison (report.text.STATUS_LABELS in Dutch)
STATUS_DIFFERS = "differs"
STATUS_SUPPRESSED = "suppressed"
STATUS_MISSING = "missing"
OUTCOME_FOR_N = "outflow"  # an outcome measured on everyone: its n is the group size


def path_for(programme: str, chapter: str, published_dir: str | Path = "data/published") -> Path:
    return paths.resolve(published_dir) / programme / f"{chapter}.csv"


def load(programme: str, chapter: str, published_dir: str | Path = "data/published") -> pd.DataFrame:
    """The published figures of one chapter, validated against the ``published`` contract."""
    return contract.read(path_for(programme, chapter, published_dir), PUBLISHED)


def long_values(table: pd.DataFrame) -> pd.DataFrame:
    """Reproduced values in the published figures' shape (``quantity, group, value``) from an
    outcome table (:func:`evalbook.analysis.effect.outcome_table`, after disclosure control)."""
    rows = []
    for _, r in table.iterrows():
        suppressed = bool(r.get("suppressed", False))
        for group in ("programme", "control"):
            rows.append(
                {
                    "quantity": r["outcome"],
                    "group": group,
                    "value": r[f"value_{group}"],
                    "suppressed": suppressed and pd.isna(r[f"value_{group}"]),
                }
            )
        if r["outcome"] == OUTCOME_FOR_N:
            for group in ("programme", "control"):
                rows.append(
                    {"quantity": "n", "group": group, "value": r[f"n_{group}"], "suppressed": pd.isna(r[f"n_{group}"])}
                )
    return pd.DataFrame(rows)


def side_by_side(published: pd.DataFrame, reproduced: pd.DataFrame) -> pd.DataFrame:
    """Every published figure next to its reproduction, with a status per row.

    ``reproduced`` has columns ``quantity``, ``group``, ``value`` and optionally
    ``subgroup`` and ``suppressed``.
    """
    keys = ["quantity", "group", "subgroup"]
    rep = reproduced.copy()
    for col, default in (("subgroup", None), ("suppressed", False)):
        if col not in rep:
            rep[col] = default
    pub = published.copy()
    for frame in (pub, rep):
        for key in keys:
            frame[key] = frame[key].astype("object").where(frame[key].notna(), "")
    merged = pub.merge(
        rep[keys + ["value", "suppressed"]].rename(columns={"value": "reproduced"}),
        on=keys,
        how="left",
        validate="many_to_one",
    )
    merged["status"] = [_status(r) for _, r in merged.iterrows()]
    return merged[
        [
            "figure_id",
            "quantity",
            "group",
            "subgroup",
            "printed",
            "value",
            "lower",
            "upper",
            "reproduced",
            "status",
            "significance",
            "section",
            "note",
        ]
    ]


def _status(row) -> str:
    if row["suppressed"] is True:
        return STATUS_SUPPRESSED
    if pd.isna(row["reproduced"]):
        return STATUS_MISSING
    return STATUS_AGREES if row["lower"] <= row["reproduced"] <= row["upper"] else STATUS_DIFFERS
