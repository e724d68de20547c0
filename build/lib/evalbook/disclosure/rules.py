"""Disclosure control: no count below the minimum cell size reaches the book.

The rule, applied in one place for tables, figure labels and glued numbers:

* a group count ``n`` below the minimum is suppressed, and with it everything computed on
  that group;
* a proportion ``k`` of ``n`` is suppressed when ``k`` or ``n - k`` is below the minimum
  (the complement is as revealing as the count: 31 of 33 tells that 2 did not);
* when either group's figures of a comparison are suppressed, so are the difference, its
  interval and the p-value, which would otherwise give the suppressed value back;
* across the parts of a total (target groups), the suppressed parts together must be safe
  too (:func:`suppress_across`), else the total minus the parts shown gives them back.
"""

from __future__ import annotations

import re

import pandas as pd

from ..core.errors import DisclosureError

DEFAULT_MIN_CELL_SIZE = 10
# Statistics of a comparison row that would give a suppressed value back.
STATISTICS = ("diff", "ci_low", "ci_high", "p_value", "p_holm", "ame", "ame_low", "ame_high", "ame_p", "mde")
# Columns of a saved table (and names of glued values) that hold person counts.
COUNT_NAME = re.compile(r"^(n|k|count)(_.*)?$|_(n|count)$")


def is_safe_count(count, min_cell_size: int = DEFAULT_MIN_CELL_SIZE) -> bool:
    """Whether a person count may be shown (zero counts are never safe either: they single out)."""
    return pd.notna(count) and int(count) >= min_cell_size


def is_safe_proportion(k, n, min_cell_size: int = DEFAULT_MIN_CELL_SIZE) -> bool:
    """Whether ``k`` of ``n`` may be shown: both ``k`` and ``n - k`` reach the minimum."""
    return is_safe_count(k, min_cell_size) and is_safe_count(n - k, min_cell_size)


def require_safe(count, min_cell_size: int = DEFAULT_MIN_CELL_SIZE, what: str = "count") -> int:
    """``count`` as an int, or :class:`DisclosureError` if it may not be shown."""
    if not is_safe_count(count, min_cell_size):
        raise DisclosureError(f"{what} below the minimum cell size {min_cell_size} may not be published")
    return int(count)


def is_count_name(name: str) -> bool:
    """Whether a table column or glued value named ``name`` holds a person count."""
    return bool(COUNT_NAME.search(str(name)))


def check_table(table: pd.DataFrame, min_cell_size: int = DEFAULT_MIN_CELL_SIZE) -> None:
    """Raise :class:`DisclosureError` when a count column (see :data:`COUNT_NAME`) of a table
    about to be saved holds a value below the minimum; suppressed (missing) cells pass."""
    for column in filter(is_count_name, table.columns):
        values = pd.to_numeric(table[column], errors="coerce").dropna()
        small = values[values < min_cell_size]
        if len(small):
            raise DisclosureError(
                f"column '{column}' holds counts below the minimum cell size {min_cell_size} "
                f"(rows {', '.join(map(str, small.index[:5]))}): suppress them first "
                "(evalbook.disclosure.rules.protect)"
            )


def protect(table: pd.DataFrame, min_cell_size: int = DEFAULT_MIN_CELL_SIZE) -> pd.DataFrame:
    """A copy of a comparison table (:func:`evalbook.analysis.effect.outcome_table`) with every
    disclosive cell set to missing and a boolean column ``suppressed`` per row."""
    out = table.copy()
    out[["n_programme", "n_control"]] = out[["n_programme", "n_control"]].astype("Int64")
    suppressed = pd.Series(False, index=out.index)
    for group in ("programme", "control"):
        n, k, value = f"n_{group}", f"k_{group}", f"value_{group}"
        small_group = ~out[n].map(lambda x: is_safe_count(x, min_cell_size))
        is_prop = out["kind"] == "proportion"
        small_prop = is_prop & ~out.apply(lambda r, k=k, n=n: is_safe_proportion(r[k], r[n], min_cell_size), axis=1)
        hide = small_group | small_prop
        out.loc[hide, [k, value]] = pd.NA
        out.loc[small_group, n] = pd.NA
        suppressed |= hide
    out.loc[suppressed, [c for c in STATISTICS if c in out]] = pd.NA
    out["suppressed"] = suppressed
    return out


def suppress_across(
    table: pd.DataFrame, raw: pd.DataFrame, part: str, total_key, min_cell_size: int = DEFAULT_MIN_CELL_SIZE
) -> pd.DataFrame:
    """Secondary suppression across the parts of a total (e.g. target groups), after :func:`protect`.

    ``table`` has one row per outcome and part, plus a row whose ``part`` column is
    ``total_key``. For every outcome and group (programme, control) whose figure is
    suppressed in one or more parts, the suppressed parts taken together must be safe (their
    count and its complement, or for a mean their persons, at least ``min_cell_size``):
    otherwise the total minus the parts shown gives them back. Further parts (smallest count
    first) are suppressed until they are; when none is left, the total's figure is
    suppressed too. ``raw`` is the table before protection (same rows).
    """
    out = table.copy()
    for outcome in out["outcome"].unique():
        rows = out.index[(out["outcome"] == outcome) & (out[part] != total_key)]
        total = out.index[(out["outcome"] == outcome) & (out[part] == total_key)]
        if len(rows) == 0:
            continue
        proportion = out.loc[rows[0], "kind"] == "proportion"
        for group in ("programme", "control"):
            n, k, value = f"n_{group}", f"k_{group}", f"value_{group}"
            hidden = [i for i in rows if pd.isna(out.loc[i, value])]
            if not hidden:
                continue

            def safe(indices, n=n, k=k, proportion=proportion) -> bool:
                n_sum = int(raw.loc[indices, n].sum())
                if not proportion:
                    return is_safe_count(n_sum, min_cell_size)
                return is_safe_proportion(int(raw.loc[indices, k].sum()), n_sum, min_cell_size)

            shown = sorted(
                (i for i in rows if i not in hidden), key=lambda i: (raw.loc[i, k] if proportion else raw.loc[i, n], i)
            )
            while not safe(hidden) and shown:
                hidden.append(shown.pop(0))
            if not safe(hidden):
                hidden += list(total)
            for i in hidden:
                out.loc[i, [c for c in (k, value) if c in out]] = pd.NA
                if not is_safe_count(raw.loc[i, n], min_cell_size):
                    out.loc[i, n] = pd.NA
                out.loc[i, [c for c in STATISTICS if c in out]] = pd.NA
                out.loc[i, "suppressed"] = True
    return out


def suppressed_labels(table: pd.DataFrame) -> list[str]:
    """The labels of the rows :func:`protect` suppressed, for the chapter's note."""
    return list(table.loc[table["suppressed"], "label"])
