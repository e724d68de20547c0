"""What every column of the downloadable tables means, in Dutch.

Each chapter saves one aggregate table (``book/<part>/tables/<chapter>.csv``); the chapter
links it and lists its columns with their meaning (:func:`display`), and the data page of
the book pastes the same list (:func:`glue_values`). A column without a meaning here stops
the chapter (:class:`~evalbook.core.errors.BuildError`): a table a reader can download is
explained in full. Meanings are per chapter template, falling back to the shared ones; a
column ``<name>_<group>`` (``value_programme``, ``n_noord``) is explained from ``<name>``
and the group. A meaning states the chapter's levels through placeholders (``{confidence}``,
``{power}``), filled from the chapter's terms (:func:`evalbook.report.parameters.phrases`).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from ..core.errors import BuildError
from .tables import Table

GROUPS = {
    "programme": "in de programmagroep",
    "control": "in de controlegroep",
    "total": "in beide groepen samen",
    "noord": "in regio Noord",
    "zuid": "in regio Zuid",
    "rijnmond": "in Rijnmond",
    "nederland": "in heel Nederland",
}
# Per-group columns: <name>_<group> -> the meaning of <name>, followed by the group.
PER_GROUP = {
    "n": "aantal personen (de noemer)",
    "k": "aantal personen met de uitkomst of het antwoord",
    "value": "percentage (aantal gedeeld door n, maal 100) of gemiddelde",
    "wilson_low": "ondergrens van het {confidence}-betrouwbaarheidsinterval van het percentage (Wilson)",
    "wilson_high": "bovengrens van het {confidence}-betrouwbaarheidsinterval van het percentage (Wilson)",
    "um": "ongewogen gemiddelde van de percentages van de doelgroepen",
    "k_alt": "aantal met de uitkomst in de andere lezing van uitstroom (zie het hoofdstuk)",
    "value_alt": "percentage in de andere lezing van uitstroom",
    "count": "aantal personen dat deze stap haalde",
    "percent": "percentage van de stap waaruit deze stap volgt (kolom n)",
    "figure": "code van het gepubliceerde cijfer",
    "printed": "het cijfer zoals het rapport het drukt",
    "lower": "ondergrens van wat het gedrukte cijfer toelaat (afronding of woorden)",
    "upper": "bovengrens van wat het gedrukte cijfer toelaat",
    "share": "aandeel in de beroepsbevolking (%) zoals gedrukt",
}
SHARED = {
    "label": "omschrijving van de rij in woorden, zoals in het hoofdstuk",
    "kind": "soort uitkomst: proportion (percentage) of mean (gemiddelde)",
    "diff": "verschil programmagroep min controlegroep (procentpunt, of eenheid van het gemiddelde)",
    "ci_low": "ondergrens van het {confidence}-betrouwbaarheidsinterval van het verschil",
    "ci_high": "bovengrens van het {confidence}-betrouwbaarheidsinterval van het verschil",
    "p_value": "p-waarde van de toets op het verschil (tweezijdig)",
    "p_holm": "p-waarde na Holm-correctie voor alle toetsen van het hoofdstuk (leeg: geen indicator)",
    "suppressed": "True als de rij (deels) is onderdrukt ter bescherming van personen; lege cellen zijn dan weggelaten",
}
CHAPTER_COLUMNS: dict[str, dict[str, str]] = {
    "effect_study": {
        "target_group": "doelgroep (code uit book.yml); leeg: alle werkzoekenden samen",
        "outcome": "uitkomst (code); de omschrijving staat in label",
        "method": "toets en interval van het verschil",
        "ame": "verschil gecorrigeerd voor geslacht, leeftijd, opleiding en uitkeringsduur (gemiddeld "
        "marginaal effect, procentpunt of eenheid)",
        "ame_low": "ondergrens van het {confidence}-interval van het gecorrigeerde verschil",
        "ame_high": "bovengrens van het {confidence}-interval van het gecorrigeerde verschil",
        "ame_p": "p-waarde van het gecorrigeerde verschil",
        "reason": "waarom het gecorrigeerde verschil ontbreekt",
        "mde": "minimaal detecteerbaar effect: kleinste verschil dat met {power} kans was op te sporen",
        "rr": "risicoverhouding: percentage programmagroep gedeeld door dat van de controlegroep",
        "rr_low": "ondergrens van het {confidence}-interval van de risicoverhouding",
        "rr_high": "bovengrens van het {confidence}-interval van de risicoverhouding",
        "e_value": "E-waarde van de risicoverhouding (VanderWeele en Ding)",
        "e_value_limit": "E-waarde van de intervalgrens die het dichtst bij 1 ligt",
        "gamma": "Γ van Rosenbaum: het verborgen verschil in deelnamekans waarbij de gepaarde toets het verschil "
        "niet meer van toeval onderscheidt",
        "cmh_p": "p-waarde van de Cochran–Mantel–Haenszel-toets, gestratificeerd naar doelgroep",
        "um_diff": "verschil van de ongewogen gemiddelden (procentpunt)",
        "um_low": "ondergrens van het {confidence}-interval van dat verschil",
        "um_high": "bovengrens van het {confidence}-interval van dat verschil",
        "um_p": "p-waarde van de z-toets op dat verschil",
        "p_value_alt": "p-waarde van de toets op het verschil in uitstroom in de andere lezing (zie het hoofdstuk)",
    },
    "phone_survey": {
        "quantity": "indicator of antwoordcategorie (code)",
        "item": "vraag in het codeboek (code)",
        "primary": "True voor een indicator, False voor het aandeel van één antwoordcategorie",
        "topic": "onderwerp van de vraag",
        "scale": "soort vraag: grade (rapportcijfer), agreement (uitspraak), yes_no (ja/nee), choice (keuze), "
        "composite (samengesteld)",
        "kind": "soort uitkomst: proportion (percentage)",
        "diff": "verschil programmagroep min controlegroep (procentpunt)",
        "team": "team van de respondenten (leeg: alle respondenten van de groep)",
    },
    "literature_scan": {
        "programme": "programma (code uit book.yml)",
        "factor": "algemeen werkzame factor (code)",
        "evidence": "bron binnen de evaluatie: professionals (interviews), survey (enquête), effect_study "
        "(effectstudie) of case_study (casestudy)",
        "judgement": "oordeel: positive (positief), mixed (gedeeltelijk positief), no_difference (geen verschil) "
        "of not_measured (niet gemeten)",
        "source": "rapport waarin de passage staat",
        "section": "vindplaats in dat rapport",
    },
    "wwatwork_effect": {
        "step": "stap van de trechter (code); de omschrijving staat in label",
        "count": "aantal personen dat deze stap haalde, in heel Rotterdam",
        "n": "aantal personen in de stap waaruit deze stap volgt (de basis van het percentage)",
        "percent": "percentage van die basis",
    },
    "client_survey": {
        "by": "indeling van de rij: totaal, team of maand (period)",
        "group": "team, maand (jjjj-mm) of totaal",
        "n": "aantal respondenten",
        "k_promoters": "aantal promotors (score 9 of 10)",
        "k_passives": "aantal passieven (score 7 of 8)",
        "k_detractors": "aantal criticasters (score 0 tot en met 6)",
        "share_promoters": "percentage promotors",
        "share_passives": "percentage passieven",
        "share_detractors": "percentage criticasters",
        "nps": "Net Promoter Score: percentage promotors min percentage criticasters",
        "nps_low": "ondergrens van het {confidence}-betrouwbaarheidsinterval van de NPS (adjusted Wald)",
        "nps_high": "bovengrens van het {confidence}-betrouwbaarheidsinterval van de NPS",
    },
    "arnhem_startfoto": {
        "node": "onderdeel van het stroomschema",
        "in_lower": "kleinst mogelijke instroom (personen), uit de gedrukte aantallen",
        "in_upper": "grootst mogelijke instroom",
        "out_lower": "kleinst mogelijke uitstroom",
        "out_upper": "grootst mogelijke uitstroom",
        "total": "totaal dat in het vak van het schema staat, zoals gedrukt",
        "in_flows": "aantal stromen naar het onderdeel",
        "out_flows": "aantal stromen uit het onderdeel",
        "consistent": "True als in- en uitstroom binnen hun intervallen kunnen kloppen",
    },
    "client_journey": {
        "benefit": "uitkering (code); de omschrijving staat in label",
        "recipients": "aantal ontvangers in Rijnmond, zoals gedrukt in Tabel 2 van het rapport",
        "recomputed": "aandeel in de beroepsbevolking opnieuw berekend uit het aantal (%)",
        "agrees": "True als het gedrukte aandeel binnen de afronding gelijk is aan het herberekende",
        "diff_pp": "aandeel Rijnmond min aandeel Nederland (procentpunt), zoals gedrukt",
    },
    "audit": {
        "source": "bestand met gepubliceerde cijfers: programma/hoofdstuk",
        "quantity": "wat er gemeten is (code)",
        "subgroup": "doelgroep; leeg: totaal",
        "section": "vindplaats in het rapport",
        "unit": "eenheid van het gedrukte cijfer",
        "label": "oordeel van het rapport: significant of not_significant",
        "base": "noemer van het percentage: n (de groep) of een deel daarvan",
        "pairs": "aantal paren aantallen dat bij de gedrukte percentages past",
        "p_mn_score_min": "kleinste p-waarde van de scoretoets over die paren",
        "p_mn_score_max": "grootste p-waarde van de scoretoets",
        "p_pearson_min": "kleinste p-waarde van de chi-kwadraattoets",
        "p_pearson_max": "grootste p-waarde van de chi-kwadraattoets",
        "p_yates_min": "kleinste p-waarde van de chi-kwadraattoets met Yates-correctie",
        "p_yates_max": "grootste p-waarde van de chi-kwadraattoets met Yates-correctie",
        "p_fisher_min": "kleinste p-waarde van de exacte toets van Fisher",
        "p_fisher_max": "grootste p-waarde van de exacte toets van Fisher",
        "label_possible_n": "groepsgroottes (gelijke groepen) waarbij het oordeel van het rapport kan kloppen",
        "label_certain_n": "groepsgroottes waarbij het oordeel voor elk passend paar klopt",
        "label_possible_n_mn_score": "groepsgroottes waarbij de scoretoets het oordeel kan geven",
        "label_possible_n_pearson": "groepsgroottes waarbij de chi-kwadraattoets het oordeel kan geven",
        "label_possible_n_yates": "groepsgroottes waarbij de chi-kwadraattoets met Yates het oordeel kan geven",
        "label_possible_n_fisher": "groepsgroottes waarbij de toets van Fisher het oordeel kan geven",
        "cmh_strata": "doelgroepen in de Cochran–Mantel–Haenszel-toets",
        "cmh_sizes": "groepsgroottes per doelgroep in die toets",
        "p_cmh_min": "kleinste p-waarde van de Cochran–Mantel–Haenszel-toets",
        "p_cmh_max": "grootste p-waarde van de Cochran–Mantel–Haenszel-toets",
        "verdict": "uitkomst van de controle: consistent, ambiguous (onbeslist), inconsistent of untestable",
        "reason": "waarom (code)",
    },
}


def meaning(column: str, chapter: str, terms: Mapping[str, str]) -> str:
    """The meaning of ``column`` in the table of ``chapter`` (a template name), with the
    chapter's ``terms`` filled in."""
    try:
        return _meaning(column, chapter).format_map(terms)
    except KeyError as exc:
        raise BuildError(f"the meaning of column {column!r} of chapter {chapter!r} needs the term {exc}") from None


def _meaning(column: str, chapter: str) -> str:
    own = CHAPTER_COLUMNS.get(chapter, {})
    if column in own or column in SHARED:
        return own.get(column) or SHARED[column]
    name, _, group = column.rpartition("_")
    if group == "alt":
        base, _, group = name.rpartition("_")
        if f"{base}_alt" in PER_GROUP and group in GROUPS:
            return f"{PER_GROUP[base + '_alt']} {GROUPS[group]}"
    if name in PER_GROUP and group in GROUPS:
        return f"{PER_GROUP[name]} {GROUPS[group]}"
    raise BuildError(
        f"the downloadable table of chapter {chapter!r} has a column {column!r} without a meaning; "
        "add it to evalbook.report.columns"
    )


def meanings(table: pd.DataFrame, chapter: str, terms: Mapping[str, str]) -> dict[str, str]:
    """Every column of ``table`` with its meaning, in the table's order."""
    return {column: meaning(column, chapter, terms) for column in table.columns}


def display(table: pd.DataFrame, chapter: str, terms: Mapping[str, str]) -> Table:
    """The columns of the downloadable table and their meanings."""
    return Table(pd.DataFrame(meanings(table, chapter, terms).items(), columns=["Kolom", "Betekenis"]))


def glue_values(table: pd.DataFrame, chapter: str, terms: Mapping[str, str]) -> dict[str, str]:
    """``table_rows``, ``table_columns`` (how many) and ``table_meanings``: every column with
    its meaning in one Dutch text, for the data page (``terms``: the chapter's, see :func:`meaning`)."""
    explained: Mapping[str, str] = meanings(table, chapter, terms)
    return {
        "table_rows": str(len(table)),
        "table_columns": str(len(table.columns)),
        "table_meanings": "; ".join(f"{column}: {text}" for column, text in explained.items()) + ".",
    }
