"""The key findings ("Belangrijkste uitkomsten") of the chapters, as complete Dutch sentences.

Each chapter glues them (``key_…``); the landing page and the programmes' summary pages
paste them from there (``{glue:text}`wgw/effect_study.ipynb::key_outflow:s```), so a rerun
of a chapter on other data rewrites them. ``key_headline`` is the finding of a programme in
one line. The wording follows the data and the verdict vocabulary
(:mod:`evalbook.report.verdict`): a difference *houdt stand* when it is significant after
Holm's correction over the chapter's tests, and whether the programme caused it is said only
with the sensitivity figures beside it (E-value of the interval limit, Rosenbaum's Γ); a
comparison the gate held back is said to be not shown; a sentence that rests on a number the
report does not publish (an assumption of the embedded data) says so. Like the rest of
:mod:`evalbook.report` this reads released results (and the chapter's own glued values, so the
two never disagree) and computes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from ..analysis.outcomes import TOTAL
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
# Outcomes that measure the service itself (what staff register and decide), not the jobseekers.
PROCESS_OUTCOMES = ("handover_matching", "handover_mo", "contacts_total", "contacts_selected")
PROCESS_NOTE = (
    "het zijn maten van de dienstverlening zelf, die de consulenten registreren of besluiten, geen uitkomsten "
    "van de werkzoekenden"
)
# The assumptions of the embedded WW@Work cohort that the predicted inflow rests on.
PREDICTION_ASSUMPTIONS = ("mean_predicted_inflow", "predicted_inflow_concentration", "programme_effect")


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
            f" Van de verschillen die het rapport significant noemt, {'houdt' if lost == 1 else 'houden'} er "
            f"{fmt.number(lost)} geen stand na correctie voor meervoudig toetsen: "
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
    means), ``key_holm`` (which differences survive Holm's correction, over which family, and
    how sensitive they are to what the matching could not see), ``key_reproduction`` (how
    well the published figures reproduce) and ``key_headline``. ``values``: the chapter's
    glued values (:func:`evalbook.report.effect.glue_values` and
    :func:`evalbook.report.effect_checks.glue_values`); ``labels``: the target groups' labels."""
    rows = study.total.set_index("outcome")
    found = {
        f"key_{outcome}": _outcome_sentence(
            study, rows.loc[outcome], outcome, programme_group, follow_up_months, values
        )
        if outcome in rows.index
        else f"{outcome_label(outcome, study.outflow_measure)}: in deze run geen uitkomst."
        for outcome in ("outflow", "outflow_work")
    }
    found["key_holm"] = _holm_sentence(study, values, programme_group, labels)
    found["key_reproduction"] = _reproduction_sentence(values, "de effectstudie")
    found["key_headline"] = _effect_headline(study, values, programme_group)
    return found


def _standing(study: ReleasedEffectStudy) -> pd.DataFrame:
    """The comparisons whose difference survives Holm's correction."""
    return study.table[study.table["p_holm"] < study.alpha]


def _holm_sentence(
    study: ReleasedEffectStudy, values: Mapping[str, str], programme_group: str, labels: Mapping[str, str]
) -> str:
    standing = _standing(study)
    names = [named(study, labels, o, t) for o, t in zip(standing["outcome"], standing["target_group"], strict=True)]
    held = int(values["holm_family_held"])
    text = (
        f"Deze effectstudie toetst {values['tests_total']} verschillen tussen de {programme_group} en de "
        f"controlegroep; de correctie voor meervoudig toetsen (Holm) loopt over {values['holm_family']} toetsen"
        + (f", ook de {fmt.number(held)} die zijn weggelaten om personen te beschermen" if held else "")
        + ". "
    )
    if standing.empty:
        return text + "Na die correctie houdt geen enkel verschil stand."
    text += f"Na die correctie {'houdt' if len(names) == 1 else 'houden'} er {fmt.number(len(names))} stand: "
    text += listed(names)
    if set(standing["outcome"]) <= set(PROCESS_OUTCOMES):
        text += f"; {PROCESS_NOTE}"
    text += ". "
    items = [
        (name, verdict.sensitivity_text(r.get("e_value_limit"), r.get("gamma")) if r["target_group"] == TOTAL else "")
        for name, (_, r) in zip(names, standing.iterrows(), strict=True)
    ]
    return text + verdict.cause_sentence("het programma", items)


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
    text = f"{head} {verdict.judgement(r['p_value'], study.alpha, r['p_holm'], detectable)}"
    if verdict.holm_label(r["p_value"], study.alpha, r["p_holm"]) == verdict.AFTER_HOLM:
        sensitivity = verdict.sensitivity_text(r.get("e_value_limit"), r.get("gamma"))
        text += " " + verdict.cause_sentence("het programma", [(lower_first(label), sensitivity)])
    return text + _assumed_note(study, outcome)


def _assumed_note(study: ReleasedEffectStudy, outcome: str) -> str:
    """What a sentence about ``outcome`` rests on that the report does not publish: the group
    sizes (then the p-value rests on them) and the outcome's figures of target groups."""
    assumed = study.assumptions
    sizes = bool((assumed["kind"] == "count").any())
    shares = bool(((assumed["quantity"] == outcome) & assumed["target_group"].notna()).any())
    if not (sizes or shares):
        return ""
    what = join(
        (["de groepsgroottes"] if sizes else [])
        + (["de percentages van doelgroepen waarvoor het rapport er geen drukt"] if shares else [])
    )
    return (
        f" In de meegeleverde data zijn {what} aangenomen, niet gepubliceerd (zie de paragraaf Aannames van het "
        "hoofdstuk): "
        f"{'percentages en p-waarde rusten' if shares else 'de p-waarde rust'} mede op die aanname."
    )


def _effect_headline(study: ReleasedEffectStudy, values: Mapping[str, str], programme_group: str) -> str:
    """The effect study in one line: outflow to work and what survives Holm."""
    rows = study.total.set_index("outcome")
    parts = []
    if "outflow_work" in rows.index:
        r = rows.loc["outflow_work"]
        if pd.isna(r["diff"]) or pd.isna(r["p_value"]):
            parts.append("uitstroom naar werk niet te tonen")
        else:
            code = verdict.holm_label(r["p_value"], study.alpha, r["p_holm"])
            words = {
                verdict.AFTER_HOLM: verdict.STANDS,
                verdict.BEFORE_HOLM: "alleen zonder correctie significant",
                verdict.UNCORRECTED: "significant zonder correctie",
                verdict.NOT_SIGNIFICANT: "niet significant",
            }[code]
            parts.append(f"uitstroom naar werk {pp_text(r['diff'])} tegen de controlegroep ({words})")
    standing = _standing(study)
    parts.append(
        f"{fmt.number(len(standing))} van de {values['holm_family']} toetsen "
        f"{'houdt' if len(standing) == 1 else 'houden'} stand na correctie voor meervoudig toetsen"
        + (" (" + PROCESS_NOTE + ")" if len(standing) and set(standing["outcome"]) <= set(PROCESS_OUTCOMES) else "")
    )
    return f"De {programme_group} tegenover de gematchte controlegroep: {join(parts, sep='; ')}."


# -- telephone surveys ----------------------------------------------------------------------------


def phone_survey(
    released: ReleasedSurvey, values: Mapping[str, str], programme_group: str, overall: str = "grade7plus_overall"
) -> dict[str, str]:
    """``key_survey`` (the overall grade, ``overall``, and how many indicators differ before and
    after Holm, and, with the embedded data, that the p-values rest on the assumed numbers of
    respondents) and ``key_reproduction``. ``values``: the chapter's glued values
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
                + verdict.judgement(r["p_value"], released.alpha, r["p_holm"])
            )
    names = survey_labels(released)
    holm = [
        lower_first(names[q])
        for q in released.indicators.loc[released.indicators["p_holm"] < released.alpha, "quantity"]
    ]
    sentences.append(
        f"Van de {values['indicators_total']} indicatoren van de enquête verschillen er zonder correctie "
        f"{values['significant_total']} significant tussen de groepen; na correctie voor meervoudig toetsen (Holm, "
        f"over {values['holm_family']} toetsen) houden er "
        + ("geen stand." if not holm else f"{fmt.number(len(holm))} stand: {listed(holm)}.")
    )
    if released.assumed:
        sentences.append(
            "Het rapport noemt het aantal respondenten niet, en bij een deel van de vragen ook geen percentages: de "
            f"meegeleverde data nemen {values['assumed_programme']} en {values['assumed_control']} respondenten aan "
            "en, waar het rapport alleen een oordeel geeft, percentages die dat oordeel opleveren (assumptions.csv). "
            "Wat hier significant is, volgt dus uit die aannames, niet uit de enquête zelf."
        )
    sentences.append(
        "De enquête vergelijkt wat twee groepen zeggen over hun begeleiding; zij laat niet zien wat de aanpak "
        "teweegbracht."
    )
    return {"key_survey": " ".join(sentences), "key_reproduction": _reproduction_sentence(values, "de enquête")}


# -- WW@Work ---------------------------------------------------------------------------------------


def wwatwork(
    released: Released,
    did: pd.DataFrame,
    values: Mapping[str, str],
    alpha: float,
    tests: pd.DataFrame,
    assumptions: pd.DataFrame | None = None,
) -> dict[str, str]:
    """``key_funnel`` (the funnel and realised against predicted inflow), ``key_did`` (Den
    Bosch against Rotterdam, with Holm's correction over the chapter's tests),
    ``key_reproduction`` and ``key_headline``; ``values``: the chapter's glued values
    (:func:`evalbook.report.wwatwork.glue_values`); ``tests``: the chapter's tests with their
    Holm-adjusted p-values (:func:`evalbook.analysis.wwatwork.test_family`); ``assumptions``:
    the chapter's assumptions (the embedded cohort's predicted inflow is one)."""
    v = values
    funnel = (
        f"Van de {v['funnel_cohort_count']} werkzoekenden van wie de WW eindigde tussen {v['cohort_first']} en "
        f"{v['cohort_last']} kwamen er {v['funnel_attended_count']} naar de voorlichting van WW@Work en "
        f"{v['funnel_coached_count']} in de coaching. Van de gecoachten vond {v['funnel_found_work_pct']} werk voordat "
        f"de WW afliep en stroomde {v['funnel_bijstand_pct']} toch in de Bijstand."
    )
    ovp = released.ovp.set_index("group")
    assumed = _prediction_assumed(assumptions)
    if "coached" in ovp.index and pd.notna(ovp.loc["coached", "p_value"]):
        r = ovp.loc["coached"]
        funnel += (
            f" Dat is {fmt.number(abs(r['diff']), 1)} procentpunt {'minder' if r['diff'] < 0 else 'meer'} dan UWV "
            f"voorspelde ({fmt.percent(r['predicted'], 1)}; {fmt.confidence(alpha)}-betrouwbaarheidsinterval van het "
            f"verschil "
            f"{fmt.interval(r['ci_low'], r['ci_high'], 1)})."
        )
        if assumed:
            funnel += (
                " Die voorspelling is in de meegeleverde data een aanname, geen gepubliceerd cijfer: UWV publiceert "
                "geen voorspelde kansen per persoon, en in de meegeleverde data wijkt de gerealiseerde instroom "
                "alleen door toeval van die voorspelling af. "
                "Het verschil zegt daarom alleen iets over de aanname."
            )
        funnel += (
            " Zonder controlegroep is het een vergelijking met een voorspelling: deelnemers kiezen zelf of ze komen."
        )
    cities = did.set_index("unit")
    below = [
        f"{'in Den Bosch' if unit == 'den_bosch' else 'in Rotterdam'} "
        f"{fmt.number(abs(cities.loc[unit, 'diff']), 1)} procentpunt "
        f"{'onder' if cities.loc[unit, 'diff'] < 0 else 'boven'}"
        for unit in ("den_bosch", "rotterdam")
    ]
    d = cities.loc["did"]
    d_holm = tests.set_index(["table", "key"]).at[("did", "did"), "p_holm"]
    did_text = (
        f"In 2014 bleef de doorstroom van WW naar Bijstand {below[0]} de voorspelling van UWV en {below[1]}. "
        f"Het verschil tussen die twee is {pp_text(d['diff'])} ({fmt.confidence(alpha)}-betrouwbaarheidsinterval "
        f"{fmt.interval(d['ci_low'], d['ci_high'], 2)}). "
        + verdict.judgement(d["p_value"], alpha, d_holm)
        + f" De correctie loopt over de {v['holm_family']} toetsen van het hoofdstuk."
        + " Het is één jaar en een vergelijking met de voorspelling van UWV, zonder controlegroep."
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
    headline = (
        f"WW@Work heeft geen controlegroep: van de gecoachten vond {v['funnel_found_work_pct']} werk en stroomde "
        f"{v['funnel_bijstand_pct']} toch in de Bijstand"
        + (
            f", {fmt.number(abs(ovp.loc['coached', 'diff']), 1)} procentpunt "
            f"{'minder' if ovp.loc['coached', 'diff'] < 0 else 'meer'} dan UWV voorspelde"
            + (" (een aangenomen voorspelling)" if assumed else "")
            if "coached" in ovp.index and pd.notna(ovp.loc["coached", "diff"])
            else ""
        )
        + "."
    )
    return {"key_funnel": funnel, "key_did": did_text, "key_reproduction": reproduction, "key_headline": headline}


def _prediction_assumed(assumptions: pd.DataFrame | None) -> bool:
    """Whether the cohort's predicted inflow is an assumption of the embedded data."""
    return assumptions is not None and bool(assumptions["parameter"].isin(PREDICTION_ASSUMPTIONS).any())


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
