"""The literature-scan chapter: the general effective factors of re-integration services and,
per programme, how each evidence source of the evaluation judges the programme on them.

The coded scan lives in ``data/literature/`` (see the README there):

- ``principles.csv``: the three general effective factors and their working principles, as the
  WGW report (ch. 4) and the Route 3 report (ch. 6) describe them;
- ``assessment.csv``: per programme a matrix factor × evidence source → judgement, every cell
  resting on a passage of the source report;
- ``success_factors.csv``: programme-specific success factors (WW@Work), each linked to a
  general factor and principle.

Every quote must occur in its source text (``data/sources/``) after runs of white space are
collapsed: the contracts check this on load. :func:`factor_comparisons` and
:func:`summary_sentences` turn a programme's matrix into the chapter's generated text.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.colors import ListedColormap
from matplotlib.patches import Patch

from .book import config as chapters
from .book.provenance import Provenance
from .core import contract as contracts, paths
from .schemas.literature import ASSESSMENT, PRINCIPLES, SUCCESS_FACTORS
from .report import format as fmt
from .report.tables import Table
from .report.text import join, readable

FACTOR_LABELS = {
    "positieve_bejegening": "Positieve bejegening",
    "professioneel_handelen": "Professioneel handelen",
    "passende_instrumenten": "Passende instrumenten",
}
EVIDENCE_LABELS = {
    "professionals": "interviews met professionals",
    "survey": "enquête onder werkzoekenden",
    "effect_study": "effectstudie",
    "case_study": "casestudy",
}
EVIDENCE_SHORT = {"professionals": "professionals", "survey": "enquête", "effect_study": "effectstudie",
                  "case_study": "casestudy"}
# The measured results the professionals' view is set against (the reports' central finding).
MEASURED = ("survey", "effect_study")
JUDGEMENT_LABELS = {
    "positive": "positief",
    "mixed": "gedeeltelijk positief",
    "no_difference": "geen verschil",
    "not_measured": "niet gemeten",
}
# Order of the judgements that say something; "not_measured" has no rank.
RANK = {"no_difference": 0, "mixed": 1, "positive": 2}
JUDGEMENT_COLOURS = {"positive": "#1a9850", "mixed": "#a6d96a", "no_difference": "#fdae61", "not_measured": "#f0f0f0"}


@dataclass(frozen=True)
class Report:
    source: str  # file in data/sources/
    key: str  # citation key in references.bib
    label: str  # Dutch short name


REPORTS = {
    "wgw": Report("000_aaf9a774a8635906.txt", "obi2018wgw", "WGW-rapport"),
    "route3": Report("002_3bc639e8ce575c13.txt", "obi2018route3", "Route 3-rapport"),
    "wwatwork": Report("003_562b6b645ae3643e.txt", "verstegen_rotterdamzuid", "casestudy Rotterdam Zuid"),
}
REPORT_OF_SOURCE = {r.source: r for r in REPORTS.values()}
# The literature scan itself is described in full in the WGW report (ch. 4).
SCAN_REPORT = REPORTS["wgw"]


FILES = {"principles": PRINCIPLES, "assessment": ASSESSMENT, "success_factors": SUCCESS_FACTORS}


@dataclass(frozen=True)
class Scan:
    principles: pd.DataFrame
    assessment: pd.DataFrame
    success_factors: pd.DataFrame


def load(literature_dir: str | Path = "data/literature", provenance: Provenance | None = None) -> Scan:
    """Read and validate the coded scan; each file is recorded in ``provenance`` (the chapter's
    provenance box lists it)."""
    base = paths.resolve(literature_dir)
    frames = {}
    for stem, contract in FILES.items():
        path = base / f"{stem}.csv"
        if provenance is not None:
            provenance.record(path)
        frames[stem] = contracts.read(path, contract)
    return Scan(**frames)


def check(parameters: dict, root: Path) -> None:
    """The build's input check (template metadata ``check``): the coded scan loads cleanly."""
    load(paths.resolve(parameters["literature_dir"], root))


# -- the matrix and what it says ----------------------------------------------------------

def matrix(assessment: pd.DataFrame, programme: str) -> pd.DataFrame:
    """The programme's judgement codes: factors as rows, evidence sources as columns (in the
    order of :data:`FACTOR_LABELS` and :data:`EVIDENCE_LABELS`). Every cell must be coded."""
    cells = assessment[assessment["programme"] == programme]
    grid = cells.pivot(index="factor", columns="evidence", values="judgement")
    grid = grid.reindex(index=list(FACTOR_LABELS), columns=list(EVIDENCE_LABELS))
    missing = [f"{f} × {e}" for f in grid.index for e in grid.columns if pd.isna(grid.loc[f, e])]
    if missing:
        raise ValueError(f"the assessment of {programme!r} lacks {len(missing)} cell(s): {', '.join(missing)}")
    return grid


@dataclass(frozen=True)
class FactorComparison:
    """How the evidence sources judge one factor, relative to the professionals' view."""

    factor: str
    professionals: str  # judgement code of the professionals' interviews
    judgements: dict  # evidence source -> judgement code, for the other sources
    agree: tuple  # sources judging as the professionals do
    less_positive: tuple  # sources judging less positively than the professionals
    more_positive: tuple  # sources judging more positively than the professionals
    not_measured: tuple  # sources without a judgement

    @property
    def measured(self) -> tuple:
        """The other sources that give a judgement."""
        return tuple(s for s, j in self.judgements.items() if j != "not_measured")

    @property
    def status(self) -> str:
        """``insufficient`` (fewer than two sources judge), ``agree`` (all judging sources
        agree), ``professionals_more_positive`` (a measured result, enquête or effectstudie, is
        less positive than the professionals) or ``differ``."""
        judging = self.measured + (("professionals",) if self.professionals != "not_measured" else ())
        if len(judging) < 2:
            return "insufficient"
        if self.professionals == "not_measured":
            return "agree" if len({self.judgements[s] for s in self.measured}) == 1 else "differ"
        if not self.less_positive and not self.more_positive:
            return "agree"
        if any(s in MEASURED for s in self.less_positive):
            return "professionals_more_positive"
        return "differ"


STATUS_LABELS = {
    "agree": "bronnen eens",
    "professionals_more_positive": "professionals positiever dan metingen",
    "differ": "bronnen verschillen",
    "insufficient": "te weinig bronnen",
}


def factor_comparisons(grid: pd.DataFrame) -> list[FactorComparison]:
    """One :class:`FactorComparison` per factor (row) of a matrix from :func:`matrix`."""
    out = []
    for factor, row in grid.iterrows():
        prof = row["professionals"]
        others = {e: row[e] for e in grid.columns if e != "professionals"}
        judged = {e: j for e, j in others.items() if j != "not_measured"}
        has_view = prof != "not_measured"
        out.append(FactorComparison(
            factor=factor, professionals=prof, judgements=others,
            agree=tuple(e for e, j in judged.items() if has_view and j == prof),
            less_positive=tuple(e for e, j in judged.items() if has_view and RANK[j] < RANK[prof]),
            more_positive=tuple(e for e, j in judged.items() if has_view and RANK[j] > RANK[prof]),
            not_measured=tuple(e for e, j in others.items() if j == "not_measured"),
        ))
    return out


def _sources(codes, article: str = "") -> str:
    return join([article + EVIDENCE_LABELS[c] for c in codes])


def _judged(codes, judgements: dict) -> str:
    return join([f"de {EVIDENCE_LABELS[c]} ({JUDGEMENT_LABELS[judgements[c]]})" for c in codes])


def _is(codes) -> str:
    return "is" if len(codes) == 1 else "zijn"


def factor_sentence(c: FactorComparison) -> str:
    """A Dutch sentence on one factor: where the sources agree, where they diverge."""
    name = FACTOR_LABELS[c.factor]
    if c.status == "insufficient":
        judging = [("professionals", c.professionals)] if c.professionals != "not_measured" else []
        judging += [(s, c.judgements[s]) for s in c.measured]
        if not judging:
            return f"{name}: geen van de bronnen geeft een oordeel."
        source, judgement = judging[0]
        return (f"{name}: alleen de {EVIDENCE_LABELS[source]} geven een oordeel ({JUDGEMENT_LABELS[judgement]}); "
                f"de andere bronnen zijn niet gemeten." if source == "professionals" else
                f"{name}: alleen de {EVIDENCE_LABELS[source]} geeft een oordeel ({JUDGEMENT_LABELS[judgement]}).")
    if c.professionals == "not_measured":
        return f"{name}: de professionals geven geen oordeel; wel {_judged(c.measured, c.judgements)}."
    view = f"{name}: de professionals oordelen {JUDGEMENT_LABELS[c.professionals]}"
    if c.status == "agree":
        return f"{view}, en {_sources(c.agree, 'de ')} {'bevestigt' if len(c.agree) == 1 else 'bevestigen'} dat."
    parts = [view]
    if c.agree:
        parts.append(f"{_sources(c.agree, 'de ')} {'bevestigt' if len(c.agree) == 1 else 'bevestigen'} dat")
    if c.less_positive:
        parts.append(f"minder positief {_is(c.less_positive)} {_judged(c.less_positive, c.judgements)}")
    if c.more_positive:
        parts.append(f"positiever {_is(c.more_positive)} {_judged(c.more_positive, c.judgements)}")
    return "; ".join(parts) + "."


def central_sentence(comparisons: list[FactorComparison]) -> str:
    """The reports' central finding for one programme: do the measured results (enquête,
    effectstudie) bear out the professionals' view? One clause per measured source."""
    total = fmt.number(len(comparisons))
    with_view = [c for c in comparisons if c.professionals != "not_measured"]
    clauses = []
    for source in MEASURED:
        if all(c.judgements[source] == "not_measured" for c in comparisons):
            continue
        less = [c for c in with_view if source in c.less_positive]
        same = [FACTOR_LABELS[c.factor].lower() for c in with_view if source in c.agree]
        more = [FACTOR_LABELS[c.factor].lower() for c in with_view if source in c.more_positive]
        clause = (f"de {EVIDENCE_LABELS[source]} is bij {fmt.number(len(less))} van de {total} factoren "
                  f"minder positief dan de professionals")
        if same:
            clause += f"{',' if more else ' en'} bevestigt hun oordeel bij {join(same)}"
        if more:
            clause += f" en is positiever bij {join(more)}"
        clauses.append(clause)
    if not clauses:
        return ("Met een enquête of effectstudie is bij dit programma niets gemeten: het oordeel van de "
                "professionals is niet aan gemeten resultaten te toetsen.")
    text = "; ".join(clauses) + "."
    return text[0].upper() + text[1:]


def not_measured_sentence(grid: pd.DataFrame) -> str:
    """Which evidence sources the programme's evaluation did not use at all."""
    absent = [e for e in grid.columns if (grid[e] == "not_measured").all()]
    if not absent:
        return f"Alle {fmt.number(len(grid.columns))} bronnen geven bij ten minste één factor een oordeel."
    return f"Niet gemeten bij dit programma: {_sources(absent)}."


# -- presentation -------------------------------------------------------------------------

def matrix_display(grid: pd.DataFrame, caption: str | None = None) -> Table:
    """The matrix with Dutch labels."""
    shown = grid.rename(index=FACTOR_LABELS, columns=lambda e: EVIDENCE_LABELS[e].capitalize())
    shown = shown.apply(lambda col: col.map(JUDGEMENT_LABELS))
    shown = shown.rename_axis("Factor").reset_index()
    return Table(shown, caption)


def _where(source: str, section: str) -> str:
    return f"{REPORT_OF_SOURCE[source].label}, {section}"


def evidence_display(assessment: pd.DataFrame, programme: str) -> Table:
    """Every cell of the programme's matrix with the passage it rests on."""
    cells = assessment[assessment["programme"] == programme].copy()
    cells["f"] = cells["factor"].map(list(FACTOR_LABELS).index)
    cells["e"] = cells["evidence"].map(list(EVIDENCE_LABELS).index)
    cells = cells.sort_values(["f", "e"])
    shown = pd.DataFrame({
        "Factor": cells["factor"].map(FACTOR_LABELS),
        "Bron": cells["evidence"].map(EVIDENCE_LABELS).str.capitalize(),
        "Oordeel": cells["judgement"].map(JUDGEMENT_LABELS),
        "Passage": cells["quote"].map(readable),
        "Vindplaats": [_where(s, sec) for s, sec in zip(cells["source"], cells["section"])],
        "Toelichting": cells["note"].fillna(""),
    })
    return Table(shown.reset_index(drop=True))


def principles_display(principles: pd.DataFrame, programme: str) -> Table:
    """The working principles per factor, quoted from the programme's own report when it
    describes them, else from the WGW report (where the scan is described in full)."""
    own = REPORTS[programme].source
    source = own if (principles["source"] == own).any() else SCAN_REPORT.source
    rows = principles[principles["source"] == source]
    described_in = principles.groupby(["factor", "principle"])["source"].agg(
        lambda s: join([REPORT_OF_SOURCE[x].label for x in s]))
    shown = pd.DataFrame({
        "Factor": rows["factor"].map(FACTOR_LABELS),
        "Werkingsprincipe": rows["label"],
        "Passage": rows["quote"].map(readable),
        "Vindplaats": [_where(s, sec) for s, sec in zip(rows["source"], rows["section"])],
        "Beschreven in": [described_in[(f, p)] for f, p in zip(rows["factor"], rows["principle"])],
    })
    return Table(shown.reset_index(drop=True))


def success_factors_display(success_factors: pd.DataFrame, principles: pd.DataFrame, programme: str) -> Table | None:
    """The programme's own success factors, each with its general factor and principle;
    ``None`` (nothing shown) when none are coded for the programme."""
    rows = success_factors[success_factors["programme"] == programme]
    if rows.empty:
        return None
    labels = principles.drop_duplicates(["factor", "principle"]).set_index(["factor", "principle"])["label"]
    shown = pd.DataFrame({
        "Succesfactor": rows["label"],
        "Algemene factor": rows["factor"].map(FACTOR_LABELS),
        "Werkingsprincipe": [labels[(f, p)] for f, p in zip(rows["factor"], rows["principle"])],
        "Passage": rows["quote"].map(readable),
        "Vindplaats": [_where(s, sec) for s, sec in zip(rows["source"], rows["section"])],
    })
    return Table(shown.reset_index(drop=True))


def comparison_display(assessment: pd.DataFrame) -> Table:
    """The three programmes side by side: per factor the status of the evidence
    (:attr:`FactorComparison.status`) and each source's judgement."""
    rows = []
    for programme in REPORTS:
        for c in factor_comparisons(matrix(assessment, programme)):
            row = {"Programma": chapters.load().parts[programme].title, "Factor": FACTOR_LABELS[c.factor],
                   "Professionals": JUDGEMENT_LABELS[c.professionals]}
            row |= {EVIDENCE_LABELS[e].capitalize(): JUDGEMENT_LABELS[j] for e, j in c.judgements.items()}
            row["Bronnen"] = STATUS_LABELS[c.status]
            rows.append(row)
    return Table(pd.DataFrame(rows))


def comparison_sentence(assessment: pd.DataFrame) -> str:
    """Across the programmes: where a measured result is less positive than the professionals,
    where a measurement is positive, and where nothing was measured."""
    diverging, confirmed, unmeasured = [], [], []
    for programme in REPORTS:
        title = chapters.load().parts[programme].title
        comparisons = factor_comparisons(matrix(assessment, programme))
        if all(c.judgements[s] == "not_measured" for c in comparisons for s in MEASURED):
            unmeasured.append(title)
            continue
        n = sum(any(s in c.less_positive for s in MEASURED) for c in comparisons)
        diverging.append(f"{fmt.number(n)} van de {fmt.number(len(comparisons))} factoren voor {title}")
        positive = [FACTOR_LABELS[c.factor].lower() for c in comparisons
                    if any(c.judgements[s] == "positive" for s in MEASURED)]
        if positive:
            confirmed.append(f"{title} ({join(positive)})")
    sentences = []
    if diverging:
        sentences.append("Een meting (enquête of effectstudie) is minder positief dan de professionals bij "
                         f"{join(diverging)}.")
        sentences.append(f"Een positief meetresultaat is er alleen bij {join(confirmed)}." if confirmed
                         else "Geen enkele meting geeft een positief resultaat.")
    if unmeasured:
        sentences.append(f"Bij {join(unmeasured)} is geen enquête of effectstudie met vergelijkingsgroep "
                         "gedaan: daar rust het oordeel op de professionals en de casestudy.")
    return " ".join(sentences)


def success_factors_sentence(success_factors: pd.DataFrame, programme: str) -> str:
    rows = success_factors[success_factors["programme"] == programme]
    title = chapters.load().parts[programme].title
    if rows.empty:
        return f"Voor {title} zijn in deze scan geen programmaspecifieke succesfactoren gecodeerd."
    per_factor = rows["factor"].map(FACTOR_LABELS).str.lower().value_counts(sort=False)
    return (f"De bronnen noemen {fmt.number(len(rows))} succesfactoren van {title}: "
            f"{join(list(rows['label'].str.lower()))}. Ze horen bij "
            f"{join([f'{name} ({fmt.number(n)})' for name, n in per_factor.items()])}.")


def heatmap(assessment: pd.DataFrame, programmes: list[str]):
    """The matrices of ``programmes`` as coloured grids, one panel each, judgement written in
    each cell. Returns the closed Figure (the notebook displays it once)."""
    codes = list(JUDGEMENT_LABELS)
    cmap = ListedColormap([JUDGEMENT_COLOURS[c] for c in codes])
    fig, axes = plt.subplots(1, len(programmes), figsize=(4.2 * len(programmes) + 1.6, 3.4), squeeze=False)
    for i, (ax, programme) in enumerate(zip(axes[0], programmes)):
        grid = matrix(assessment, programme)
        ax.imshow(grid.map(codes.index).to_numpy(dtype=float), cmap=cmap, vmin=-0.5, vmax=len(codes) - 0.5,
                  aspect="auto")
        for (y, x), code in pd.DataFrame(grid.to_numpy()).stack().items():
            ax.text(x, y, JUDGEMENT_LABELS[code].replace(" ", "\n", 1), ha="center", va="center", fontsize=8)
        ax.set_xticks(range(grid.shape[1]), [EVIDENCE_SHORT[e] for e in grid.columns], fontsize=8)
        ax.set_yticks(range(grid.shape[0]), [FACTOR_LABELS[f] for f in grid.index] if i == 0 else [], fontsize=9)
        ax.set_xticks([x - 0.5 for x in range(1, grid.shape[1])], minor=True)
        ax.set_yticks([y - 0.5 for y in range(1, grid.shape[0])], minor=True)
        ax.grid(which="minor", color="white", linewidth=2)
        ax.tick_params(which="both", length=0)
        ax.set_title(chapters.load().parts[programme].title, fontsize=10)
    fig.legend(handles=[Patch(facecolor=JUDGEMENT_COLOURS[c], edgecolor="#999999", label=JUDGEMENT_LABELS[c])
                        for c in codes], loc="lower center", ncol=len(codes), frameon=False, fontsize=8)
    fig.tight_layout(rect=(0, 0.08, 1, 1))
    plt.close(fig)  # shown once, by the notebook's display of the returned figure
    return fig


def table(assessment: pd.DataFrame, programme: str) -> pd.DataFrame:
    """The chapter's aggregate table: the programme's coded cells with their location."""
    cells = assessment[assessment["programme"] == programme]
    return cells[["programme", "factor", "evidence", "judgement", "source", "section"]].reset_index(drop=True)


def glue_values(scan: Scan, programme: str) -> dict[str, str]:
    """Every generated text the chapter's prose shows, by glue name."""
    grid = matrix(scan.assessment, programme)
    comparisons = factor_comparisons(grid)
    values = {f"factor_{c.factor}": factor_sentence(c) for c in comparisons}
    values["central"] = central_sentence(comparisons)
    values["not_measured"] = not_measured_sentence(grid)
    values["comparison"] = comparison_sentence(scan.assessment)
    values["success_factors"] = success_factors_sentence(scan.success_factors, programme)
    values["programme_title"] = chapters.load().parts[programme].title
    values["report"] = REPORTS[programme].label
    values["n_cells"] = fmt.number(grid.size)
    values["principles_total"] = fmt.number(len(scan.principles.drop_duplicates(["factor", "principle"])))
    return values
