"""The key findings of a telephone survey."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from ...disclosure.survey import ReleasedSurvey
from .. import format as fmt
from .. import verdict
from ..survey import labels as survey_labels
from ..text import lower_first
from . import NOT_SHOWN, listed, pp_text, reproduction_sentence


def sentences(
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
    names = survey_labels(released, spoken=True)
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
    return {
        "key_survey": " ".join(sentences),
        "key_reproduction": reproduction_sentence(values, "de enquête"),
        "key_brief": _brief(released, values, programme_group, overall, len(holm)),
    }


def _brief(released: ReleasedSurvey, values: Mapping[str, str], programme_group: str, overall: str, held: int) -> str:
    """The survey in one short sentence: the overall grade, how firm its difference is, how
    many indicators survive Holm, and that the numbers of respondents are assumed."""
    rows = released.indicators.set_index("quantity")
    stand = f"{fmt.number(held)} van de {values['indicators_total']} vragen {'houdt' if held == 1 else 'houden'} stand"
    if overall in rows.index and pd.notna(rows.loc[overall, "p_value"]) and pd.notna(rows.loc[overall, "diff"]):
        r = rows.loc[overall]
        firm = verdict.firmness(r["p_value"], released.alpha, r["p_holm"]).removeprefix("dat verschil ")
        text = (
            f"In de enquête geeft {fmt.percent(r['value_programme'])} van de {programme_group} de begeleiding een 7 of "
            f"hoger, tegen {fmt.percent(r['value_control'])} van de controlegroep ({firm}); {stand}."
        )
    else:
        text = f"In de enquête {stand} na correctie voor meervoudig toetsen."
    if released.assumed:
        text += " Het aantal respondenten is aangenomen."
    return text
