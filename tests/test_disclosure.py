"""Disclosure control: small counts and their complements never survive protect()."""

import pandas as pd

from evalbook import compare
from evalbook.core.errors import DisclosureError
from evalbook.disclosure import rules as disclosure


def table(k1, n1, k0, n0):
    return pd.DataFrame([{"outcome": "x", "label": "X", "kind": "proportion"} | compare.proportions(k1, n1, k0, n0)])


def test_safe_rows_are_untouched():
    out = disclosure.protect(table(57, 300, 38, 294), 10)
    assert not out["suppressed"].any()
    assert out.loc[0, "k_programme"] == 57


def test_small_count_suppresses_the_row_statistics():
    out = disclosure.protect(table(4, 300, 38, 294), 10)
    assert out.loc[0, "suppressed"]
    assert pd.isna(out.loc[0, "k_programme"]) and pd.isna(out.loc[0, "value_programme"])
    for col in ("diff", "ci_low", "ci_high", "p_value"):
        assert pd.isna(out.loc[0, col])
    assert out.loc[0, "k_control"] == 38  # the other group's count may stay


def test_small_complement_is_suppressed_too():
    out = disclosure.protect(table(31, 33, 19, 21), 10)  # 2 returned in each group
    assert pd.isna(out.loc[0, "value_programme"]) and pd.isna(out.loc[0, "value_control"])


def test_small_group_hides_its_n():
    out = disclosure.protect(table(3, 8, 38, 294), 10)
    assert pd.isna(out.loc[0, "n_programme"]) and out.loc[0, "n_control"] == 294


def test_threshold_is_a_parameter():
    assert not disclosure.protect(table(6, 300, 38, 294), 5)["suppressed"].any()
    assert disclosure.protect(table(6, 300, 38, 294), 10)["suppressed"].all()


def test_require_safe():
    import pytest
    assert disclosure.require_safe(12, 10) == 12
    with pytest.raises(DisclosureError):
        disclosure.require_safe(9, 10)
    with pytest.raises(DisclosureError):
        disclosure.require_safe(0, 10)


def test_check_table_refuses_small_counts_and_passes_suppressed_ones():
    import pytest
    ok = pd.DataFrame({"n_programme": [300, pd.NA], "value_programme": [1.0, 2.0]})
    disclosure.check_table(ok, 10)
    with pytest.raises(DisclosureError, match="n_programme"):
        disclosure.check_table(pd.DataFrame({"n_programme": [300, 4]}), 10)


def test_no_built_table_or_glued_count_is_below_the_minimum():
    """Scans every executed chapter in book/: its saved table and its glued counts."""
    import json

    from conftest import ROOT

    chapters = sorted((ROOT / "book").glob("*/*.ipynb"))
    checked = 0
    for path in chapters:
        nb = json.loads(path.read_text(encoding="utf-8"))
        minimum = nb["metadata"]["papermill"]["parameters"].get("min_cell_size", disclosure.DEFAULT_MIN_CELL_SIZE)
        table = path.parent / "tables" / f"{path.stem}.csv"
        if table.is_file():
            disclosure.check_table(pd.read_csv(table), minimum)
        for cell in nb["cells"]:
            for out in cell.get("outputs", []):
                glue = out.get("metadata", {}).get("scrapbook", {}).get("name")
                if glue and disclosure.is_count_name(glue):
                    plain = next(v for k, v in out["data"].items() if k.endswith("text/plain"))
                    text = plain.strip("'\"").replace(".", "")
                    if text.isdigit():
                        assert int(text) >= minimum, f"{path.name}: glued count {glue} = {text}"
                        checked += 1
    assert checked >= 10  # the group sizes of every comparison chapter at least: the scan did look
