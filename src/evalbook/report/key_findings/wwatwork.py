"""The key findings of the WW@Work chapter."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from ...disclosure.wwatwork import Released
from .. import format as fmt
from .. import verdict
from ..text import join
from . import pp_text, verb

# The assumptions of the embedded WW@Work cohort that the predicted inflow rests on.
PREDICTION_ASSUMPTIONS = ("mean_predicted_inflow", "predicted_inflow_concentration", "programme_effect")


def sentences(
    released: Released,
    did: pd.DataFrame,
    values: Mapping[str, str],
    alpha: float,
    tests: pd.DataFrame,
    assumptions: pd.DataFrame | None = None,
) -> dict[str, str]:
    """``key_funnel`` (the funnel and realised against predicted inflow), ``key_did`` (Den
    Bosch against Rotterdam, with Holm's correction over the chapter's tests),
    ``key_reproduction``, ``key_headline`` and ``key_brief`` (Den Bosch against Rotterdam in
    one short sentence); ``values``: the chapter's glued values
    (:func:`evalbook.report.wwatwork.glue_values`); ``tests``: the chapter's tests with their
    Holm-adjusted p-values (:func:`evalbook.analysis.wwatwork.test_family`); ``assumptions``:
    the chapter's assumptions (the embedded cohort's predicted inflow is one)."""
    v = values
    funnel = (
        f"Van de {v['funnel_cohort_count']} werkzoekenden van wie de WW eindigde tussen {v['cohort_first']} en "
        f"{v['cohort_last']} kwamen er {v['funnel_attended_count']} naar de voorlichting van WW@Work en "
        f"{v['funnel_coached_count']} in de coaching. Van de gecoachten vond {v['funnel_found_work_pct']} werk voordat "
        f"de WW afliep en stroomde {v['funnel_bijstand_pct']} toch in de bijstand."
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
        f"In 2014 bleef de doorstroom van WW naar bijstand {below[0]} de voorspelling van UWV en {below[1]}. "
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
        f"{v['funnel_bijstand_pct']} toch in de bijstand"
        + (
            f", {fmt.number(abs(ovp.loc['coached', 'diff']), 1)} procentpunt "
            f"{'minder' if ovp.loc['coached', 'diff'] < 0 else 'meer'} dan UWV voorspelde"
            + (" (een aangenomen voorspelling)" if assumed else "")
            if "coached" in ovp.index and pd.notna(ovp.loc["coached", "diff"])
            else ""
        )
        + "."
    )
    firm = verdict.firmness(d["p_value"], alpha, d_holm).removeprefix("dat verschil ")
    brief = (
        "Den Bosch tegen Rotterdam in 2014, gerealiseerd min door UWV voorspeld: een verschil van "
        f"{pp_text(d['diff'])} in de doorstroom naar de bijstand ({firm}; één jaar, zonder controlegroep)."
    )
    return {
        "key_funnel": funnel,
        "key_did": did_text,
        "key_reproduction": reproduction,
        "key_headline": headline,
        "key_brief": brief,
    }


def _prediction_assumed(assumptions: pd.DataFrame | None) -> bool:
    """Whether the cohort's predicted inflow is an assumption of the embedded data."""
    return assumptions is not None and bool(assumptions["parameter"].isin(PREDICTION_ASSUMPTIONS).any())
