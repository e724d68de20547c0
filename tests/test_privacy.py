"""Privacy: BSN-like numbers and input identifiers never reach the book; person-level
rows live only in data/synthetic/ (and the git-ignored data/raw/)."""

import json
import subprocess

import pandas as pd
import pytest
from conftest import ROOT

from evalbook.core.errors import PrivacyError
from evalbook.disclosure import identifiers as privacy
from evalbook.schemas import CONTRACTS


@pytest.mark.parametrize("number,valid", [("123456782", True), ("111222333", True), ("123456789", False),
                                          ("000000000", False), ("12345678", False)])
def test_eleven_test(number, valid):
    assert privacy.is_bsn(number) is valid


def test_scan_text_finds_bsn_but_not_inside_longer_tokens():
    assert privacy.scan_text("client 123456782 heeft") == [("bsn", "123456782")]
    assert privacy.scan_text("sha a123456782b and 1234567820 and 123456789") == []
    assert privacy.scan_text("p = 0.000764345 of 123456782,5 of 0,123456782") == []  # decimals are no BSN


def test_identifiers_are_matched_as_whole_tokens_and_only_when_distinctive():
    ids = {"W00017", "57"}
    assert privacy.scan_text("rij W00017 lekt", ids) == [("identifier", "W00017")]
    assert privacy.scan_text("rij W000170 en 57 personen", ids) == []


def test_guard_names_the_file_and_masks_the_value(tmp_path):
    nb = {"cells": [{"cell_type": "code", "source": "x", "outputs": [
        {"output_type": "stream", "name": "stdout", "text": "person W00017\n"}]}]}
    (tmp_path / "c.ipynb").write_text(json.dumps(nb))
    with pytest.raises(PrivacyError) as info:
        privacy.guard([tmp_path], {"W00017"})
    assert "c.ipynb: an input identifier (W00***)" in str(info.value)
    assert "W00017" not in str(info.value)


def test_images_in_notebooks_are_not_scanned(tmp_path):
    nb = {"cells": [{"cell_type": "code", "source": "", "outputs": [
        {"output_type": "display_data", "data": {"image/png": "+123456782/", "text/plain": "<Figure>"}}]}]}
    (tmp_path / "c.ipynb").write_text(json.dumps(nb))
    assert privacy.scan([tmp_path]) == []


def test_built_chapters_and_tables_are_clean():
    assert privacy.scan([ROOT / "book"]) == []


IDENTIFIER_COLUMNS = {"person_id", "respondent", "respondent_id", "bsn"} | {
    column for contract in CONTRACTS.values() for column in contract.identifiers}


def test_no_person_level_file_outside_synthetic_data():
    tracked = subprocess.run(["git", "ls-files", "*.csv", "*.parquet"], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout.split()
    for name in tracked:
        if name.startswith("data/synthetic/"):
            continue
        path = ROOT / name
        if not path.exists():
            continue
        columns = set(pd.read_parquet(path).columns if name.endswith(".parquet") else pd.read_csv(path, nrows=0).columns)
        assert not columns & IDENTIFIER_COLUMNS, f"{name} holds person-level identifiers {columns & IDENTIFIER_COLUMNS}"


def test_raw_data_is_ignored_by_git():
    probe = ROOT / "data" / "raw" / "wgw" / "register.csv"
    out = subprocess.run(["git", "check-ignore", "-q", str(probe.relative_to(ROOT))], cwd=ROOT)
    assert out.returncode == 0, "data/raw/ must be git-ignored"
