"""The consistency audit in Dutch: the chapter's tables, the findings in its prose, and the
command ``evalbook audit``'s text report, all from one :class:`evalbook.analysis.audit.Audit`.

Programme names come from ``book.yml`` (``labels``: part key → labels, as
``Chapter.book_labels``); the names of the published files and of the survey quantities are
this module's. Group sizes below the minimum cell size are shown as ``< minimum``.
"""

from __future__ import annotations

import re

import pandas as pd

from ..analysis import outcomes
from ..analysis.audit import UNTESTABLE, ArithmeticCheck, Audit, Check, Stratified
from ..disclosure import rules as disclosure
from ..stats.consistency import (
    AMBIGUOUS,
    CONSISTENT,
    IMPOSSIBLE,
    INCONSISTENT,
    NOT_SIGNIFICANT,
    SIGNIFICANT,
    TESTS,
    runs,
    sizes_for_test,
    sizes_where,
)
from . import format as fmt
from .labels import QUANTITY_LABELS, outcome_label
from .tables import Table
from .text import join, lower_first
from .verdict import SIGNIFICANCE_LABELS

VERDICT_LABELS = {
    CONSISTENT: "consistent",
    AMBIGUOUS: "onbeslist",
    INCONSISTENT: "inconsistent",
    UNTESTABLE: "niet te toetsen",
}
REASONS = {
    "all_pairs": "elk passend paar aantallen geeft dit oordeel",
    "impossible": "percentages onmogelijk bij deze groepsgroottes",
    "no_pair": "geen passend paar aantallen geeft dit oordeel",
    "rounding": "hangt af van de afronding",
    "test": "hangt af van de toets",
    "rounding_and_test": "hangt af van de afronding en de toets",
    "stratified": "alleen de CMH-toets over de doelgroepen geeft dit oordeel",
    "size": "hangt af van de groepsgrootte",
    "every_size": "klopt bij elke mogelijke groepsgrootte",
    "no_size": "klopt bij geen enkele groepsgrootte",
    "no_control": "controlegroep niet gepubliceerd",
    "no_programme": "programmagroep niet gepubliceerd",
    "no_spread": "gemiddelden zonder spreiding",
    "not_percent": "geen percentage",
    "no_numbers": "niet te toetsen zonder cijfers",
}
# The tests of evalbook.stats.consistency.TESTS, as the chapter names them.
TEST_LABELS = {"mn_score": "scoretoets", "pearson": "χ²", "yates": "χ² met Yates", "fisher": "Fisher"}
TEST_COLUMNS = {"mn_score": "p (score)", "pearson": "p (χ²)", "yates": "p (Yates)", "fisher": "p (Fisher)"}
ARITHMETIC_KINDS = {"sum": "optelling", "shares": "samen ≤ 100%", "grim": "mogelijk bij n (GRIM)"}
GROUP_LABELS = fmt.GROUP_LABELS | {"total": "totaal"}
# The files of published figures per programme (data/published/<programme>/<file>.csv).
FILE_LABELS = {
    "effect_study": "effectstudie",
    "phone_survey": "telefonische enquête",
    "client_survey": "klantonderzoek",
    "labour_market": "arbeidsmarkt",
}


# -- tables -------------------------------------------------------------------------------------


def comparison_display(audit: Audit, labels: dict, min_cell_size: int = disclosure.DEFAULT_MIN_CELL_SIZE) -> Table:
    """Every published comparison with its verdict."""
    rows = []
    for c in audit.checks:
        e = c.evaluation
        rows.append(
            {
                "Bron": _source(c.source, labels),
                "Uitkomst": _outcome(c),
                "Programmagroep": _bounds_text(c.programme.lower, c.programme.upper, c.unit) if c.programme else "–",
                "Controlegroep": _bounds_text(c.control.lower, c.control.upper, c.unit) if c.control else "–",
                "n": _sizes_pair(c, min_cell_size),
                **{column: _p_range_text(e.p[t]) if e and e.p[t] else "–" for t, column in TEST_COLUMNS.items()},
                "Rapport": SIGNIFICANCE_LABELS[c.label],
                "Oordeel": VERDICT_LABELS[c.verdict],
                "Toelichting": REASONS[c.reason],
            }
        )
    return Table(pd.DataFrame(rows))


def size_display(audit: Audit, labels: dict) -> Table:
    """For each comparison without published group sizes: the (equal) group sizes at which
    the report's label can hold, holds for every pair of counts, and does not hold."""
    columns = [
        "Bron",
        "Uitkomst",
        "Rapport",
        "Kan kloppen bij n",
        "Klopt zeker bij n",
        "Klopt niet bij n",
        "Kan kloppen bij n, per toets",
    ]
    rows = [
        [
            _source(c.source, labels),
            _outcome(c),
            SIGNIFICANCE_LABELS[c.label],
            _span_text(sizes_where(c.statuses, {CONSISTENT, AMBIGUOUS})),
            _span_text(sizes_where(c.statuses, {CONSISTENT})),
            _span_text(sizes_where(c.statuses, {INCONSISTENT})),
            _per_test_spans(c),
        ]
        for c in audit.checks
        if c.checks is not None
    ]
    return Table(pd.DataFrame(rows, columns=columns))


def _per_test_spans(c: Check) -> str:
    """``scoretoets en χ²: 507–2.000 (met onderbrekingen); χ² met Yates en Fisher: ...``:
    tests with the same sizes named together."""
    by_span: dict[str, list[str]] = {}
    for test in TESTS:
        by_span.setdefault(_span_text(sizes_for_test(c.checks, test)), []).append(TEST_LABELS[test])
    return "; ".join(f"{join(tests)}: {span}" for span, tests in by_span.items())


def arithmetic_display(audit: Audit, labels: dict) -> Table:
    """The internal arithmetic checks."""
    rows = [
        [
            ARITHMETIC_KINDS[a.kind],
            _source(a.source, labels),
            _where_group(a),
            _quantities(a),
            "ja" if a.ok else "nee",
            arithmetic_detail(a),
        ]
        for a in audit.arithmetic
    ]
    return Table(pd.DataFrame(rows, columns=["Soort", "Bron", "Groep", "Cijfers", "Klopt", "Toelichting"]))


def arithmetic_detail(a: ArithmeticCheck) -> str:
    """What one arithmetic check found, in a Dutch phrase."""
    if a.kind == "sum":
        total, *parts = a.quantities
        detail = f"{lower_first(_label(total))} {_bounds_text(*a.total)}, som van de delen {_bounds_text(*a.bounds)}"
        if a.exceeding:
            detail += "; " + join([lower_first(_label(p)) for p in a.exceeding]) + " alleen al groter dan het totaal"
        return detail
    if a.kind == "shares":
        need = "samen precies 100%" if a.complete else "samen hoogstens 100%"
        return f"{need}; som {_bounds_text(*a.bounds)}"
    shown = _bounds_text(*a.bounds)
    if not a.impossible:
        return f"{shown} is mogelijk bij n = {_int_runs(a.sizes)}"
    if not a.possible:
        return f"{shown} is onmogelijk bij n = {_int_runs(a.sizes)}"
    return f"{shown} is mogelijk bij n = {_int_runs(a.possible)}, onmogelijk bij n = {_int_runs(a.impossible)}"


def _quantities(a: ArithmeticCheck) -> str:
    """``Uitstroom uit de uitkering = Uitstroom naar werk + ...`` (a sum), the shares joined by ``+``."""
    names = [_label(q) for q in a.quantities]
    return f"{names[0]} = {' + '.join(names[1:])}" if a.kind == "sum" else " + ".join(names)


# -- the prose and the command -------------------------------------------------------------------


def glue_values(audit: Audit, labels: dict, min_cell_size: int = disclosure.DEFAULT_MIN_CELL_SIZE) -> dict[str, str]:
    """Every number and finding the chapter's prose states, as Dutch text."""
    counts = pd.Series([c.verdict for c in audit.checks], dtype=object).value_counts()
    kinds = {kind: [a for a in audit.arithmetic if a.kind == kind] for kind in ARITHMETIC_KINDS}
    return {
        "files": str(len(audit.files)),
        "comparisons": str(len(audit.checks)),
        "consistent_total": str(int(counts.get(CONSISTENT, 0))),
        "ambiguous_total": str(int(counts.get(AMBIGUOUS, 0))),
        "inconsistent_total": str(int(counts.get(INCONSISTENT, 0))),
        "untestable_total": str(int(counts.get(UNTESTABLE, 0))),
        "known_total": str(sum(c.evaluation is not None for c in audit.checks)),
        "unknown_total": str(sum(c.statuses is not None for c in audit.checks)),
        "inconsistent_findings": _sentences(
            _finding(c, audit, labels, min_cell_size) for c in audit.checks if c.verdict == INCONSISTENT
        ),
        "ambiguous_findings": _sentences(
            _finding(c, audit, labels, min_cell_size)
            for c in audit.checks
            if c.verdict == AMBIGUOUS and c.evaluation is not None
        ),
        "consistent_list": _names([c for c in audit.checks if c.verdict == CONSISTENT and c.evaluation], labels),
        "size_findings": _sentences(_size_finding(c, labels) for c in audit.checks if _size_bound(c)),
        "size_free_list": _names(
            [c for c in audit.checks if c.statuses and c.verdict != INCONSISTENT and not _size_bound(c)], labels
        ),
        "untestable_summary": _untestable_summary(
            [c for c in audit.checks if c.verdict == UNTESTABLE and c.reason != "no_numbers"], labels
        ),
        "claims_total": str(sum(c.reason == "no_numbers" for c in audit.checks)),
        "claims_list": _names([c for c in audit.checks if c.reason == "no_numbers"], labels),
        "stratified_findings": _sentences(_stratified_finding(c, labels) for c in audit.checks if c.stratified),
        "sum_findings": _arith_findings(kinds["sum"], labels),
        "shares_findings": _arith_findings(kinds["shares"], labels),
        "grim_checked": str(len(kinds["grim"])),
        "grim_findings": _arith_findings(kinds["grim"], labels),
        "one_sided_alpha": fmt.percent(200 * audit.alpha, 0),
        "one_sided_findings": _names(audit.one_sided, labels),
        "alpha": fmt.percent(100 * audit.alpha, 0),
        "n_min": fmt.number(audit.n_range[0]),
        "n_max": fmt.number(audit.n_range[1]),
    }


def text(audit: Audit, labels: dict, min_cell_size: int = disclosure.DEFAULT_MIN_CELL_SIZE) -> str:
    """The audit as plain text for the terminal: the chapter's tables and findings."""
    v = glue_values(audit, labels, min_cell_size)
    tables = (
        comparison_display(audit, labels, min_cell_size),
        size_display(audit, labels),
        arithmetic_display(audit, labels),
    )
    lines = [
        f"Consistentiecontrole van de gepubliceerde cijfers ({v['files']} bestanden, {v['comparisons']} vergelijkingen "
        f"met een oordeel; toetsniveau {v['alpha']} tweezijdig)",
        f"consistent: {v['consistent_total']}, onbeslist: {v['ambiguous_total']}, "
        f"inconsistent: {v['inconsistent_total']}, niet te toetsen: {v['untestable_total']}",
        *[line for table in tables if not table.frame.empty for line in ("", repr(table))],
        "",
        f"Inconsistent: {v['inconsistent_findings']}",
        f"Onbeslist bij de gepubliceerde groepsgroottes: {v['ambiguous_findings']}",
        f"Consistent bij de gepubliceerde groepsgroottes: {v['consistent_list']}.",
        f"Groepsgrootte niet gepubliceerd, het oordeel legt haar vast: {v['size_findings']}",
        f"Groepsgrootte niet gepubliceerd, het oordeel kan bij elke groepsgrootte kloppen: {v['size_free_list']}.",
        f"Totaal over doelgroepen (CMH-toets): {v['stratified_findings']}",
        f"Niet te toetsen: {v['untestable_summary']}",
        f"Niet te toetsen zonder cijfers: {v['claims_list']}.",
        f"Optellingen: {v['sum_findings']}",
        f"Samen ≤ 100%: {v['shares_findings']}",
        f"Mogelijk bij n (GRIM): {v['grim_findings']}",
        f"Eenzijdig getoetst (als tweezijdig op {v['one_sided_alpha']}) verandert het oordeel bij: "
        f"{v['one_sided_findings']}",
    ]
    return "\n".join(lines)


def _sentences(sentences) -> str:
    return " ".join(sentences) or "geen."


def _head(c: Check, labels: dict) -> str:
    return (
        f"{_name(c, labels)}: {_bounds_text(c.programme.lower, c.programme.upper)} tegen "
        f"{_bounds_text(c.control.lower, c.control.upper)}, volgens het rapport {SIGNIFICANCE_LABELS[c.label]}"
    )


def _finding(c: Check, audit: Audit, labels: dict, min_cell_size: int) -> str:
    head = _head(c, labels)
    if c.checks is not None:
        low, high = (fmt.number(n) for n in audit.n_range)
        return (
            f"{head}; de groepsgrootte is niet gepubliceerd; bij gelijke groepen van {low} tot {high} personen "
            f"{_scan_summary(c)}."
        )
    e = c.evaluation
    sizes = f"n = {_sizes_pair(c, min_cell_size)}"
    if c.reason == "impossible":
        return f"{head}; met {sizes} zijn deze percentages niet mogelijk."
    tests = _tests_phrase(e.p)
    if c.verdict == INCONSISTENT:
        return (
            f"{head}, maar bij geen enkel paar aantallen dat met {sizes} bij de percentages past, geeft een "
            f"van de toetsen dat oordeel ({tests})."
        )
    if c.verdict == CONSISTENT:
        return (
            f"{head}, en bij elk paar aantallen dat met {sizes} bij de percentages past, geeft elke toets dat "
            f"oordeel ({tests})."
        )
    return (
        f"{head}; bij {sizes} {REASONS[c.reason].replace('hangt af', 'hangt het oordeel af')}: het volgt "
        f"{_split_by_test(e.test_labels(), c.label)} ({tests})."
    )


def _tests_phrase(p: dict) -> str:
    """``scoretoets: p = 0,025 tot 0,073; χ²: ...``, for the tests that apply."""
    return "; ".join(_p_phrase(f"{TEST_LABELS.get(t, t)}:", found) for t, found in p.items() if found)


def _split_by_test(by_test: dict, label: str) -> str:
    """Which tests give ``label`` at every pair, at some, at none: ``bij elk paar uit Fisher,
    bij sommige paren uit de scoretoets en χ²``."""
    other = NOT_SIGNIFICANT if label == SIGNIFICANT else SIGNIFICANT
    groups = (
        ("bij elk paar", [t for t, found in by_test.items() if found == {label}]),
        ("bij sommige paren", [t for t, found in by_test.items() if found == {label, other}]),
        ("bij geen enkel paar", [t for t, found in by_test.items() if found == {other}]),
    )
    return "; ".join(f"{words} uit {join([TEST_LABELS.get(t, t) for t in tests])}" for words, tests in groups if tests)


def _stratified_finding(c: Check, labels: dict) -> str:
    """The CMH test for a total beside its target groups, in a sentence."""
    s: Stratified = c.stratified
    programme = c.source.partition("/")[0]
    names = labels.get(programme, {}).get("target_groups", {})
    strata = join([names.get(g, _subgroup(g)) for g in s.strata])
    head = (
        f"{_name(c, labels)}, volgens het rapport {SIGNIFICANCE_LABELS[c.label]}: de CMH-toets over de doelgroepen "
        f"waarvan het rapport beide percentages geeft, {strata},"
    )
    if s.evaluation is None:
        return (
            f"{head} vraagt de groepsgroottes per doelgroep. Het rapport noemt ze niet, dus die toets is uit de "
            f"gepubliceerde cijfers niet uit te rekenen."
        )
    where = "gepubliceerde" if s.source == "published" else "aangenomen (data/synthetic/assumptions.csv)"
    sizes = "; ".join(f"{fmt.number(n1)} en {fmt.number(n0)}" for n1, n0 in s.sizes)
    found = s.evaluation.test_labels()["cmh"]
    outcome = "bij elk" if found == {c.label} else "bij geen enkel" if c.label not in found else "bij sommige"
    return (
        f"{head} geeft met de {where} groepsgroottes ({sizes} per doelgroep, programma- en controlegroep) "
        f"{_p_phrase('', s.evaluation.p['cmh']).strip()}, dus {outcome} paar aantallen dat bij de percentages "
        f"past het oordeel van het rapport."
    )


def _possible(c: Check) -> list[int]:
    return [n for n, status in c.statuses.items() if status in (CONSISTENT, AMBIGUOUS)]


def _size_bound(c: Check) -> bool:
    """Whether the label holds only for some of the possible (equal) group sizes: at least
    a minimum size for "significant", at most a maximum for "not significant"."""
    if c.statuses is None or not _possible(c):
        return False
    sizes = [n for n, status in c.statuses.items() if status != IMPOSSIBLE]
    return min(_possible(c)) > min(sizes) if c.label == SIGNIFICANT else max(_possible(c)) < max(sizes)


def _size_finding(c: Check, labels: dict) -> str:
    possible = _possible(c)
    certain = [n for n, status in c.statuses.items() if status == CONSISTENT]
    if c.label == SIGNIFICANT:
        bound, every, limit = "minstens", (fmt.number(min(certain)) if certain else None), fmt.number(min(possible))
    else:
        bound, every, limit = "hoogstens", (fmt.number(max(certain)) if certain else None), fmt.number(max(possible))
    if every == limit:
        tail = ", en dan geeft elk paar aantallen dat oordeel"
    elif every:
        tail = f"; dat elk paar aantallen dat oordeel geeft, vraagt {bound} {every}"
    else:
        tail = "; bij geen enkele groepsgrootte geeft elk paar aantallen dat oordeel"
    return (
        f"{_head(c, labels)}. Dat kan alleen bij {bound} {limit} personen per groep{tail}. "
        f"Per toets kan het oordeel kloppen bij {_per_test_spans(c)}."
    )


def _scan_summary(c: Check) -> str:
    """Where the label holds for some pair, for every pair, and for none: ``kan kloppen bij
    n = 507–2.000 per groep (met onderbrekingen); zeker bij ...; niet bij ...``."""
    possible = sizes_where(c.statuses, {CONSISTENT, AMBIGUOUS})
    certain = sizes_where(c.statuses, {CONSISTENT})
    failing = sizes_where(c.statuses, {INCONSISTENT})
    if not possible:
        parts = ["klopt het oordeel bij geen enkele groepsgrootte"]
    elif certain == possible:
        parts = [f"klopt het oordeel bij {_hull_text(certain)}"]
    else:
        parts = [
            f"kan het oordeel kloppen bij {_hull_text(possible)}",
            f"zeker (voor elk paar aantallen) bij {_hull_text(certain)}",
        ]
    if failing and possible:
        parts.append(f"niet bij {_hull_text(failing)}")
    return "; ".join(parts)


def _untestable_summary(checks: list[Check], labels: dict) -> str:
    if not checks:
        return "geen."
    by_reason: dict[str, list[Check]] = {}
    for c in checks:
        by_reason.setdefault(c.reason, []).append(c)
    return " ".join(f"{REASONS[r].capitalize()} ({_names(group, labels)})." for r, group in by_reason.items())


def _arith_findings(checks: list[ArithmeticCheck], labels: dict) -> str:
    if not checks:
        return "geen controles mogelijk met de gepubliceerde cijfers."
    failing = [a for a in checks if not a.ok]
    total = f"{len(checks)} gecontroleerd"
    if not failing:
        return f"{total}, alle kloppen."
    items = [f"{_source(a.source, labels)}, {_where_group(a)}: {arithmetic_detail(a)}" for a in failing]
    return f"{total}, {len(failing)} kloppen niet: " + "; ".join(items) + "."


# -- names and numbers --------------------------------------------------------------------------


def _names(checks: list[Check], labels: dict) -> str:
    """``WGW effectstudie: uitstroom naar werk en no-show; Route 3 ...: ...``, or ``geen``."""
    by_source: dict[str, list[str]] = {}
    for c in checks:
        by_source.setdefault(_source(c.source, labels), []).append(lower_first(_outcome(c)))
    return "; ".join(f"{source}: {join(items)}" for source, items in by_source.items()) or "geen"


def _name(c: Check, labels: dict) -> str:
    return f"{_source(c.source, labels)}, {lower_first(_outcome(c))}"


def _outcome(c: Check) -> str:
    """``Uitstroom naar werk (Stilstaand water)``; a repeated comparison names its chapter."""
    notes = [_subgroup(c.subgroup)] if c.subgroup else []
    chapter = re.match(r"ch\. ([0-9.]+)", c.section)
    notes += [f"hoofdstuk {chapter[1]}" if chapter else c.section] if c.section else []
    return _label(c.quantity) + "".join(f" ({note})" for note in notes)


def _source(source: str, labels: dict) -> str:
    """``wgw/effect_study`` → ``WGW effectstudie`` (the part's short name from book.yml)."""
    programme, _, file = source.partition("/")
    short = labels.get(programme, {}).get("short", programme)
    return f"{short} {FILE_LABELS.get(file, file)}".strip()


def _label(quantity: str) -> str:
    if quantity in outcomes.BY_NAME:
        return outcome_label(quantity)
    return QUANTITY_LABELS.get(quantity, quantity)


def _subgroup(subgroup: str) -> str:
    """``stilstaand_water`` → ``Stilstaand water``, ``team6`` → ``Team 6``, ``oap`` → ``OAP``."""
    words = re.sub(r"(?<=[a-z])(?=[0-9])", " ", subgroup.replace("_", " "))
    return words.capitalize() if len(subgroup) > 3 else subgroup.upper()


def _where_group(a: ArithmeticCheck) -> str:
    return GROUP_LABELS.get(a.group, a.group or fmt.MISSING) + (f" ({_subgroup(a.subgroup)})" if a.subgroup else "")


def _decimals(*xs: float) -> int:
    """The decimals needed to show every bound as stored (``18.5`` → 1, ``3.95`` → 2)."""
    return max(next((d for d in range(3) if round(float(x), d) == float(x)), 2) for x in xs)


def _bounds_text(lower: float, upper: float, unit: str = "percent") -> str:
    d = _decimals(lower, upper)
    suffix = "%" if unit == "percent" else ""
    if lower == upper:
        return fmt.number(lower, d) + suffix
    return f"{fmt.number(lower, d)}–{fmt.number(upper, d)}{suffix}"


def _p_range_text(p_range: tuple[float, float]) -> str:
    """``0,025 tot 0,073``; ``< 0,001 tot 0,002``; one value when both ends look the same."""
    low, high = (fmt.p_value(p).removeprefix("p = ").removeprefix("p ") for p in p_range)
    return low if low == high else f"{low} tot {high}"


def _p_phrase(test: str, p_range: tuple[float, float]) -> str:
    shown = _p_range_text(p_range)
    return f"{test} p {'' if shown.startswith('<') else '= '}{shown}"


def _int_runs(values) -> str:
    """``[20, 21, 22, 25]`` → ``20–22, 25`` (Dutch digit grouping)."""
    return ", ".join(fmt.number(a) if a == b else f"{fmt.number(a)}–{fmt.number(b)}" for a, b in runs(values))


def _hull_text(found: list[tuple[int, int]]) -> str:
    """``n = 507–2.000 per groep (met onderbrekingen)``, or ``geen n``."""
    return f"n = {_span_text(found)} per groep" if found else "geen n"


def _span_text(found: list[tuple[int, int]]) -> str:
    """Sizes from the first to the last run, noting gaps: ``507–2.000 (met onderbrekingen)``, or ``–``."""
    if not found:
        return fmt.MISSING
    first, last = found[0][0], found[-1][1]
    span = fmt.number(first) if first == last else f"{fmt.number(first)}–{fmt.number(last)}"
    return span + (" (met onderbrekingen)" if len(found) > 1 else "")


def _sizes_pair(c: Check, min_cell_size: int) -> str:
    sizes = [s.sizes if s else None for s in (c.programme, c.control)]
    if any(s is None for s in sizes):
        return "onbekend"
    return " en ".join(sizes_text(s, min_cell_size) for s in sizes)


def sizes_text(sizes: tuple[int, ...], min_cell_size: int) -> str:
    """Group sizes as runs; sizes below the minimum cell size are shown as one ``< minimum``."""
    safe = [n for n in sizes if n >= min_cell_size]  # a group size, never zero: the minimum alone applies
    small = [f"< {min_cell_size}"] if len(safe) < len(sizes) else []
    return ", ".join(small + ([_int_runs(safe)] if safe else []))
