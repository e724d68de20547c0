"""Privacy: BSN-like numbers and input identifiers never reach the book (nor an error
message); an input whose label columns hold one is refused, naming file, column and line,
before any chapter runs; person-level rows live only in data/synthetic/ (and the git-ignored
data/raw/)."""

import json
import subprocess

import pandas as pd
import pytest

from conftest import ROOT
from evalbook.book.chapter import Chapter
from evalbook.core.errors import ContractError, PrivacyError
from evalbook.disclosure import identifiers as privacy
from evalbook.schemas import CONTRACTS


@pytest.mark.parametrize(
    "number,valid",
    [("123456782", True), ("111222333", True), ("123456789", False), ("000000000", False), ("12345678", False)],
)
def test_eleven_test(number, valid):
    assert privacy.is_bsn(number) is valid


def test_scan_text_finds_bsn_but_not_inside_longer_tokens():
    assert privacy.scan_text("client 123456782 heeft") == [("bsn", "123456782")]
    assert privacy.scan_text("sha a123456782b and 1234567820 and 123456789") == []
    assert privacy.scan_text("p = 0.000764345 of 123456782,5 of 0,123456782") == []  # decimals are no BSN


@pytest.mark.parametrize("written", ["111 222 333", "1112.22.333", "111-222-333", "111.222.333", "11.122.23.33"])
def test_bsn_written_in_groups_is_found(written):
    assert privacy.scan_text(f"klant {written} belde") == [("bsn", written)]
    assert privacy.scan_text(f"n = 5 {written}.") == [("bsn", written)]  # a count before it, a full stop after


def test_grouped_numbers_that_are_no_bsn_are_not_found():
    assert privacy.scan_text("123 456 789 en 1.234.567,89 en 2017-03-12 en 0.000764345") == []
    assert privacy.scan_text("0.111 222 333") == []  # a decimal fraction with its digits grouped
    assert privacy.scan_text("totaal  111  222  333") == []  # columns of a printed table, not one number


def test_identifiers_are_matched_as_whole_tokens_and_only_when_distinctive():
    ids = {"W00017", "57", "R17"}
    assert privacy.scan_text("rij W00017 lekt", ids) == [("identifier", "W00017")]
    assert privacy.scan_text("rij W000170 en 57 personen", ids) == []  # numeric short keys look like counts
    assert privacy.scan_text("respondent R17.", ids) == [("identifier", "R17")]  # short, with a letter
    assert privacy.scan_text("R170 en xR17 en R17b", ids) == []


def test_findings_show_only_the_first_two_characters():
    assert (
        str(privacy.Finding("c.csv", "bsn", "111 222 333"))
        == "c.csv: a 9-digit number passing the BSN eleven-test (11*********)"
    )
    assert str(privacy.Finding("c.csv", "identifier", "R17")) == "c.csv: an input identifier (R1*)"


def test_label_columns_of_inputs_refuse_identifiers_and_bsn():
    frame = pd.DataFrame(
        {
            "person_id": ["R17", "R18", "R19"],
            "team": ["Noord", "Zuid", "team 111 222 333"],
            "region": ["Noord", "R18", None],
        }
    )
    with pytest.raises(PrivacyError) as info:
        privacy.scan_inputs(frame, ["team", "region", "target_group"], {"R17", "R18", "R19"}, "data/raw/x/nps.csv")
    message = str(info.value)
    assert (
        "data/raw/x/nps.csv, column 'team', line 4: a 9-digit number passing the BSN eleven-test (11*********)"
        in message
    )
    assert "data/raw/x/nps.csv, column 'region', line 3: an input identifier (R1*)" in message
    assert "111 222 333" not in message and "R18" not in message


def test_clean_label_columns_pass():
    frame = pd.DataFrame({"person_id": ["R17", "R18"], "team": ["Noord", "Zuid"]})
    assert privacy.scan_inputs(frame, ["team"], {"R17", "R18"}, "x.csv") is None


def test_guard_names_the_file_and_masks_the_value(tmp_path):
    nb = {
        "cells": [
            {
                "cell_type": "code",
                "source": "x",
                "outputs": [{"output_type": "stream", "name": "stdout", "text": "person W00017\n"}],
            }
        ]
    }
    (tmp_path / "c.ipynb").write_text(json.dumps(nb))
    with pytest.raises(PrivacyError) as info:
        privacy.guard([tmp_path], {"W00017"})
    assert "c.ipynb: an input identifier (W0****)" in str(info.value)
    assert "W00017" not in str(info.value)


def test_images_in_notebooks_are_not_scanned(tmp_path):
    nb = {
        "cells": [
            {
                "cell_type": "code",
                "source": "",
                "outputs": [
                    {"output_type": "display_data", "data": {"image/png": "+123456782/", "text/plain": "<Figure>"}}
                ],
            }
        ]
    }
    (tmp_path / "c.ipynb").write_text(json.dumps(nb))
    assert privacy.scan([tmp_path]) == []


def test_built_chapters_and_tables_are_clean():
    assert privacy.scan([ROOT / "book"]) == []


IDENTIFIER_COLUMNS = {"person_id", "respondent", "respondent_id", "bsn"} | {
    column for contract in CONTRACTS.values() for column in contract.identifiers
}


def test_no_person_level_file_outside_synthetic_data():
    tracked = subprocess.run(
        ["git", "ls-files", "*.csv", "*.parquet"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    for name in tracked:
        if name.startswith("data/synthetic/"):
            continue
        path = ROOT / name
        if not path.exists():
            continue
        frame = pd.read_parquet(path) if name.endswith(".parquet") else pd.read_csv(path, nrows=0)
        columns = set(frame.columns)
        assert not columns & IDENTIFIER_COLUMNS, f"{name} holds person-level identifiers {columns & IDENTIFIER_COLUMNS}"


def test_raw_data_is_ignored_by_git():
    probe = ROOT / "data" / "raw" / "wgw" / "register.csv"
    out = subprocess.run(["git", "check-ignore", "-q", str(probe.relative_to(ROOT))], cwd=ROOT)
    assert out.returncode == 0, "data/raw/ must be git-ignored"


# -- label columns of the inputs, through the chapter's own input path ----------------------------------


def data_dir_with(tmp_path, part: str, name: str, change) -> str:
    """A data directory holding ``part``'s embedded ``name``.csv changed by ``change(frame)``."""
    frame = pd.read_csv(ROOT / "data" / "synthetic" / part / f"{name}.csv", dtype=str, keep_default_na=False)
    (tmp_path / part).mkdir(parents=True, exist_ok=True)
    change(frame).to_csv(tmp_path / part / f"{name}.csv", index=False)
    return str(tmp_path)


def test_a_formatted_bsn_as_a_target_group_stops_the_chapter(tmp_path):
    def change(register):
        register.loc[3, "target_group"] = "111 222 333"
        return register

    with pytest.raises(PrivacyError) as info:
        Chapter("effect_study", "route3", {"data_dir": data_dir_with(tmp_path, "route3", "register", change)})
    message = str(info.value)
    assert (
        "register.csv, column 'target_group', line 5: a 9-digit number passing the BSN eleven-test (11*********)"
        in message
        and "111 222 333" not in message
    )


def test_a_short_respondent_key_as_a_team_name_stops_the_chapter(tmp_path):
    def change(scores):
        scores.loc[0, "respondent"] = "R17"
        scores.loc[1, "team"] = "R17"
        return scores

    with pytest.raises(PrivacyError) as info:
        Chapter("client_survey", "wwatwork", {"data_dir": data_dir_with(tmp_path, "wwatwork", "survey_nps", change)})
    assert "survey_nps.csv, column 'team', line 3: an input identifier (R1*)" in str(info.value)
    assert "R17" not in str(info.value)


def test_a_contract_error_masks_a_bsn(tmp_path):
    def change(register):
        register.loc[0, "start_date"] = "123456782"
        return register

    with pytest.raises(ContractError) as info:
        Chapter("effect_study", "wgw", {"data_dir": data_dir_with(tmp_path, "wgw", "register", change)})
    assert "start_date" in str(info.value) and "123456782" not in str(info.value) and "12*******" in str(info.value)


def test_the_label_columns_are_declared_on_the_contracts():
    assert CONTRACTS["register"].labels == ("target_group",) and CONTRACTS["pool"].labels == ("target_group",)
    assert CONTRACTS["nps_responses"].labels == ("team", "period") and CONTRACTS["cohort"].labels == ("region",)


def test_a_tables_cells_stay_apart_in_the_search_index():
    """Sphinx indexes an HTML output by stripping its tags: cells written without anything
    between them ran together, and "augustus 2017", "118" and "50,8%" became the word
    201711850, which passes the eleven-test and stopped a rebuild on new data."""
    from docutils import nodes
    from docutils.utils import new_document
    from sphinx.search import WordCollector

    from evalbook.book.sphinx_ext import DutchSearch
    from evalbook.report.tables import Table

    assert privacy.is_bsn("201711850")  # the word the month table made
    table = Table(pd.DataFrame({"Maand": ["augustus 2017"], "n": ["118"], "Promotors": ["50,8%"]}))
    document = new_document("chapter")
    document += nodes.raw("", table._repr_html_(), format="html")
    collector = WordCollector(document, DutchSearch({}))
    document.walk(collector)
    assert {"augustus", "2017", "118", "50"} <= set(collector.found_words)
    assert [word for word in collector.found_words if privacy.scan_text(word)] == []  # the index holds words


def test_no_html_output_of_a_chapter_runs_words_together_in_the_search_index():
    """Every HTML output of every committed chapter gives the search index the words a reader
    sees: stripping its tags as Sphinx does finds no word that tags-as-spaces would not."""
    import re

    from evalbook.book.sphinx_ext import DutchSearch

    search = DutchSearch({})
    glued = {}
    for notebook in sorted((ROOT / "book").rglob("*.ipynb")):
        for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
            for output in cell.get("outputs", []):
                markup = "".join(output.get("data", {}).get("text/html", ""))
                as_sphinx = set(search.split(re.sub(r"<[^<]+?>", "", markup)))
                as_read = set(search.split(re.sub(r"<[^<]+?>", " ", markup)))
                if as_sphinx - as_read:
                    glued[notebook.relative_to(ROOT).as_posix()] = sorted(as_sphinx - as_read)[:5]
    assert glued == {}
