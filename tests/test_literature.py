"""The literature scan: the coded data against their source texts, the bibliography against
every citation in the book, and the generated text on hand-made matrices."""

import json
import re

import pandas as pd
import pytest
from pybtex.database import parse_file

from conftest import ROOT, seed_text
from evalbook.analysis import literature
from evalbook.book import config
from evalbook.book.chapter import Chapter
from evalbook.chapters import literature_scan as literature_chapter
from evalbook.core import contract
from evalbook.core.errors import ContractError
from evalbook.report import literature as report
from evalbook.report.text import readable
from evalbook.schemas.literature import ASSESSMENT, PRINCIPLES

LIT = ROOT / "data" / "literature"
BIB = LIT / "references.bib"
FACTORS = ["positieve_bejegening", "professioneel_handelen", "passende_instrumenten"]
EVIDENCE = ["professionals", "survey", "effect_study", "case_study"]
CITE = re.compile(r"\{cite(?::[a-z]+)?\}`([^`]+)`")


def raw(name: str) -> pd.DataFrame:
    return pd.read_csv(LIT / f"{name}.csv", dtype=str, keep_default_na=False)


def bib_keys() -> set[str]:
    return set(re.findall(r"^@\w+\{([^,\s]+),", BIB.read_text(encoding="utf-8"), flags=re.M))


# -- the coded data -----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["assessment", "principles", "success_factors"])
def test_every_row_quotes_a_passage_of_its_source(name):
    frame = raw(name)
    missing = [
        (i + 2, r["source"], r["quote"][:60])
        for i, r in frame.iterrows()
        if " ".join(r["quote"].split()) not in seed_text(r["source"])
    ]
    assert not missing, f"{name}.csv: quotes not found in their source: {missing}"


def test_each_programme_has_a_complete_matrix():
    frame = raw("assessment")
    for programme in ("wgw", "route3", "wwatwork"):
        cells = frame[frame["programme"] == programme]
        assert sorted(zip(cells["factor"], cells["evidence"], strict=True)) == sorted(
            (f, e) for f in FACTORS for e in EVIDENCE
        ), programme


def read_scan() -> tuple[literature.Scan, Chapter]:
    """The coded scan as the chapter reads it (its run function), with the running chapter."""
    chapter = Chapter("literature_scan", "wgw", {})
    return literature_chapter.run(chapter).released, chapter


def test_the_scan_loads_and_records_its_files():
    scan, chapter = read_scan()
    names = [name.rsplit("/", 1)[-1] for name, _ in chapter.provenance.files]
    assert names == ["principles.csv", "assessment.csv", "success_factors.csv"]
    assert len(scan.assessment) == 36
    assert set(scan.principles["factor"]) == set(FACTORS)


def test_success_factors_point_at_coded_principles():
    principles = raw("principles")
    known = set(zip(principles["factor"], principles["principle"], strict=True))
    sf = raw("success_factors")
    assert set(zip(sf["factor"], sf["principle"], strict=True)) <= known
    wanted = {"vast_contactpersoon", "frequent_contact", "erop_zitten", "trainingen"}
    assert wanted <= set(sf.loc[sf["programme"] == "wwatwork", "success_factor"])


def test_a_quote_that_is_not_in_the_source_stops_the_load(tmp_path):
    frame = raw("assessment")
    frame.loc[3, "quote"] = "Een zin die in geen enkel rapport staat."
    path = tmp_path / "assessment.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(ContractError) as exc:
        contract.read(path, ASSESSMENT)
    assert "column 'quote' at line 5" in str(exc.value)


def test_a_source_that_is_not_in_data_sources_stops_the_load(tmp_path):
    frame = raw("principles")
    frame.loc[1, "source"] = "999_unknown.txt"
    path = tmp_path / "principles.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(ContractError) as exc:
        contract.read(path, PRINCIPLES)
    assert "column 'source' at line 3" in str(exc.value)


def test_a_new_programme_needs_no_change_to_the_contract(tmp_path):
    frame = raw("assessment")
    frame.loc[frame["programme"] == "wwatwork", "programme"] = "new_programme"
    path = tmp_path / "assessment.csv"
    frame.to_csv(path, index=False)
    assert set(contract.read(path, ASSESSMENT)["programme"]) == {"wgw", "route3", "new_programme"}


def test_an_unknown_judgement_and_a_duplicate_cell_stop_the_load(tmp_path):
    frame = raw("assessment")
    frame.loc[0, "judgement"] = "goed"
    frame = pd.concat([frame, frame.iloc[[5]]])
    path = tmp_path / "assessment.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(ContractError) as exc:
        contract.read(path, ASSESSMENT)
    message = str(exc.value)
    assert "column 'judgement' at line 2 (found 'goed')" in message
    assert "each programme, factor and evidence source once" in message


# -- the bibliography ---------------------------------------------------------------------


def cited_keys() -> dict[str, set[str]]:
    """Every citation key in the book's Markdown pages and notebook Markdown cells (executed
    chapters and templates), by file."""
    found = {}
    book = ROOT / "book"
    for path in [*book.rglob("*.md"), *book.rglob("*.ipynb"), *(ROOT / "notebooks").glob("*.ipynb")]:
        if path.suffix == ".md":
            texts = [path.read_text(encoding="utf-8")]
        else:
            nb = json.loads(path.read_text(encoding="utf-8"))
            texts = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"]
        keys = {k.strip() for text in texts for group in CITE.findall(text) for k in group.split(",")}
        if keys:
            found[str(path.relative_to(ROOT))] = keys
    return found


def test_every_citation_in_the_book_is_in_the_bibliography():
    cited = cited_keys()
    assert any(p.startswith("book/wgw/literature_scan") for p in cited)  # the scan can find citations
    unknown = {p: sorted(k - bib_keys()) for p, k in cited.items() if k - bib_keys()}
    assert not unknown, f"citation keys missing from {BIB.name}: {unknown}"


def test_the_citation_scanner_reads_roles():
    text = "zie {cite:p}`a,b` en {cite:t}`c` of {cite}`d`"
    assert [k for g in CITE.findall(text) for k in g.split(",")] == ["a", "b", "c", "d"]


def test_the_bibliography_holds_the_required_sources_and_nothing_invented():
    data = parse_file(str(BIB))
    required = {
        "wesdorp2009",
        "tno2015",
        "divosa2016",
        "uwv2016",
        "erasmus2014",
        "nadeww2016",
        "obi2018wgw",
        "obi2018route3",
        "verstegen_rotterdamzuid",
    }
    assert required <= set(data.entries)
    assert set(data.entries) == bib_keys()
    for key, entry in data.entries.items():
        assert not {"doi", "pages", "url", "isbn", "publisher"} & {f.lower() for f in entry.fields}, key
        if "title" not in entry.fields:
            assert "niet" in entry.fields["note"] or "Alleen" in entry.fields["note"], key
    assert data.entries["uwv2016"].fields.keys() == {"year", "note"}  # the report gives only author and year
    assert data.entries["uwv2016"].fields["note"].startswith("Alleen auteur en jaar bekend")
    assert str(data.entries["wesdorp2009"].persons["author"][0]) == "Wesdorp, W."


def test_the_references_column_cites_known_keys():
    refs = raw("principles")["references"]
    keys = {k.strip() for cell in refs if cell for k in cell.split(";")}
    assert keys and keys <= bib_keys()


# -- generated text on hand-made matrices -------------------------------------------------

LABELS = {
    "wgw": {"title": "Wijkgestuurd Werken", "source": {"file": "a.txt", "label": "A-rapport"}},
    "route3": {"title": "Leerlandschap Route 3", "source": {"file": "b.txt", "label": "B-rapport"}},
    "wwatwork": {"title": "WW@Work", "source": {"file": "c.txt", "label": "C-rapport"}},
}


def assessment(cells: dict, programme: str = "wgw") -> pd.DataFrame:
    """``cells``: factor -> (professionals, survey, effect_study, case_study) judgements."""
    return pd.DataFrame(
        [
            {"programme": programme, "factor": f, "evidence": e, "judgement": j}
            for f, judgements in cells.items()
            for e, j in zip(EVIDENCE, judgements, strict=True)
        ]
    )


def comparisons(cells: dict):
    return literature.factor_comparisons(literature.matrix(assessment(cells), "wgw"))


AGREE = dict.fromkeys(FACTORS, ("positive", "positive", "positive", "not_measured"))
DIVERGE = dict.fromkeys(FACTORS, ("positive", "no_difference", "no_difference", "not_measured"))


def test_matrix_orders_factors_and_sources_and_refuses_gaps():
    cells = dict.fromkeys(reversed(FACTORS), ("positive", "mixed", "no_difference", "not_measured"))
    grid = literature.matrix(assessment(cells), "wgw")
    assert list(grid.index) == FACTORS and list(grid.columns) == EVIDENCE
    assert grid.loc["professioneel_handelen", "survey"] == "mixed"
    frame = assessment(cells)
    with pytest.raises(ContractError, match="positieve_bejegening × effect_study"):
        literature.matrix(frame.drop(index=frame.index[-2]), "wgw")


def test_agreeing_sources_are_reported_as_agreeing():
    result = comparisons(AGREE)
    assert [c.status for c in result] == ["agree"] * 3
    assert result[0].agree == ("survey", "effect_study") and result[0].not_measured == ("case_study",)
    sentence = report.factor_sentence(result[0])
    assert sentence == (
        "Positieve bejegening: de professionals oordelen positief, en de enquête onder "
        "werkzoekenden en de effectstudie bevestigen dat."
    )
    central = report.central_sentence(result)
    assert "is bij 0 van de 3 factoren minder positief" in central
    assert "bevestigt hun oordeel bij positieve bejegening, professioneel handelen en passende instrumenten" in central


def test_professionals_more_positive_than_the_measurements_is_a_divergence():
    result = comparisons(DIVERGE)
    assert [c.status for c in result] == ["professionals_more_positive"] * 3
    assert report.factor_sentence(result[1]) == (
        "Professioneel handelen: de professionals oordelen positief; minder positief zijn de enquête onder "
        "werkzoekenden (geen verschil) en de effectstudie (geen verschil)."
    )
    assert report.central_sentence(result) == (
        "De enquête onder werkzoekenden is bij 3 van de 3 factoren minder positief dan de professionals; "
        "de effectstudie is bij 3 van de 3 factoren minder positief dan de professionals."
    )


def test_a_partly_confirmed_view_names_both_sides():
    cells = dict(
        DIVERGE,
        positieve_bejegening=("positive", "positive", "no_difference", "not_measured"),
        passende_instrumenten=("mixed", "positive", "mixed", "positive"),
    )
    bejegening, _, instrumenten = comparisons(cells)
    assert bejegening.status == "professionals_more_positive"
    assert report.factor_sentence(bejegening) == (
        "Positieve bejegening: de professionals oordelen positief; de enquête onder werkzoekenden bevestigt dat; "
        "minder positief is de effectstudie (geen verschil)."
    )
    # professionals less positive than the survey and the case study: a difference, not the central finding
    assert instrumenten.status == "differ" and instrumenten.more_positive == ("survey", "case_study")
    assert "positiever zijn de enquête onder werkzoekenden (positief) en de casestudy (positief)" in (
        report.factor_sentence(instrumenten)
    )


def test_only_qualitative_sources_cannot_test_the_professionals_view():
    cells = dict.fromkeys(FACTORS, ("positive", "not_measured", "not_measured", "mixed"))
    result = comparisons(cells)
    assert result[0].status == "differ"  # the case study is less positive, but it is no measurement
    assert report.central_sentence(result).startswith("Met een enquête of effectstudie is bij dit programma niets")
    lonely = comparisons(dict.fromkeys(FACTORS, ("positive", "not_measured", "not_measured", "not_measured")))
    assert lonely[0].status == "insufficient"
    assert report.factor_sentence(lonely[0]) == (
        "Positieve bejegening: alleen de interviews met professionals "
        "geven een oordeel (positief); de andere bronnen zijn niet gemeten."
    )
    (matrix,) = literature.analyse(assessment(cells), ["wgw"]).values()
    assert matrix.unused == ("survey", "effect_study") and not matrix.measured
    assert report.not_measured_sentence(matrix) == (
        "Niet gemeten bij dit programma: enquête onder werkzoekenden en effectstudie."
    )


def across_programmes() -> pd.DataFrame:
    return pd.concat(
        [
            assessment(AGREE, "route3"),
            assessment(DIVERGE, "wgw"),
            assessment(dict.fromkeys(FACTORS, ("positive", "not_measured", "not_measured", "positive")), "wwatwork"),
        ]
    )


def test_programmes_follow_the_given_order_and_are_summarised():
    matrices = literature.analyse(across_programmes(), ["wgw", "context", "route3", "wwatwork"])
    assert list(matrices) == ["wgw", "route3", "wwatwork"]  # no coded cells for context
    assert (matrices["wgw"].diverging, matrices["wgw"].positive) == (3, ())
    assert (matrices["route3"].diverging, matrices["route3"].positive) == (0, tuple(FACTORS))
    assert matrices["route3"].measured and not matrices["wwatwork"].measured


def test_comparison_across_programmes():
    matrices = literature.analyse(across_programmes(), list(LABELS))
    assert report.comparison_sentence(matrices, LABELS) == (
        "Een meting (enquête of effectstudie) is minder positief dan de professionals bij 3 van de 3 factoren "
        "voor Wijkgestuurd Werken en 0 van de 3 factoren voor Leerlandschap Route 3. Een positief meetresultaat "
        "is er alleen bij Leerlandschap Route 3 (positieve bejegening, professioneel handelen en passende "
        "instrumenten). Bij WW@Work is geen enquête of effectstudie met vergelijkingsgroep gedaan: daar rust "
        "het oordeel op de professionals en de casestudy."
    )
    shown = report.comparison_display(matrices, LABELS).frame
    assert list(shown["Bronnen"]) == ["professionals positiever dan metingen"] * 3 + ["bronnen eens"] * 6
    fig = report.heatmap(list(matrices.values()), LABELS)
    assert [ax.get_title() for ax in fig.axes] == ["Wijkgestuurd Werken", "Leerlandschap Route 3", "WW@Work"]


def test_principles_come_from_the_own_report_or_the_one_describing_the_scan():
    principles = pd.DataFrame(
        {
            "factor": ["f", "f", "g", "f"],
            "principle": ["p", "q", "r", "q"],
            "source": ["a.txt", "a.txt", "a.txt", "b.txt"],
        }
    )
    assert literature.scan_source(principles) == "a.txt"  # quotes all three principles
    assert list(literature.principles_of(principles, "b.txt")["principle"]) == ["q"]
    assert list(literature.principles_of(principles, "c.txt")["principle"]) == ["p", "q", "r"]


def test_readable_removes_line_break_hyphens_only():
    assert readable("de werkzoe- kende en de contro- legroep") == "de werkzoekende en de controlegroep"
    assert readable("motivatie- en krachtgestuurd, praktijk- of werk") == (
        "motivatie- en krachtgestuurd, praktijk- of werk"
    )
    assert readable("uit WGW- en de reguliere praktijk") == "uit WGW- en de reguliere praktijk"


def test_glue_values_are_text_for_every_programme():
    labels = {key: part.labels() for key, part in config.load(ROOT).parts.items()}
    programmes = ("wgw", "route3", "wwatwork")
    runs = {programme: literature_chapter.run(Chapter("literature_scan", programme, {})) for programme in programmes}
    scan = runs["wgw"].released
    assert list(runs["wgw"].extra["matrices"]) == ["wgw", "route3", "wwatwork"]
    for programme, shown in runs.items():
        values = shown.values
        assert all(isinstance(v, str) and v for v in values.values())
        assert {f"factor_{f}" for f in FACTORS} <= set(values)
        assert values["report"] == labels[programme]["source"]["label"]
    # the reports' central finding for WGW: no measurement confirms the professionals
    wgw = runs["wgw"].values
    assert "bij 3 van de 3 factoren minder positief" in wgw["central"]
    # WW@Work's report does not describe the principles: they are quoted from the WGW report
    shown = report.principles_display(scan.principles, "wwatwork", labels).frame
    assert shown["Vindplaats"].str.startswith("WGW-rapport, ").all()
    assert set(report.principles_display(scan.principles, "route3", labels).frame["Vindplaats"].str[:15]) == {
        "Route 3-rapport"
    }
