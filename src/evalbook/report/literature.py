"""The literature scan in Dutch: the sentences on where the evidence sources agree, the tables
of the matrix and the passages it rests on, and the matrix as a coloured grid.

Programme titles and source-report names come from ``book.yml`` (``labels``: part key →
labels, as ``Chapter.book_labels``); the results come from :mod:`evalbook.analysis.literature`.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.colors import ListedColormap
from matplotlib.patches import Patch

from ..analysis.literature import MEASURED, NOT_MEASURED, FactorComparison, ProgrammeMatrix, Scan, principles_of
from ..analysis.literature import table as analysis_table
from ..schemas.literature import EVIDENCE, FACTORS
from . import figures
from . import format as fmt
from .tables import Table
from .text import join, lower_first, readable

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
EVIDENCE_SHORT = {
    "professionals": "professionals",
    "survey": "enquête",
    "effect_study": "effectstudie",
    "case_study": "casestudy",
}
JUDGEMENT_LABELS = {
    "positive": "positief",
    "mixed": "gedeeltelijk positief",
    "no_difference": "geen verschil",
    NOT_MEASURED: "niet gemeten",
}
JUDGEMENT_COLOURS = {"positive": "#1a9850", "mixed": "#a6d96a", "no_difference": "#fdae61", NOT_MEASURED: "#f0f0f0"}
STATUS_LABELS = {
    "agree": "bronnen eens",
    "professionals_more_positive": "professionals positiever dan metingen",
    "differ": "bronnen verschillen",
    "insufficient": "te weinig bronnen",
}


# -- sentences ----------------------------------------------------------------------------


def _sources(codes, article: str = "") -> str:
    return join([article + EVIDENCE_LABELS[c] for c in codes])


def _judged(codes, judgements: dict) -> str:
    return join([f"de {EVIDENCE_LABELS[c]} ({JUDGEMENT_LABELS[judgements[c]]})" for c in codes])


def _is(codes) -> str:
    return "is" if len(codes) == 1 else "zijn"


def _confirm(codes) -> str:
    return f"{_sources(codes, 'de ')} {'bevestigt' if len(codes) == 1 else 'bevestigen'} dat"


def _factors(factors) -> str:
    return join([lower_first(FACTOR_LABELS[f]) for f in factors])


def factor_sentence(c: FactorComparison) -> str:
    """A Dutch sentence on one factor: where the sources agree, where they diverge."""
    name = FACTOR_LABELS[c.factor]
    if c.status == "insufficient":
        judging = [("professionals", c.professionals)] if c.professionals != NOT_MEASURED else []
        judging += [(s, c.judgements[s]) for s in c.measured]
        if not judging:
            return f"{name}: geen van de bronnen geeft een oordeel."
        source, judgement = judging[0]
        return (
            f"{name}: alleen de {EVIDENCE_LABELS[source]} geven een oordeel ({JUDGEMENT_LABELS[judgement]}); "
            f"de andere bronnen zijn niet gemeten."
            if source == "professionals"
            else f"{name}: alleen de {EVIDENCE_LABELS[source]} geeft een oordeel ({JUDGEMENT_LABELS[judgement]})."
        )
    if c.professionals == NOT_MEASURED:
        return f"{name}: de professionals geven geen oordeel; wel {_judged(c.measured, c.judgements)}."
    view = f"{name}: de professionals oordelen {JUDGEMENT_LABELS[c.professionals]}"
    if c.status == "agree":
        return f"{view}, en {_confirm(c.agree)}."
    parts = [view]
    if c.agree:
        parts.append(_confirm(c.agree))
    if c.less_positive:
        parts.append(f"minder positief {_is(c.less_positive)} {_judged(c.less_positive, c.judgements)}")
    if c.more_positive:
        parts.append(f"positiever {_is(c.more_positive)} {_judged(c.more_positive, c.judgements)}")
    return "; ".join(parts) + "."


def central_sentence(comparisons: list[FactorComparison]) -> str:
    """The reports' central finding for one programme: do the measured results (enquête,
    effectstudie) bear out the professionals' view? One clause per measured source."""
    total = fmt.number(len(comparisons))
    with_view = [c for c in comparisons if c.professionals != NOT_MEASURED]
    clauses = []
    for source in MEASURED:
        if all(c.judgements[source] == NOT_MEASURED for c in comparisons):
            continue
        less = [c for c in with_view if source in c.less_positive]
        same = [c.factor for c in with_view if source in c.agree]
        more = [c.factor for c in with_view if source in c.more_positive]
        clause = (
            f"de {EVIDENCE_LABELS[source]} is bij {fmt.number(len(less))} van de {total} factoren "
            f"minder positief dan de professionals"
        )
        if same:
            clause += f"{',' if more else ' en'} bevestigt hun oordeel bij {_factors(same)}"
        if more:
            clause += f" en is positiever bij {_factors(more)}"
        clauses.append(clause)
    if not clauses:
        return (
            "Met een enquête of effectstudie is bij dit programma niets gemeten: het oordeel van de "
            "professionals is niet aan gemeten resultaten te toetsen."
        )
    text = "; ".join(clauses) + "."
    return text[0].upper() + text[1:]


def not_measured_sentence(programme: ProgrammeMatrix) -> str:
    """Which evidence sources the programme's evaluation did not use at all."""
    if not programme.unused:
        return f"Alle {fmt.number(len(programme.grid.columns))} bronnen geven bij ten minste één factor een oordeel."
    return f"Niet gemeten bij dit programma: {_sources(programme.unused)}."


def comparison_sentence(matrices: dict[str, ProgrammeMatrix], labels: dict) -> str:
    """Across the programmes: where a measured result is less positive than the professionals,
    where a measurement is positive, and where nothing was measured."""
    diverging, confirmed, unmeasured = [], [], []
    for key, m in matrices.items():
        title = labels[key]["title"]
        if not m.measured:
            unmeasured.append(title)
            continue
        diverging.append(f"{fmt.number(m.diverging)} van de {fmt.number(len(m.comparisons))} factoren voor {title}")
        if m.positive:
            confirmed.append(f"{title} ({_factors(m.positive)})")
    sentences = []
    if diverging:
        sentences.append(
            f"Een meting (enquête of effectstudie) is minder positief dan de professionals bij {join(diverging)}."
        )
        sentences.append(
            f"Een positief meetresultaat is er alleen bij {join(confirmed)}."
            if confirmed
            else "Geen enkele meting geeft een positief resultaat."
        )
    if unmeasured:
        sentences.append(
            f"Bij {join(unmeasured)} is geen enquête of effectstudie met vergelijkingsgroep "
            "gedaan: daar rust het oordeel op de professionals en de casestudy."
        )
    return " ".join(sentences)


def success_factors_sentence(success_factors: pd.DataFrame, programme: str, labels: dict) -> str:
    """How many programme-specific success factors the sources name, and their general factors."""
    rows = success_factors[success_factors["programme"] == programme]
    title = labels[programme]["title"]
    if rows.empty:
        return f"Voor {title} zijn in deze scan geen programmaspecifieke succesfactoren gecodeerd."
    per_factor = rows["factor"].map(FACTOR_LABELS).map(lower_first).value_counts(sort=False)
    return (
        f"De bronnen noemen {fmt.number(len(rows))} succesfactoren van {title}: "
        f"{join([lower_first(x) for x in rows['label']])}. Ze horen bij "
        f"{join([f'{name} ({fmt.number(n)})' for name, n in per_factor.items()])}."
    )


def glue_values(scan: Scan, matrices: dict[str, ProgrammeMatrix], programme: str, labels: dict) -> dict[str, str]:
    """Every generated text the chapter's prose shows, by glue name."""
    own = matrices[programme]
    values = {f"factor_{c.factor}": factor_sentence(c) for c in own.comparisons}
    values["central"] = central_sentence(own.comparisons)
    values["not_measured"] = not_measured_sentence(own)
    values["comparison"] = comparison_sentence(matrices, labels)
    values["success_factors"] = success_factors_sentence(scan.success_factors, programme, labels)
    values["programme_title"] = labels[programme]["title"]
    values["report"] = labels[programme]["source"]["label"]
    values["principles_source"] = principles_source(scan.principles, programme, labels)
    values["principles_total"] = fmt.number(len(scan.principles.drop_duplicates(["factor", "principle"])))
    return values


def _the(label: str) -> str:
    """A report's name with its article: ``het WGW-rapport``, ``de casestudy Rotterdam Zuid``."""
    return f"{'het' if label.endswith('rapport') else 'de'} {label}"


def principles_source(principles: pd.DataFrame, programme: str, labels: dict) -> str:
    """Where the chapter's passages on the working principles come from: the programme's own
    report, or the report that describes the scan in full when the own one does not."""
    names = _report_names(labels)
    own = labels[programme]["source"]
    quoted = principles_of(principles, own["file"])["source"].iloc[0]
    if quoted == own["file"]:
        return f"uit {_the(own['label'])}"
    return (
        f"uit {_the(names.get(quoted, quoted))}, dat de literatuurscan volledig weergeeft; {_the(own['label'])} "
        "beschrijft ze niet"
    )


def download_table(assessment: pd.DataFrame, programme: str, labels: dict) -> pd.DataFrame:
    """The chapter's downloadable table (:func:`evalbook.analysis.literature.table`) with each
    source report by its name instead of its file."""
    table = analysis_table(assessment, programme)
    return table.assign(source=table["source"].map(lambda s: _report_names(labels).get(s, s)))


# -- tables -------------------------------------------------------------------------------


def _report_names(labels: dict) -> dict[str, str]:
    """Source file → the report's short name (``000_….txt`` → ``WGW-rapport``), from book.yml."""
    return {lab["source"]["file"]: lab["source"]["label"] for lab in labels.values() if lab.get("source")}


def _where(names: dict, sources, sections) -> list[str]:
    return [f"{names.get(s, s)}, {section}" for s, section in zip(sources, sections, strict=True)]


def matrix_display(programme: ProgrammeMatrix, caption: str | None = None) -> Table:
    """The matrix with Dutch labels."""
    shown = programme.grid.rename(index=FACTOR_LABELS, columns=lambda e: EVIDENCE_LABELS[e].capitalize())
    shown = shown.apply(lambda col: col.map(JUDGEMENT_LABELS))
    return Table(shown.rename_axis(index="Factor", columns=None).reset_index(), caption)


def evidence_display(assessment: pd.DataFrame, programme: str, labels: dict) -> Table:
    """Every cell of the programme's matrix with the passage it rests on."""
    cells = assessment[assessment["programme"] == programme]
    cells = cells.assign(f=cells["factor"].map(FACTORS.index), e=cells["evidence"].map(EVIDENCE.index))
    cells = cells.sort_values(["f", "e"])
    shown = pd.DataFrame(
        {
            "Factor": cells["factor"].map(FACTOR_LABELS),
            "Bron": cells["evidence"].map(EVIDENCE_LABELS).str.capitalize(),
            "Oordeel": cells["judgement"].map(JUDGEMENT_LABELS),
            "Passage": cells["quote"].map(readable),
            "Vindplaats": _where(_report_names(labels), cells["source"], cells["section"]),
            "Toelichting": cells["note"].fillna(""),
        }
    )
    return Table(shown.reset_index(drop=True))


def principles_display(principles: pd.DataFrame, programme: str, labels: dict) -> Table:
    """The working principles per factor, quoted from the programme's own report when it
    describes them, else from the report that describes the scan in full."""
    names = _report_names(labels)
    rows = principles_of(principles, labels[programme]["source"]["file"])
    described_in = principles.groupby(["factor", "principle"])["source"].agg(
        lambda sources: join([names.get(s, s) for s in sources])
    )
    shown = pd.DataFrame(
        {
            "Factor": rows["factor"].map(FACTOR_LABELS),
            "Werkingsprincipe": rows["label"],
            "Passage": rows["quote"].map(readable),
            "Vindplaats": _where(names, rows["source"], rows["section"]),
            "Beschreven in": [described_in[key] for key in zip(rows["factor"], rows["principle"], strict=True)],
        }
    )
    return Table(shown.reset_index(drop=True))


def success_factors_display(
    success_factors: pd.DataFrame, principles: pd.DataFrame, programme: str, labels: dict
) -> Table | None:
    """The programme's own success factors, each with its general factor and principle;
    ``None`` (nothing shown) when none are coded for the programme."""
    rows = success_factors[success_factors["programme"] == programme]
    if rows.empty:
        return None
    principle = principles.drop_duplicates(["factor", "principle"]).set_index(["factor", "principle"])["label"]
    shown = pd.DataFrame(
        {
            "Succesfactor": rows["label"],
            "Algemene factor": rows["factor"].map(FACTOR_LABELS),
            "Werkingsprincipe": [principle[key] for key in zip(rows["factor"], rows["principle"], strict=True)],
            "Passage": rows["quote"].map(readable),
            "Vindplaats": _where(_report_names(labels), rows["source"], rows["section"]),
        }
    )
    return Table(shown.reset_index(drop=True))


def comparison_display(matrices: dict[str, ProgrammeMatrix], labels: dict) -> Table:
    """The programmes side by side: per factor the status of the evidence
    (:attr:`FactorComparison.status`) and each source's judgement."""
    rows = []
    for key, m in matrices.items():
        for c in m.comparisons:
            row = {
                "Programma": labels[key]["title"],
                "Factor": FACTOR_LABELS[c.factor],
                "Professionals": JUDGEMENT_LABELS[c.professionals],
            }
            row |= {EVIDENCE_LABELS[e].capitalize(): JUDGEMENT_LABELS[j] for e, j in c.judgements.items()}
            row["Bronnen"] = STATUS_LABELS[c.status]
            rows.append(row)
    return Table(pd.DataFrame(rows))


# -- figure -------------------------------------------------------------------------------


def heatmap(matrices: list[ProgrammeMatrix], labels: dict):
    """The matrices as coloured grids, one panel each (stacked, so each stays legible in the
    column), judgement written in each cell. Returns the closed Figure (the notebook displays it once)."""
    codes = list(JUDGEMENT_LABELS)
    cmap = ListedColormap([JUDGEMENT_COLOURS[c] for c in codes])
    fig, axes = plt.subplots(len(matrices), 1, figsize=(6.0, 3.0 * len(matrices) + 0.8), squeeze=False)
    for ax, m in zip(axes[:, 0], matrices, strict=True):
        grid = m.grid
        ax.imshow(
            grid.map(codes.index).to_numpy(dtype=float), cmap=cmap, vmin=-0.5, vmax=len(codes) - 0.5, aspect="auto"
        )
        for (y, x), code in pd.DataFrame(grid.to_numpy()).stack().items():
            ax.text(
                x, y, JUDGEMENT_LABELS[code].replace(" ", "\n", 1), ha="center", va="center", fontsize=figures.TEXT_SIZE
            )
        ax.set_xticks(range(grid.shape[1]), [EVIDENCE_SHORT[e] for e in grid.columns], fontsize=figures.TEXT_SIZE)
        ax.set_yticks(range(grid.shape[0]), [FACTOR_LABELS[f] for f in grid.index], fontsize=figures.TEXT_SIZE)
        ax.set_xticks([x - 0.5 for x in range(1, grid.shape[1])], minor=True)
        ax.set_yticks([y - 0.5 for y in range(1, grid.shape[0])], minor=True)
        ax.grid(False)  # no lines through the cells; white lines between them
        ax.grid(which="minor", color="white", linewidth=2)
        ax.tick_params(which="both", length=0)
        ax.set_title(labels[m.programme]["title"], fontsize=figures.TEXT_SIZE)
    handles = [
        Patch(facecolor=JUDGEMENT_COLOURS[c], edgecolor=figures.NEUTRAL, linewidth=0.5, label=JUDGEMENT_LABELS[c])
        for c in codes
    ]
    fig.legend(handles=handles, loc="upper center", ncol=2, frameon=False, fontsize=figures.TEXT_SIZE)
    return figures.finish(fig, legend_above=-(-len(codes) // 2))
