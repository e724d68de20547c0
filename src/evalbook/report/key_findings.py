"""The key findings ("Belangrijkste uitkomsten") of the chapters, as complete Dutch sentences.

Each chapter glues them (``key_…``); the landing page and the programmes' summary pages
paste them from there (``{glue:text}`wgw/effect_study.ipynb::key_outflow:s```), so a rerun
of a chapter on other data rewrites them. The wording follows the data: a difference is
called an effect of the programme only when it is significant after Holm's correction over
the chapter's tests (:func:`evalbook.report.verdict.holm_label`); significant only without
that correction, it is said to be no demonstrated effect; a comparison the gate held back is
said to be not shown. Like the rest of :mod:`evalbook.report` this reads released results
(and the chapter's own glued values, so the two never disagree) and computes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from ..disclosure.effect import ReleasedEffectStudy
from ..disclosure.survey import ReleasedNps, ReleasedSurvey
from ..disclosure.wwatwork import Released
from . import format as fmt
from . import verdict
from .effect import named
from .labels import outcome_label
from .nps import signed
from .survey import labels as survey_labels
from .text import SUPPRESSED, join, lower_first

NOT_SHOWN = "niet te tonen: een van de aantallen is te klein om de personen erachter te beschermen"
PROGRAMME_EFFECT = "een effect van het programma"
GROUP_DIFFERENCE = "een verschil tussen de groepen"


def counted(n: int, one: str, many: str) -> str:
    """``1 vergelijking``, ``3 vergelijkingen``."""
    return f"{fmt.number(n)} {one if n == 1 else many}"


def verb(n: int, one: str, many: str, none: str) -> str:
    """A count with its verb: ``geen enkel cijfer wijkt af``, ``1 wijkt af``, ``3 wijken af``."""
    return none if n == 0 else f"{fmt.number(n)} {one if n == 1 else many}"


def listed(names: list[str], limit: int = 3) -> str:
    """At most ``limit`` names, then how many more: ``a; b; c en nog 8 andere`` (all of them
    when only one more would follow)."""
    if len(names) <= limit + 1:
        return join(names, "geen", "; ")
    return "; ".join(names[:limit]) + f" en nog {fmt.number(len(names) - limit)} andere"


def pp_text(x) -> str:
    """A difference in words: ``+6,1 procentpunt``."""
    return fmt.pp(x, 1).replace(" pp", " procentpunt")


def judgement(p, alpha: float, p_holm, claim: str = PROGRAMME_EFFECT, detectable: str = "") -> str:
    """What a difference means, by its p-value and Holm-adjusted p-value: ``claim`` (an effect,
    a difference) is called demonstrated only when the difference is significant after Holm;
    ``detectable``: what the study could detect, said beside a difference that is not significant."""
    code = verdict.holm_label(p, alpha, p_holm)
    if code == verdict.AFTER_HOLM:
        return (
            f"Dat verschil is significant, ook na correctie voor meervoudig toetsen (Holm, {fmt.p_value(p_holm)}): "
            f"daarmee is {claim} aangetoond."
        )
    if code in (verdict.BEFORE_HOLM, verdict.UNCORRECTED):
        after = (
            f"maar niet na correctie voor meervoudig toetsen (Holm, {fmt.p_value(p_holm)})"
            if code == verdict.BEFORE_HOLM
            else "maar niet gecorrigeerd voor meervoudig toetsen"
        )
        return (
            f"Zonder correctie is dat verschil significant ({fmt.p_value(p)}), {after}: {claim} is daarmee "
            "niet aangetoond."
        )
    detect = f"; {detectable}" if detectable else ""
    return f"Dat verschil is niet significant ({fmt.p_value(p)}): {claim} is niet aangetoond{detect}."


def _reproduction_sentence(values: Mapping[str, str], what: str) -> str:
    """How many published figures of ``what`` reproduce, differ or are held back, and the
    verdicts on significance that differ or do not survive Holm (from the chapter's glued values)."""
    number = {k: int(values.get(f"published_{k}", "0")) for k in ("total", "agree", "differ", "suppressed", "missing")}
    rest = [verb(number["differ"], "wijkt af", "wijken af", "geen enkel cijfer wijkt af")]
    if number["suppressed"]:
        rest.append(verb(number["suppressed"], "is onderdrukt", "zijn onderdrukt", "") + " om personen te beschermen")
    if number["missing"]:
        rest.append(verb(number["missing"], "is", "zijn", "") + " met deze data niet te reproduceren")
    if number["agree"] == number["total"]:
        text = (
            f"Alle {fmt.number(number['total'])} gepubliceerde cijfers van {what} reproduceert dit boek binnen "
            "de afronding van het rapport."
        )
    else:
        text = (
            f"Van de {fmt.number(number['total'])} gepubliceerde cijfers van {what} reproduceert dit boek er "
            f"{fmt.number(number['agree'])} binnen de afronding van het rapport; {join(rest)}."
        )
    mismatch, lost = int(values["significance_mismatch"]), int(values.get("significance_holm_lost", "0"))
    if mismatch:
        text += (
            f" Bij {counted(mismatch, 'vergelijking', 'vergelijkingen')} komt de reproductie tot een ander "
            f"oordeel over significantie dan het rapport: {values['significance_mismatch_list']}."
        )
    else:
        text += (
            " Waar de reproductie een oordeel van het rapport over significantie kan toetsen, komt zij tot hetzelfde."
        )
    if lost:
        text += (
            f" Van de verschillen die het rapport significant noemt, {'is' if lost == 1 else 'zijn'} er "
            f"{fmt.number(lost)} na correctie voor meervoudig toetsen niet meer significant: "
            f"{values['significance_holm_lost_list']}."
        )
    return text


# -- effect studies ---------------------------------------------------------------------------


def effect_study(
    study: ReleasedEffectStudy,
    values: Mapping[str, str],
    programme_group: str,
    follow_up_months: int,
    labels: Mapping[str, str],
) -> dict[str, str]:
    """``key_outflow`` and ``key_outflow_work`` (each outcome with its interval and what it
    means), ``key_holm`` (what survives Holm's correction) and ``key_reproduction`` (how well
    the published figures reproduce). ``values``: the chapter's glued values
    (:func:`evalbook.report.effect.glue_values` and :func:`evalbook.report.effect_checks.glue_values`);
    ``labels``: the target groups' labels."""
    rows = study.total.set_index("outcome")
    found = {
        f"key_{outcome}": _outcome_sentence(
            study, rows.loc[outcome], outcome, programme_group, follow_up_months, values
        )
        if outcome in rows.index
        else f"{outcome_label(outcome, study.outflow_measure)}: in deze run geen uitkomst."
        for outcome in ("outflow", "outflow_work")
    }
    holm = study.table[study.table["p_holm"] < study.alpha]
    significant = len(holm)
    names = [named(study, labels, o, t) for o, t in zip(holm["outcome"], holm["target_group"], strict=True)]
    found["key_holm"] = (
        f"Van de {values['tests_total']} getoetste verschillen tussen de {programme_group} en de controlegroep "
        + (
            "is er na correctie voor meervoudig toetsen (Holm) geen enkel significant."
            if not significant
            else f"{'is' if significant == 1 else 'zijn'} er na correctie voor meervoudig toetsen (Holm) "
            f"{fmt.number(significant)} significant; alleen daar toont de studie een effect aan: {listed(names)}."
        )
    )
    found["key_reproduction"] = _reproduction_sentence(values, "de effectstudie")
    return found


def _outcome_sentence(
    study: ReleasedEffectStudy, r, outcome: str, programme_group: str, months: int, values: Mapping[str, str]
) -> str:
    label = outcome_label(outcome, study.outflow_measure)
    label = (
        label.replace("volgperiode", f"volgperiode van {fmt.number(months)} maanden")
        if "volgperiode" in label
        else f"{label} binnen {fmt.number(months)} maanden"
    )
    if pd.isna(r["p_value"]) or pd.isna(r["value_programme"]) or pd.isna(r["value_control"]):
        return f"{label}: {NOT_SHOWN}."
    head = (
        f"{label}: {fmt.percent(r['value_programme'])} van de {fmt.number(r['n_programme'])} werkzoekenden in de "
        f"{programme_group} tegen {fmt.percent(r['value_control'])} van de {fmt.number(r['n_control'])} in de "
        f"controlegroep, een verschil van {pp_text(r['diff'])} ({fmt.confidence(study.alpha)}-betrouwbaarheidsinterval "
        f"{fmt.interval(r['ci_low'], r['ci_high'], 1)})."
    )
    detectable = (
        f"met deze groepsgroottes waren alleen verschillen vanaf ongeveer {pp_text(r['mde']).lstrip('+')} "
        f"met {values['power']} kans op te sporen"
        if pd.notna(r["mde"])
        else ""
    )
    return f"{head} {judgement(r['p_value'], study.alpha, r['p_holm'], PROGRAMME_EFFECT, detectable)}"


# -- telephone surveys ----------------------------------------------------------------------------


def phone_survey(
    released: ReleasedSurvey, values: Mapping[str, str], programme_group: str, overall: str = "grade7plus_overall"
) -> dict[str, str]:
    """``key_survey`` (the overall grade, ``overall``, and how many indicators differ before and
    after Holm) and ``key_reproduction``. ``values``: the chapter's glued values
    (:func:`evalbook.report.survey.glue_values`)."""
    rows = released.indicators.set_index("quantity")
    sentences = []
    if overall in rows.index:
        r = rows.loc[overall]
        if pd.isna(r["value_programme"]) or pd.isna(r["value_control"]) or pd.isna(r["p_value"]):
            sentences.append(f"Het rapportcijfer voor de begeleiding is {NOT_SHOWN}.")
        else:
            sentences.append(
                f"In de telefonische enquête geeft {fmt.percent(r['value_programme'])} van de {programme_group} "
                f"een 7 of hoger voor de begeleiding, tegen {fmt.percent(r['value_control'])} van de controlegroep: "
                f"een verschil van {pp_text(r['diff'])} ({fmt.confidence(released.alpha)}-betrouwbaarheidsinterval "
                f"{fmt.interval(r['ci_low'], r['ci_high'], 1)}). "
                + judgement(r["p_value"], released.alpha, r["p_holm"], GROUP_DIFFERENCE)
            )
    names = survey_labels(released)
    holm = [
        lower_first(names[q])
        for q in released.indicators.loc[released.indicators["p_holm"] < released.alpha, "quantity"]
    ]
    sentences.append(
        f"Van de {values['indicators_total']} indicatoren van de enquête verschillen er zonder correctie "
        f"{values['significant_total']} significant tussen de groepen, na correctie voor meervoudig toetsen (Holm) "
        + ("geen enkele." if not holm else f"{fmt.number(len(holm))}: {listed(holm)}.")
    )
    return {"key_survey": " ".join(sentences), "key_reproduction": _reproduction_sentence(values, "de enquête")}


# -- WW@Work ---------------------------------------------------------------------------------------


def wwatwork(released: Released, did: pd.DataFrame, values: Mapping[str, str], alpha: float) -> dict[str, str]:
    """``key_funnel`` (the funnel and realised against predicted inflow), ``key_did`` (Den
    Bosch against Rotterdam) and ``key_reproduction``; ``values``: the chapter's glued values
    (:func:`evalbook.report.wwatwork.glue_values`)."""
    v = values
    funnel = (
        f"Van de {v['funnel_cohort_count']} werkzoekenden van wie de WW eindigde tussen {v['cohort_first']} en "
        f"{v['cohort_last']} kwamen er {v['funnel_attended_count']} naar de voorlichting van WW@Work en "
        f"{v['funnel_coached_count']} in de coaching. Van de gecoachten vond {v['funnel_found_work_pct']} werk voordat "
        f"de WW afliep en stroomde {v['funnel_bijstand_pct']} toch in de Bijstand."
    )
    ovp = released.ovp.set_index("group")
    if "coached" in ovp.index and pd.notna(ovp.loc["coached", "p_value"]):
        r = ovp.loc["coached"]
        funnel += (
            f" Dat is {fmt.number(abs(r['diff']), 1)} procentpunt {'minder' if r['diff'] < 0 else 'meer'} dan UWV "
            f"voorspelde ({fmt.percent(r['predicted'], 1)}; {fmt.confidence(alpha)}-betrouwbaarheidsinterval van het "
            f"verschil "
            f"{fmt.interval(r['ci_low'], r['ci_high'], 1)}). Zonder controlegroep is dat geen effect van WW@Work: "
            "deelnemers kiezen zelf of ze komen."
        )
    cities = did.set_index("unit")
    below = [
        f"{'in Den Bosch' if unit == 'den_bosch' else 'in Rotterdam'} "
        f"{fmt.number(abs(cities.loc[unit, 'diff']), 1)} procentpunt "
        f"{'onder' if cities.loc[unit, 'diff'] < 0 else 'boven'}"
        for unit in ("den_bosch", "rotterdam")
    ]
    d = cities.loc["did"]
    did_text = (
        f"In 2014 bleef de doorstroom van WW naar Bijstand {below[0]} de voorspelling van UWV en {below[1]}. "
        f"Het verschil tussen die twee is {pp_text(d['diff'])} ({fmt.confidence(alpha)}-betrouwbaarheidsinterval "
        f"{fmt.interval(d['ci_low'], d['ci_high'], 2)}; {fmt.p_value(d['p_value'])}): "
        + (
            "significant, maar zonder controlegroep en over één jaar geen bewijs dat de aanpak van Den Bosch werkt."
            if d["p_value"] < alpha
            else "niet significant, en zonder controlegroep ook geen bewijs dat de aanpak van Den Bosch werkt."
        )
    )
    differ, missing = int(v["funnel_differ"]), int(v["funnel_missing"])
    if v["funnel_agree"] == v["funnel_total"]:
        reproduction = (
            f"Alle {v['funnel_total']} gepubliceerde trechtercijfers reproduceert het cohort binnen wat de "
            "gedrukte tekst toelaat."
        )
    else:
        reproduction = (
            f"Van de {v['funnel_total']} gepubliceerde trechtercijfers valt de reproductie uit het cohort bij "
            f"{v['funnel_agree']} binnen wat de gedrukte tekst toelaat; "
            + join(
                [verb(differ, "wijkt af", "wijken af", "geen enkel cijfer wijkt af")]
                + (
                    [
                        verb(
                            missing,
                            "is niet te reproduceren of onderdrukt",
                            "zijn niet te reproduceren of onderdrukt",
                            "",
                        )
                    ]
                    if missing
                    else []
                )
            )
            + "."
        )
    subject = "claims van het rapport over Den Bosch"
    if v["did_agree"] == v["did_total"]:
        claims = f"{'Beide' if v['did_total'] == '2' else 'Alle ' + v['did_total']} {subject} volgen"
    else:
        claims = f"Van de {v['did_total']} {subject} volgen er {v['did_agree']}"
    reproduction += f" {claims} binnen de afronding uit de eigen percentages van het rapport."
    return {"key_funnel": funnel, "key_did": did_text, "key_reproduction": reproduction}


def client_survey(released: ReleasedNps) -> dict[str, str]:
    """``key_survey``: the NPS of the data the chapter ran on, with its interval, and that the
    report publishes none."""
    o = released.overall.iloc[0]
    interval = fmt.interval(o["nps_low"], o["nps_high"], 1)
    shown = (
        f"een NPS van {signed(o['nps'])} ({fmt.confidence(released.alpha)}-betrouwbaarheidsinterval {interval})"
        if pd.notna(o["nps"])
        else "een NPS die niet te tonen is"
    )
    return {
        "key_survey": (
            f"Het rapport publiceert geen NPS-waarden. De antwoorden waarmee het klantonderzoek is gedraaid "
            f"({fmt.number(o['n']) if pd.notna(o['n']) else SUPPRESSED} klanten) geven {shown}; het hoofdstuk laat "
            "zien hoe die score en haar onzekerheid uit de antwoorden volgen."
        )
    }
