"""Every published figure: valid against its contract, and quoted from its source report."""

from pathlib import Path

import pytest

from conftest import ROOT, seed_text
from evalbook.core import contract
from evalbook.core.errors import ContractError
from evalbook.schemas.published import PUBLISHED

FILES = sorted((ROOT / "data" / "published").glob("*/*.csv"))


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_published_file_meets_contract_and_quotes_its_source(path: Path):
    figures = contract.read(path, PUBLISHED)
    for _, row in figures.iterrows():
        quote = " ".join(row["quote"].split())
        assert quote in seed_text(row["source"]), f"{row['figure_id']}: quote not found in {row['source']}"


def test_every_transcribed_chapter_is_there():
    assert [f"{p.parent.name}/{p.stem}" for p in FILES] == [
        "route3/effect_study",
        "route3/phone_survey",
        "route3/process",
        "wgw/effect_study",
        "wgw/phone_survey",
        "wwatwork/client_survey",
        "wwatwork/effect_study",
        "wwatwork/labour_market",
    ]


def test_wgw_group_sizes_are_the_reports():
    figures = contract.read(ROOT / "data" / "published" / "wgw" / "effect_study.csv", PUBLISHED)
    n = figures[figures["quantity"] == "n"].set_index("group")["value"]
    assert n.to_dict() == {"programme": 300, "control": 294}


def test_a_figure_outside_its_bounds_is_refused(tmp_path):
    src = (ROOT / "data" / "published" / "wgw" / "effect_study.csv").read_text(encoding="utf-8")
    broken = src.replace("outflow_programme,outflow,programme,,19,", "outflow_programme,outflow,programme,,25,")
    (tmp_path / "x.csv").write_text(broken, encoding="utf-8")
    with pytest.raises(ContractError, match="column 'value' at line 4 .*between lower and upper"):
        contract.read(tmp_path / "x.csv", PUBLISHED)
