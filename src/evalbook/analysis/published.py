"""Published figures (``data/published/``) and their side-by-side comparison with the reproduction.

A reproduced value agrees with a published one when it lies within the interval the printed
text allows (``lower``–``upper``: the rounding interval of a printed number, or the bounds
of a figure given in words).

Like with like: where a report defines its quantity (the optional column ``reading`` of the
published figures: outflow as an ``event`` within the period or as a ``status`` at its end),
the figure, and the claim, is compared with the reproduction in that reading, also when the
chapter reads the quantity the other way (:func:`long_values` gives both readings of outflow
where the study computed them; :func:`reproduced_p` the p-value of the reading a label is about).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..core import contract, paths
from ..core.vocabulary import STATUS_AGREES, STATUS_DIFFERS, STATUS_MISSING, STATUS_SUPPRESSED
from ..schemas.published import PUBLISHED, READINGS

OUTCOME_FOR_N = "outflow"  # an outcome measured on everyone: its n is the group size
READING_QUANTITY = "outflow"  # the quantity the column ``reading`` is about


def path_for(programme: str, chapter: str, published_dir: str | Path = "data/published") -> Path:
    return paths.resolve(published_dir) / programme / f"{chapter}.csv"


def load(programme: str, chapter: str, published_dir: str | Path = "data/published") -> pd.DataFrame:
    """The published figures of one chapter, validated against the ``published`` contract."""
    return contract.read(path_for(programme, chapter, published_dir), PUBLISHED)


def long_values(table: pd.DataFrame, measure: str | None = None, computed: pd.DataFrame | None = None) -> pd.DataFrame:
    """Reproduced values in the published figures' shape (``quantity, group, value,
    suppressed, reading``) from an outcome table (:func:`evalbook.analysis.effect.outcome_table`,
    after disclosure control). ``measure``: the reading of outflow the table uses; where the
    study also computed outflow in the other reading (``value_<group>_alt`` present in
    ``computed``, the table before disclosure control, by default ``table``), that reading
    gives rows too, suppressed where ``table`` lacks them."""
    other = None if measure is None else next(m for m in READINGS if m != measure)
    computed = table if computed is None else computed
    rows = []
    for i, r in table.iterrows():
        suppressed = bool(r.get("suppressed", False))
        for group in ("programme", "control"):
            rows.append(
                {
                    "quantity": r["outcome"],
                    "group": group,
                    "value": r[f"value_{group}"],
                    "suppressed": suppressed and pd.isna(r[f"value_{group}"]),
                    "reading": measure if r["outcome"] == READING_QUANTITY else None,
                }
            )
            alt = f"value_{group}_alt"
            if other and alt in computed and pd.notna(computed.at[i, alt]):
                rows.append(
                    {"quantity": r["outcome"], "group": group, "value": r[alt], "suppressed": pd.isna(r[alt])}
                    | {"reading": other}
                )
        if r["outcome"] == OUTCOME_FOR_N:
            for group in ("programme", "control"):
                rows.append(
                    {"quantity": "n", "group": group, "value": r[f"n_{group}"], "suppressed": pd.isna(r[f"n_{group}"])}
                )
    return pd.DataFrame(rows)


def side_by_side(published: pd.DataFrame, reproduced: pd.DataFrame, measure: str | None = None) -> pd.DataFrame:
    """Every published figure next to its reproduction, with a status per row.

    ``reproduced`` has columns ``quantity``, ``group``, ``value`` and optionally
    ``subgroup``, ``suppressed`` and ``reading``. A published figure with a ``reading`` is
    matched with the reproduction in that reading; without one, with the chapter's
    ``measure`` (the reading of the rows the chapter computes itself).
    """
    keys = ["quantity", "group", "subgroup", "reading"]
    rep = reproduced.copy()
    for col, default in (("subgroup", None), ("suppressed", False), ("reading", None)):
        if col not in rep:
            rep[col] = default
    pub = published.copy()
    if "reading" not in pub:
        pub["reading"] = None
    pub["reading"] = (
        pub["reading"].astype("object").where(pub["reading"].notna() | (pub["quantity"] != READING_QUANTITY), measure)
    )
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
    merged["reading"] = merged["reading"].replace("", None)
    return merged[
        [
            "figure_id",
            "quantity",
            "group",
            "subgroup",
            "reading",
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


def reproduced_p(comparison: pd.DataFrame, table: pd.DataFrame, measure: str | None = None) -> list:
    """The reproduction's p-value of the comparison each labelled row of ``comparison`` is
    about (missing where the report gives no label): the outcome table's ``p_value``, or
    ``p_value_alt`` where the row is about outflow in the reading the chapter did not choose."""
    rows = table.set_index(["outcome", "target_group"])
    found = []
    for _, r in comparison.iterrows():
        key = (r["quantity"], r["subgroup"] if isinstance(r["subgroup"], str) else "")
        if pd.isna(r["significance"]) or key not in rows.index:
            found.append(pd.NA)
            continue
        other = measure is not None and isinstance(r.get("reading"), str) and r["reading"] != measure
        column = "p_value_alt" if other else "p_value"
        value = rows.at[key, column] if column in rows else np.nan
        found.append(pd.NA if pd.isna(value) else float(value))
    return found


def _status(row) -> str:
    if row["suppressed"] is True:
        return STATUS_SUPPRESSED
    if pd.isna(row["reproduced"]):
        return STATUS_MISSING
    return STATUS_AGREES if row["lower"] <= row["reproduced"] <= row["upper"] else STATUS_DIFFERS
