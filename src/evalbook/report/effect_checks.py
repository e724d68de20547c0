"""How far the effect study's findings carry, in Dutch: glued prose beside :mod:`evalbook.report.effect`.

What survives Holm's correction over the chapter's tests and what it takes; for a verdict of
the report that the reproduction does not share, the tests tried (raw, stratified by target
group, unweighted mean, adjusted) and whether the printed verdict follows from one of them;
outflow in the reading not chosen beside the printed figures; the two totals over target
groups and the question each answers; the sensitivity to hidden bias (E-values, Rosenbaum's
Γ). Like :mod:`evalbook.report.effect` it reads only what the gate released, says where the
gate held a figure back, and computes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..analysis import published
from ..analysis.codes import OUTFLOW_BELOW_WORK, PARTS_ABOVE_OUTFLOW
from ..analysis.outcomes import BY_NAME, GROUPS, TOTAL, other_measure
from ..disclosure.effect import ReleasedEffectStudy
from . import format as fmt
from . import verdict
from .effect import GROUP_LABELS, READING_TEXT, named, significance_checks, target_group_label
from .labels import outcome_label
from .text import SUPPRESSED, join, lower_first, readable

TEST_NAMES = {  # the tests of one comparison (their p-value columns), in the order the chapter names them
    "p_value": {
        "proportion": "de scoretoets van Miettinen en Nurminen op het ruwe verschil",
        "mean": "de t-toets van Welch op het ruwe verschil",
    },
    "cmh_p": "de Cochran–Mantel–Haenszel-toets, gestratificeerd naar doelgroep",
    "um_p": "de z-toets op het verschil van de ongewogen gemiddelden van de doelgroepen",
    "ame_p": {
        "proportion": "het voor geslacht, leeftijd, opleiding en uitkeringsduur gecorrigeerde verschil "
        "(logistische regressie)",
        "mean": "het voor geslacht, leeftijd, opleiding en uitkeringsduur gecorrigeerde verschil (lineaire regressie)",
    },
}


def glue_values(study: ReleasedEffectStudy, labels: Mapping[str, str]) -> dict[str, str]:
    """The chapter's prose on how far its findings carry: ``holm_family`` (and ``_held``,
    ``_sentence``), ``tests_total``, ``significant_total``,
    ``significant_holm_total``, ``significant_holm_list``, ``lost_after_holm_list``;
    ``significance_methods``; ``other_reading``; ``totals_sentence``; ``sensitivity_sentence``,
    ``gamma_note`` and ``adjusted_sentence``. ``labels``: the target groups' labels (``book.yml``)."""
    _, _, mismatch = significance_checks(study)
    values = holm_values(study, labels) | {"significance_methods": methods_sentence(study, labels, mismatch)}
    return (
        values
        | other_reading_values(study, labels)
        | totals_values(study)
        | sensitivity_values(study)
        | {"adjusted_sentence": adjusted_sentence(study)}
    )


def adjusted_sentence(study: ReleasedEffectStudy, outcomes: tuple[str, ...] = ("outflow_work", "parttime")) -> str:
    """The adjusted difference beside the raw one for ``outcomes`` (those the study has), or
    why it is not shown."""
    rows = study.total.set_index("outcome")
    parts = []
    for outcome in [o for o in outcomes if o in rows.index]:
        r, name = rows.loc[outcome], lower_first(outcome_label(outcome, study.outflow_measure))
        if pd.isna(r["ame"]) or pd.isna(r["diff"]):
            why = SUPPRESSED if r["suppressed"] else "niet te schatten"
            parts.append(f"voor {name} is het niet te tonen ({why})")
        else:
            interval = fmt.interval(r["ame_low"], r["ame_high"], 1)
            parts.append(
                f"voor {name} is het {fmt.pp(r['ame'], 1)} ({fmt.confidence(study.alpha)}-BI {interval}), tegen "
                f"ongecorrigeerd "
                f"{fmt.pp(r['diff'], 1)}"
            )
    text = join(parts, sep="; ")
    return (text[0].upper() + text[1:] + ".") if text else "Een gecorrigeerd verschil is hier niet te tonen."


def holm_values(study: ReleasedEffectStudy, labels: Mapping[str, str]) -> dict[str, str]:
    """How many comparisons are significant before and after Holm, and which are lost by it;
    the family the correction ran over (``holm_family``: the tests shown and those the gate
    held back, which count with p = 1), in a sentence (``holm_family_sentence``)."""
    rows = study.table[study.table["p_value"].notna()]
    significant = rows[rows["p_value"] < study.alpha]
    after = significant["p_holm"] < study.alpha

    def names(frame: pd.DataFrame) -> str:
        return join(
            [named(study, labels, o, t) for o, t in zip(frame["outcome"], frame["target_group"], strict=True)],
            "geen",
            "; ",
        )

    held = [h for h in study.suppressions if h.table == "outcomes" and h.column == "p_value"]
    family = verdict.family(study.table["p_value"], held)
    return {
        "holm_family": str(family.size),
        "holm_family_held": str(family.held),
        "holm_family_sentence": verdict.family_sentence(family),
        "tests_total": str(len(rows)),
        "significant_total": str(len(significant)),
        "significant_holm_total": str(int(after.sum())),
        "significant_holm_list": names(significant[after]),
        "lost_after_holm_list": names(significant[~after]),
    }


def methods_sentence(study: ReleasedEffectStudy, labels: Mapping[str, str], mismatch: pd.DataFrame) -> str:
    """For every comparison where the reproduction's verdict differs from the report's: the
    tests tried (raw difference, stratified by target group, unweighted mean, adjusted) with
    their p-values, and whether the printed verdict follows from any of them."""
    rows = study.table.set_index(["outcome", "target_group"])
    sentences = []
    for q, sub, sig in zip(
        mismatch["quantity"], mismatch["subgroup"].fillna(TOTAL), mismatch["significance"], strict=True
    ):
        if q not in BY_NAME:
            continue
        r = rows.loc[(q, sub)]
        tests = []
        for column, name in TEST_NAMES.items():
            if column in r and pd.notna(r[column]):
                tests.append((name[r["kind"]] if isinstance(name, dict) else name, r[column]))
        printed = verdict.SIGNIFICANCE_LABELS[sig]
        follows = [name for name, p in tests if verdict.label(p, study.alpha) == sig]
        hidden = [
            n[r["kind"]] if isinstance(n, dict) else n for c, n in TEST_NAMES.items() if c in _held(study, sub, q)
        ]
        text = (
            f"Bij {named(study, labels, q, sub)} noemt het rapport het verschil {printed}. Geprobeerd zijn "
            + join([f"{name} ({fmt.p_value(p)})" for name, p in tests], sep="; ")
            + "."
        )
        if not follows:
            text += (
                " Met geen van deze toetsen is het verschil significant"
                if sig == "significant"
                else " Met elk van deze toetsen is het verschil significant"
                + verdict.HOLM_PHRASES[verdict.holm_label(r["p_value"], study.alpha, r["p_holm"])]
            ) + ": het gedrukte oordeel is met deze data niet te reproduceren."
        else:
            text += (
                f" Het gedrukte oordeel volgt uit {len(follows)} van deze {len(tests)} toetsen: welk oordeel "
                "uitkomt, hangt dus af van de toets, en het rapport zegt niet welke het gebruikte."
            )
        if hidden:
            text += (
                f" Niet te tonen {'is' if len(hidden) == 1 else 'zijn'} {join(hidden, sep='; ')}: "
                f"{'die rust' if len(hidden) == 1 else 'die rusten'} op cijfers van doelgroepen die onderdrukt "
                f"zijn, en {'zou' if len(hidden) == 1 else 'zouden'} ze teruggeven."
            )
        if pd.notna(r["p_holm"]):
            text += (
                " Na de Holm-correctie voor alle toetsen van dit hoofdstuk is het verschil met de eerste toets "
                f"{'wel' if r['p_holm'] < study.alpha else 'niet'} significant ({fmt.p_value(r['p_holm'])})."
            )
        sentences.append(text)
    return (
        " ".join(sentences)
        or "Waar de reproductie een oordeel van het rapport kan toetsen, komt zij tot hetzelfde oordeel."
    )


def _held(study: ReleasedEffectStudy, scope: str, outcome: str) -> set[str]:
    """The columns of an outcome row (``scope``: target group, ``TOTAL`` for everyone) the gate held back."""
    return {h.column for h in study.suppressions if h.table == "outcomes" and h.row == f"{scope}/{outcome}"}


def other_reading_values(study: ReleasedEffectStudy, labels: Mapping[str, str]) -> dict[str, str]:
    """Outflow in the reading not chosen beside the printed outflow figures, and which reading
    the printed figures support with these data (or why that cannot be shown)."""
    other = other_measure(study.outflow_measure)
    printed = study.comparison[(study.comparison["quantity"] == "outflow") & study.comparison["value"].notna()]
    forced = any(c.kind in (OUTFLOW_BELOW_WORK, PARTS_ABOVE_OUTFLOW) for c in study.conflicts)
    sentences = [
        "De gedrukte cijfers zelf sluiten de andere lezing uit (zie *Cijfers die niet alle tegelijk kunnen gelden*)."
        if forced
        else "De gedrukte cijfers zelf sluiten geen van beide lezingen uit."
    ]
    if study.outflow_measure == "event":
        sentences.append(
            "Dat uitstroom naar werk en om overige redenen in de lezing van dit hoofdstuk samen de uitstroom "
            "vormen, volgt uit die lezing zelf en pleit dus niet voor haar."
        )
    rows = study.table[study.table["outcome"] == "outflow"].set_index("target_group")
    for scope, figures in printed.groupby(printed["subgroup"].fillna(TOTAL), sort=False):
        if scope not in rows.index:
            continue
        r, figures = rows.loc[scope], figures.set_index("group")
        where = "" if scope == TOTAL else f" bij {target_group_label(scope, labels)}"
        shown = join([f"{fmt.percent(f['value'])} ({GROUP_LABELS[g]})" for g, f in figures.iterrows()])
        if r[["value_programme_alt", "value_control_alt"]].isna().any():
            if not {"value_programme_alt", "value_control_alt"} & _held(study, scope, "outflow"):
                continue  # not computed: a total read as an unweighted mean
            sentences.append(
                f"In de andere lezing, {READING_TEXT[other]}, is de uitstroom{where} onderdrukt: samen met de "
                "cijfers van dit hoofdstuk zou zij een te klein aantal personen prijsgeven (wie na uitstroom "
                f"terugkeerde). Of de gedrukte {shown} ook in die lezing uitkomen, is daarom hier niet te tonen."
            )
            continue
        alt = {g: r[f"value_{g}_alt"] for g in GROUPS}
        inside = [f["lower"] <= alt[g] <= f["upper"] for g, f in figures.iterrows()]
        chosen = (figures["status"] == published.STATUS_AGREES).all()
        text = (
            f"In de andere lezing, {READING_TEXT[other]}, is de uitstroom{where} in deze data "
            f"{fmt.percent(alt['programme'], 1)} in de programmagroep en {fmt.percent(alt['control'], 1)} in de "
            f"controlegroep; gedrukt staat {shown}. "
        )
        if all(inside):
            text += "Dat ligt binnen de afronding: " + (
                "met deze data passen de gedrukte cijfers dus bij beide lezingen."
                if chosen
                else "met deze data passen de gedrukte cijfers dus alleen bij de andere lezing."
            )
        else:
            text += "Dat ligt buiten de afronding: " + (
                "met deze data passen de gedrukte cijfers alleen bij de lezing van dit hoofdstuk."
                if chosen
                else "met deze data past geen van beide lezingen bij alle gedrukte cijfers."
            )
        sentences.append(text)
    sentences += _claims_in_other_reading(study, labels, other)
    return {"other_reading": " ".join(sentences)}


def _claims_in_other_reading(study: ReleasedEffectStudy, labels: Mapping[str, str], other: str) -> list[str]:
    """Where the report states a verdict about outflow in the reading the chapter did not
    choose (a claim with that ``reading``): the test in that reading, or why it is withheld."""
    rows = study.comparison
    claims = rows[rows["value"].isna() & (rows["quantity"] == "outflow") & (rows["reading"] == other)]
    found = []
    for _, r in claims.iterrows():
        where = named(study, labels, r["quantity"], r["subgroup"] if isinstance(r["subgroup"], str) else TOTAL)
        head = (
            f"Het rapport noemt {where} elders in de andere lezing ({READING_TEXT[other]}: '{readable(r['printed'])}') "
            f"{verdict.SIGNIFICANCE_LABELS[r['significance']]}; dat oordeel vergelijkt dit hoofdstuk met de toets in "
            "die lezing"
        )
        if pd.isna(r["reproduced_p"]):
            found.append(
                head + ". Die toets is hier weggelaten: hij rust op de uitstroom in die lezing, die onderdrukt is."
            )
        else:
            found.append(
                f"{head}: {verdict.significance(r['reproduced_p'], study.alpha, np.nan)} "
                f"({fmt.p_value(r['reproduced_p'])}). Die toets hoort niet bij de toetsen waarover de Holm-correctie "
                "loopt: hij vergelijkt een oordeel van het rapport, de uitkomsten van dit hoofdstuk staan in de lezing "
                "hierboven."
            )
    return found


def totals_values(study: ReleasedEffectStudy) -> dict[str, str]:
    """The two totals over target groups and the question each answers."""
    if not study.target_groups:
        return {"totals_sentence": "Zonder doelgroepen is er één totaal: alle werkzoekenden samen."}
    text = (
        "Over de doelgroepen heen zijn twee totalen te maken, en ze beantwoorden verschillende vragen. Het "
        "gepoolde totaal telt alle werkzoekenden samen, zoals de resultaten hierboven: het zegt wat het "
        "programma gemiddeld per deelnemer opleverde, en grote doelgroepen wegen daarin zwaarder. Het "
        "ongewogen gemiddelde van de doelgroepen laat elke doelgroep even zwaar meetellen, hoe groot zij ook "
        "is: het zegt wat het programma gemiddeld per doelgroep opleverde."
    )
    if study.published_total == "unweighted_mean":
        text += " Het rapport geeft dat tweede totaal ('totaal gemiddeld'), zonder interval of toets."
    text += (
        f" De tabel hieronder geeft beide met een {fmt.confidence(study.alpha)}-interval en een p-waarde; voor "
        "het ongewogen gemiddelde is dat een z-toets, met als variantie de som van die van de doelgroepen "
        "gedeeld door het kwadraat van hun aantal."
    )
    if any(h.table == "outcomes" and h.column.startswith("um_") for h in study.suppressions):
        text += (
            " Waar een streepje staat, zou het ongewogen gemiddelde (of de toets erop) samen met de andere "
            "cijfers onderdrukte cijfers van een doelgroep teruggeven; het is dan weggelaten."
        )
    work = study.total.set_index("outcome").reindex(["outflow_work"]).iloc[0]
    if pd.notna(work.get("um_diff", np.nan)) and pd.notna(work["diff"]):
        text += (
            f" Voor uitstroom naar werk is het gepoolde verschil {fmt.pp(work['diff'], 1)} "
            f"({fmt.interval(work['ci_low'], work['ci_high'], 1)}; {fmt.p_value(work['p_value'])}), het verschil "
            f"van de ongewogen gemiddelden {fmt.pp(work['um_diff'], 1)} "
            f"({fmt.interval(work['um_low'], work['um_high'], 1)}; {fmt.p_value(work['um_p'])})."
        )
    return {"totals_sentence": text}


def gamma_text(x) -> str:
    """Rosenbaum's Γ (or an E-value): two decimals, "zeer groot" when no finite bias suffices."""
    return "zeer groot" if pd.notna(x) and np.isinf(x) else fmt.number(x, 2)


def sensitivity_values(study: ReleasedEffectStudy) -> dict[str, str]:
    """The E-values and Γ of the differences significant before Holm, and where Γ comes from."""
    rows = study.total[study.total["p_value"] < study.alpha]
    items = []
    for _, r in rows.iterrows():
        parts = []
        if pd.notna(r["e_value"]):
            parts.append(f"E-waarde {gamma_text(r['e_value'])}, voor de intervalgrens {gamma_text(r['e_value_limit'])}")
        if pd.notna(r["gamma"]):
            parts.append(f"Γ = {gamma_text(r['gamma'])}")
        if parts:
            items.append(f"{lower_first(outcome_label(r['outcome'], study.outflow_measure))} ({'; '.join(parts)})")
    b = study.balance
    if b.reproduces_register:
        note = (
            "Γ is berekend op de paren uit de matching: elke deelnemer met de controlepersoon die bij hem is gekozen."
        )
    elif b.has_pool:
        note = (
            "Γ vraagt de gematchte paren. De controlegroep in het register is niet wat de matching op het "
            "kandidatenbestand oplevert, dus de paren zijn onbekend en Γ ontbreekt."
        )
    else:
        note = (
            "Γ vraagt de gematchte paren. Zonder kandidatenbestand zijn die niet te herleiden, dus Γ ontbreekt "
            "hier; de E-waarden hebben alleen de aantallen nodig."
        )
    return {
        "sensitivity_sentence": f"Voor de verschillen die zonder correctie significant zijn: {join(items)}."
        if items
        else "Geen van de verschillen is zonder correctie significant; de E-waarde van de intervalgrens en Γ zijn "
        "dan overal 1.",
        "gamma_note": note,
    }
