"""The key findings of an effect study."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from ...analysis.outcomes import TOTAL
from ...disclosure.effect import ReleasedEffectStudy
from .. import format as fmt
from .. import verdict
from ..effect import named
from ..labels import outcome_label
from ..text import join, lower_first
from . import NOT_SHOWN, listed, pp_text, reproduction_sentence

# Outcomes that measure the service itself (what staff register and decide), not the jobseekers.
PROCESS_OUTCOMES = ("handover_matching", "handover_mo", "contacts_total", "contacts_selected")
# What outflow means, as a label over the outflow sentence: the reading differs between studies.
OUTFLOW_TITLES = {"event": "Uitstroom binnen de volgperiode", "status": "Zonder uitkering op de peildatum"}
PROCESS_NOTE = (
    "het zijn maten van de dienstverlening zelf, die de consulenten registreren of besluiten, geen uitkomsten "
    "van de werkzoekenden"
)


def sentences(
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
    found["key_reproduction"] = reproduction_sentence(values, "de effectstudie")
    found["key_headline"] = _effect_headline(study, values, programme_group, labels)
    found["key_brief"] = _brief(study, programme_group, follow_up_months)
    found["key_outflow_label"] = OUTFLOW_TITLES[study.outflow_measure]
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


def _effect_headline(
    study: ReleasedEffectStudy, values: Mapping[str, str], programme_group: str, labels: Mapping[str, str]
) -> str:
    """The effect study in one sentence: outflow to work against the matched control group and
    how firm that is, then what survives Holm's correction (a difference, not a cause)."""
    rows = study.total.set_index("outcome")
    if "outflow_work" not in rows.index:
        work = "uitstroom naar werk is in deze run geen uitkomst"
    else:
        r = rows.loc["outflow_work"]
        if pd.isna(r["diff"]) or pd.isna(r["p_value"]):
            work = "het verschil in uitstroom naar werk is niet te tonen"
        else:
            firm = verdict.firmness(r["p_value"], study.alpha, r["p_holm"]).removeprefix("dat verschil ")
            work = (
                f"de {programme_group} stroomt {pp_text(abs(r['diff'])).lstrip('+')} "
                f"{'vaker' if r['diff'] > 0 else 'minder vaak'} uit naar werk dan de gematchte controlegroep, "
                f"{firm}"
            )
    standing = _standing(study)
    names = [named(study, labels, o, t) for o, t in zip(standing["outcome"], standing["target_group"], strict=True)]
    if standing.empty:
        rest = "geen enkel verschil houdt stand na correctie voor meervoudig toetsen"
    else:
        rest = (
            f"na correctie voor meervoudig toetsen {'houdt' if len(names) == 1 else 'houden'} "
            f"{fmt.number(len(names))} van de {values['holm_family']} verschillen stand"
        )
        if set(standing["outcome"]) <= set(PROCESS_OUTCOMES):  # named on the programme page
            rest += ", alle in maten van de dienstverlening zelf, niet in uitkomsten van de werkzoekenden"
        else:
            rest += f" ({listed(names, 2)})"
    return f"{work[0].upper()}{work[1:]}; {rest}."


def _brief(study: ReleasedEffectStudy, programme_group: str, months: int) -> str:
    """Outflow in one short sentence, with how firm it is and what it rests on."""
    rows = study.total.set_index("outcome")
    if "outflow" not in rows.index:
        return ""
    r = rows.loc["outflow"]
    if pd.isna(r["p_value"]) or pd.isna(r["value_programme"]) or pd.isna(r["value_control"]):
        return f"{OUTFLOW_TITLES[study.outflow_measure]} ({fmt.number(months)} maanden): {NOT_SHOWN}."
    firm = verdict.firmness(r["p_value"], study.alpha, r["p_holm"]).removeprefix("dat verschil ")
    text = (
        f"{OUTFLOW_TITLES[study.outflow_measure]} ({fmt.number(months)} maanden): {fmt.percent(r['value_programme'])} "
        f"in de {programme_group} tegen {fmt.percent(r['value_control'])} in de controlegroep "
        f"({pp_text(r['diff'])}; {firm})."
    )
    if (study.assumptions["kind"] == "count").any():
        text += " De groepsgroottes zijn aangenomen, niet gepubliceerd."
    return text
