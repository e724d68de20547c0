"""The effect-study chapter in Dutch: labels, glued prose values and the downloadable table.

Everything here reads a :class:`~evalbook.disclosure.effect.ReleasedEffectStudy` (what the
gate let through) and formats it; nothing is computed. No sentence or table calls a difference
significant without saying whether it survives Holm's correction over the chapter's tests
(:mod:`evalbook.report.verdict`). Labels of target groups come from
``book.yml`` (``chapter.labels["target_groups"]``), passed in by the notebook. The tables
shown are in :mod:`evalbook.report.effect_tables`, the figures in
:mod:`evalbook.report.effect_figures`, the prose on how far the findings carry in
:mod:`evalbook.report.effect_checks`, on matching and balance in
:mod:`evalbook.report.effect_matching`.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..analysis import codes as analysis
from ..analysis import published
from ..analysis.codes import (
    COLLINEAR,
    EMPTY_GROUP,
    OUTFLOW_BELOW_WORK,
    PARTS_ABOVE_OUTFLOW,
    TOO_FEW_EVENTS,
    TOTAL_OUTSIDE_PARTS,
)
from ..analysis.outcomes import BY_NAME, TOTAL
from ..disclosure.effect import Conflict, ReleasedEffectStudy
from ..stats import adjusted
from . import effect_matching as matching_text
from . import format as fmt
from . import verdict
from .labels import outcome_label
from .text import SUPPRESSED, join, lower_first

GROUP_LABELS = fmt.GROUP_LABELS
TOTAL_LABEL = "Totaal"
READING_TEXT = {  # a reading of outflow inside a sentence (the reading not chosen, a claim's reading)
    "event": "elke uitstroom binnen de volgperiode, ook van wie daarna terugkeerde",
    "status": "geen uitkering meer aan het eind van de volgperiode",
}
METHOD_LABELS = {
    analysis.PROPORTION_METHOD: "Miettinen–Nurminen-scoretoets en -interval",
    analysis.MEAN_METHOD: "Welch-t-toets en -interval",
    adjusted.LOGIT: "logistische regressie, gemiddeld marginaal effect (deltamethode)",
    adjusted.OLS: "lineaire regressie (OLS), robuuste standaardfouten (HC3)",
}
REASON_TEXTS = {  # why an adjusted effect is missing; {min_events} filled in
    EMPTY_GROUP: "een van de groepen is leeg",
    COLLINEAR: "model niet te schatten (covariaten samenhangend)",
    TOO_FEW_EVENTS: "te weinig gebeurtenissen (minder dan {min_events} keer ja of nee in een groep)",
    adjusted.TOO_FEW_ROWS: "te weinig personen voor het model",
    adjusted.SINGULAR: "model niet te schatten (singuliere matrix)",
    adjusted.SEPARATED: "model niet te schatten (scheiding of geen convergentie)",
}
OUTFLOW_TEXT = {
    "event": (
        "Uitstroom betekent hier dat de uitkering binnen de volgperiode eindigde, om welke reden ook; "
        "uitstroom naar werk en uitstroom om overige redenen tellen samen op tot de uitstroom."
    ),
    "status": (
        "Uitstroom betekent hier dat iemand aan het eind van de volgperiode geen uitkering meer had: wie "
        "binnen de volgperiode uitstroomde (naar werk of om een andere reden) en weer terugkeerde in de "
        "uitkering, telt niet mee. Alleen in deze lezing kunnen de gepubliceerde cijfers van uitstroom, "
        "uitstroom naar werk en uitstroom om overige redenen tegelijk gelden (zie hieronder)."
    ),
}
TOTAL_TEXT = {
    "pooled": "Een totaal van het rapport vergelijken we met alle werkzoekenden van de groep samen.",
    "unweighted_mean": (
        "Een totaal van het rapport ('totaal gemiddeld') lezen we als het ongewogen gemiddelde van "
        "de percentages van de doelgroepen, niet als het percentage van alle werkzoekenden samen. {why} "
        "De toetsen in de tabellen gaan over alle werkzoekenden samen; de doelgroepen zijn in programma- "
        "en controlegroep even groot op de ongematchte programmadeelnemers na. Onder *Twee totalen* staan "
        "beide totalen, waar dat kan met interval en toets."
    ),
}
TOTAL_WHY = {  # why the pooled reading of a total is set aside
    "sizes": "Met de groepsgroottes van deze data kan die tweede lezing niet gelden (zie hieronder).",
    "assumed": (
        "Met de groepsgroottes van deze data kan die tweede lezing niet gelden (zie hieronder). Die "
        "groepsgroottes zijn echter aangenomen, niet gepubliceerd. Met andere groepsgroottes kan de tweede "
        "lezing wel gelden: een doelgroep zonder gepubliceerd cijfer trekt het totaal, als zij groot genoeg "
        "is, naar elk percentage. Dat die lezing niet kan, volgt dus alleen uit de aanname."
    ),
    "open": "De gepubliceerde cijfers sluiten de tweede lezing niet uit; de keuze volgt de woorden van het rapport.",
    "hidden": (
        "Of die tweede lezing met de groepsgroottes van deze data kan gelden, is hier niet te tonen: de grens "
        "rust op groepsgroottes die onderdrukt zijn. De keuze volgt de woorden van het rapport."
    ),
}


def target_group_label(key: str, labels: Mapping[str, str]) -> str:
    """The label of a target group (``labels`` from book.yml; others as they are), "Totaal" for everyone."""
    return TOTAL_LABEL if key == TOTAL else labels.get(key, key)


def reason_text(code, min_events: int = analysis.DEFAULT_MIN_EVENTS):
    """Why an adjusted effect is missing, in Dutch (a missing code stays missing)."""
    return REASON_TEXTS[code].format(min_events=min_events) if isinstance(code, str) else code


def value_text(kind: str, decimals: int = 1):
    """A formatter for a value of an outcome of ``kind``: a percentage or a number."""
    return (lambda x: fmt.percent(x, decimals)) if kind == "proportion" else (lambda x: fmt.number(x, decimals))


def difference_text(kind: str):
    """A formatter for a difference: percentage points for a share, else a number."""
    return (lambda x: fmt.pp(x, 1)) if kind == "proportion" else (lambda x: fmt.number(x, 1))


def reproduced_significance(comparison: pd.DataFrame, alpha: float) -> pd.Series:
    """The reproduction's significance code for the rows where the report gives one."""
    return pd.Series(
        [
            verdict.label(p, alpha) if pd.notna(sig) else pd.NA
            for p, sig in zip(comparison["reproduced_p"], comparison["significance"], strict=True)
        ],
        index=comparison.index,
        dtype=object,
    )


def download_table(study: ReleasedEffectStudy) -> pd.DataFrame:
    """The chapter's aggregate table (what the gate released) with Dutch outcome labels,
    methods and reasons, for ``tables/effect_study.csv``."""
    table = study.table.copy()
    table.insert(
        table.columns.get_loc("outcome") + 1,
        "label",
        [outcome_label(o, study.outflow_measure) for o in table["outcome"]],
    )
    table["method"] = table["method"].map(METHOD_LABELS)
    table["reason"] = [reason_text(r, study.min_events) for r in table["reason"]]
    return table


def detectable_sentence(label: str, row: Mapping, power: float) -> str:
    """The sentence on what the study could detect for one outcome: ``row`` is a row of the
    released outcome table (``kind``, ``diff``, ``mde``, ``n_programme``, ``n_control``,
    ``value_control``, ``suppressed``); the found difference is compared in absolute value."""
    label = lower_first(label)
    unit = " procentpunt" if row["kind"] == "proportion" else ""
    chance = fmt.level(power)
    mde = row["mde"]
    if pd.isna(mde):
        known = all(pd.notna(row[c]) for c in ("n_programme", "n_control", "value_control"))
        if row["kind"] == "proportion" and known:  # even p1 = 100% is not detected
            return (
                f"Met deze groepsgroottes kon de studie in {label} zelfs het grootst mogelijke verschil "
                f"niet met {chance} kans opsporen."
            )
        why = f" ({SUPPRESSED})" if row.get("suppressed", False) else ""
        return f"Voor {label} is niet aan te geven welke verschillen de studie kon opsporen{why}."
    text = (
        f"Met deze groepsgroottes kon de studie alleen verschillen van ongeveer {fmt.number(mde, 1)}{unit} "
        f"of meer in {label} met {chance} kans opsporen"
    )
    diff = row["diff"]
    if pd.isna(diff):
        return text + "."
    if fmt.number(abs(diff), 1) == fmt.number(mde, 1):
        where = "ligt daar ongeveer op"
    else:
        where = "ligt daaronder" if abs(diff) < mde else "ligt daarboven"
    return f"{text}; het gevonden verschil van {fmt.pp(diff, 1).removesuffix(' pp')}{unit} {where}."


def glue_values(
    study: ReleasedEffectStudy,
    labels: Mapping[str, str],
    missing: Mapping[str, str],
    balance_threshold: float,
) -> dict[str, str]:
    """Every number and sentence the chapter's prose states, in Dutch notation.

    Per outcome (everyone): ``<outcome>_programme``, ``_control``, ``_diff``, ``_ci``, ``_p``,
    ``_holm``, ``_verdict``, ``_ame``, ``_ame_ci``, ``_mde``, ``_detectable``; then the group
    sizes, the published comparison (with the claims without a figure and what Holm takes
    from the report's verdicts), what was suppressed, the target groups, the readings chosen
    and the conflicts between published figures, the log-rank test (``logrank_verdict``, ``logrank_sentence``),
    matching and balance,
    and the assumptions. How far the findings carry (Holm, the tests behind a differing
    verdict, the other reading, the two totals, hidden bias) is in
    :func:`evalbook.report.effect_checks.glue_values`. ``labels``: the target groups' labels;
    ``missing``: the optional inputs this run does without, each with what the chapter leaves
    out then (``book.yml``); ``balance_threshold``: the chapter's |SMD| for a good balance."""
    values: dict[str, str] = {}
    for _, r in study.total.iterrows():
        show = value_text(r["kind"], 0 if r["kind"] == "proportion" else 1)
        key, diff = r["outcome"], difference_text(r["kind"])
        values[f"{key}_programme"] = show(r["value_programme"]) if pd.notna(r["value_programme"]) else SUPPRESSED
        values[f"{key}_control"] = show(r["value_control"]) if pd.notna(r["value_control"]) else SUPPRESSED
        values[f"{key}_diff"] = diff(r["diff"])
        values[f"{key}_ci"] = fmt.interval(r["ci_low"], r["ci_high"], 1)
        values[f"{key}_p"] = fmt.p_value(r["p_value"])
        values[f"{key}_holm"] = fmt.p_value(r["p_holm"])
        values[f"{key}_verdict"] = verdict.verdict(r["diff"], r["p_value"], study.alpha, r["p_holm"])
        values[f"{key}_ame"] = diff(r["ame"])
        values[f"{key}_ame_ci"] = fmt.interval(r["ame_low"], r["ame_high"], 1)
        values[f"{key}_mde"] = diff(r["mde"]).removeprefix("+")
        values[f"{key}_detectable"] = detectable_sentence(outcome_label(key, study.outflow_measure), r, study.power)
    first = study.total.iloc[0]
    values["n_programme"] = fmt.number(first["n_programme"])
    values["n_control"] = fmt.number(first["n_control"])
    values |= _comparison_values(study, labels)
    values["suppressed_list"] = (
        join(
            [
                outcome_label(o, study.outflow_measure).lower()
                for o in study.total.loc[study.total["suppressed"], "outcome"]
            ]
        )
        or "geen"
    )
    values["suppressed_target_groups"] = _suppressed_by_target_group(study, labels) or "niets"
    values["alpha"] = fmt.level(study.alpha)
    values["confidence"] = fmt.confidence(study.alpha)
    values["min_cell_size"] = fmt.number(study.min_cell_size)
    values["power"] = fmt.level(study.power)
    values |= results_values(values)
    values |= _target_group_values(study, labels)
    values["outflow_definition"] = OUTFLOW_TEXT[study.outflow_measure]
    values["published_total_reading"] = _total_reading(study)
    sentences = [conflict_sentence(c, study.outflow_measure, labels, _sizes_assumed(study)) for c in study.conflicts]
    values["conflicts"] = (
        "De gepubliceerde cijfers kunnen niet alle tegelijk gelden: " + "; ".join(sentences) + ". Dit hoofdstuk "
        "kiest daarom uitdrukkelijk de lezing waarin zoveel mogelijk ervan tegelijk gelden (zie de omschrijving van "
        "uitstroom en van het totaal onder *Onderzoeksgroepen*) en reproduceert de cijfers in die lezing."
        if sentences
        else "De gepubliceerde cijfers van deze effectstudie spreken elkaar niet tegen."
    )
    values["conflicts_found"] = str(len(sentences))
    values["logrank_chi2"] = fmt.number(study.log_rank.statistic, 2)
    values["logrank_p"] = fmt.p_value(study.log_rank.p_value)
    values["logrank_verdict"], values["logrank_sentence"] = _log_rank(study)
    return values | matching_text.balance_values(study, labels, missing, balance_threshold) | _assumption_values(study)


def _log_rank(study: ReleasedEffectStudy) -> tuple[str, str]:
    """The log-rank test's verdict and the sentence on it; one test beside the table's family,
    so not corrected. The gate withholds a test on too few persons (statistic and p missing)."""
    test = study.log_rank
    if pd.isna(test.p_value):
        return "is niet te toetsen (weggelaten)", (
            "De log-ranktoets, die de uitstroom over de hele volgperiode vergelijkt, is weggelaten: hij rust op te "
            "weinig personen om hen te beschermen."
        )
    words = (
        "verschilt significant" + verdict.HOLM_PHRASES[verdict.UNCORRECTED]
        if test.p_value < study.alpha
        else "verschilt niet significant"
    )
    return words, (
        f"De log-ranktoets vergelijkt de uitstroom over de hele volgperiode: de programmagroep {words} van "
        f"de controlegroep (χ² = {fmt.number(test.statistic, 2)}, {fmt.p_value(test.p_value)})."
    )


def named(study: ReleasedEffectStudy, labels: Mapping[str, str], quantity: str, subgroup: str) -> str:
    """An outcome inside a sentence, with its target group ("totaal" for everyone) when the
    study has target groups."""
    where = target_group_label(subgroup, labels)
    grouped = bool(study.target_groups or study.missing)
    return lower_first(outcome_label(quantity, study.outflow_measure)) + (
        f" ({where.lower() if subgroup == TOTAL else where})" if grouped else ""
    )


def _p_holm(study: ReleasedEffectStudy) -> pd.Series:
    """The Holm-adjusted p-value of every comparison, by (outcome, target group)."""
    return study.table.set_index(["outcome", "target_group"])["p_holm"]


def _comparison_values(study: ReleasedEffectStudy, labels: Mapping[str, str]) -> dict[str, str]:
    """How many published figures agree, differ, are suppressed or missing; the claims without
    a figure; significance labels and what Holm takes from them."""
    alpha = study.alpha
    comparison = study.comparison
    claims = comparison[comparison["value"].isna()]  # unit "claim": a verdict without a number
    status = comparison.drop(index=claims.index)["status"].value_counts()
    values = {"published_total": str(len(comparison) - len(claims))}
    for name, code in (
        ("agree", published.STATUS_AGREES),
        ("differ", published.STATUS_DIFFERS),
        ("suppressed", published.STATUS_SUPPRESSED),
        ("missing", published.STATUS_MISSING),
    ):
        values[f"published_{name}"] = str(int(status.get(code, 0)))
    values["claims_total"] = str(len(claims))
    values["claims_list"] = claims_list = join(
        [
            f"{named(study, labels, r['quantity'], r['subgroup'])}{_reading_note(study, r)} (rapport: "
            f"{verdict.SIGNIFICANCE_LABELS[r['significance']]}; reproductie: "
            f"{SUPPRESSED if pd.isna(r['reproduced_p']) else reproduced_verdict(study, r)})"
            for _, r in claims.iterrows()
            if r["quantity"] in BY_NAME
        ],
        "geen",
        "; ",
    )
    values["claims_sentence"] = (
        f"Daarnaast geeft het rapport {len(claims)} oordelen zonder cijfer: het noemt een verschil wel of niet "
        "significant, maar drukt er geen percentage of gemiddelde bij. De tabel zet elk daarvan naast het oordeel "
        f"van de reproductie: {claims_list}."
        + (
            " Waar de meegeleverde data de cijfers achter zo'n oordeel aannemen (zie de paragraaf Aannames), zijn ze "
            "zo gekozen dat het oordeel van het rapport uitkomt: daar is de reproductie geen toets van het rapport."
            if not study.assumptions.empty
            else ""
        )
        if len(claims)
        else "Oordelen zonder cijfer geeft het rapport hier niet."
    )
    labelled, checked, mismatch = significance_checks(study)
    both = checked[(checked["significance"] == "significant") & (checked["reproduced_significance"] == "significant")]
    holm = _p_holm(study)
    lost = both[
        np.array(
            [
                holm.get((q, s), np.nan) >= alpha
                for q, s in zip(both["quantity"], both["subgroup"].fillna(TOTAL), strict=True)
            ],
            dtype=bool,
        )
    ]
    return values | {
        "significance_labelled": str(len(labelled)),
        "significance_checked": str(len(checked)),
        "significance_unchecked": str(len(labelled) - len(checked)),
        "significance_mismatch": str(len(mismatch)),
        "significance_mismatch_list": join(
            [
                named(study, labels, q, s)
                for q, s in zip(mismatch["quantity"], mismatch["subgroup"].fillna(TOTAL), strict=True)
                if q in BY_NAME
            ]
        )
        or "geen",
        "significance_both": str(len(both)),
        "significance_holm_lost": str(len(lost)),
        "significance_holm_lost_list": join(
            [named(study, labels, q, s) for q, s in zip(lost["quantity"], lost["subgroup"].fillna(TOTAL), strict=True)],
            "geen",
            "; ",
        ),
    }


def _reading_note(study: ReleasedEffectStudy, row: Mapping) -> str:
    """``in de lezing van het rapport: …`` after a claim about outflow read otherwise than the chapter reads it."""
    reading = row.get("reading")
    if not isinstance(reading, str) or reading == study.outflow_measure:
        return ""
    return f" in de lezing van het rapport ({READING_TEXT[reading]})"


def significance_checks(study: ReleasedEffectStudy) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The comparisons the report labels significant or not (one row per quantity and target
    group), those of them the reproduction can test, and those where its verdict differs."""
    comparison = study.comparison.assign(reproduced_significance=reproduced_significance(study.comparison, study.alpha))
    labelled = comparison.dropna(subset=["significance"]).drop_duplicates(["quantity", "subgroup"])
    checked = labelled[labelled["reproduced_significance"].notna()]
    return labelled, checked, checked[checked["significance"] != checked["reproduced_significance"]]


def reproduced_verdict(study: ReleasedEffectStudy, row: Mapping) -> str:
    """The reproduction's short verdict, with its Holm status, beside a published figure or claim
    (``row``: a row of the released comparison); a claim about the reading of outflow the
    chapter did not choose is tested outside the Holm family ("zonder correctie")."""
    subgroup = row["subgroup"] if pd.notna(row["subgroup"]) else TOTAL
    other = isinstance(row.get("reading"), str) and row["reading"] != study.outflow_measure
    p_holm = np.nan if other else _p_holm(study).get((row["quantity"], subgroup), np.nan)
    return verdict.significance(row["reproduced_p"], study.alpha, p_holm)


OUTFLOW_CLAUSES = {  # the results' first paragraph, per outcome of the outflow family
    "outflow": (
        "De uitstroom uit de uitkering (zoals omschreven in de paragraaf Onderzoeksgroepen) was {programme} in de "
        "programmagroep en {control} in de controlegroep: een verschil van {diff} "
        "({confidence}-betrouwbaarheidsinterval {ci}; {p}, na Holm-correctie {holm}). "
        "De uitstroom is daarmee {verdict}."
    ),
    "outflow_work": "Naar werk stroomde {programme} uit, tegen {control} ({diff}, {p}): {verdict}.",
    "outflow_other": "Om overige redenen stroomde {programme} uit, tegen {control} ({diff}, {p}): {verdict}.",
}
SELECTED_CONTACTS = "(gesprek, gesprek aan huis, gesprek op locatie, groepsbijeenkomst)"
OTHER_CLAUSES = {  # the second paragraph: clauses joined by "; " within a sentence
    "parttime": "in deeltijd werkte {programme} van de programmagroep en {control} van de controlegroep: {verdict}",
    "active": "actief op de arbeidsmarkt was {programme} tegen {control}: {verdict}",
    "contacts_total": (
        "de programmagroep had gemiddeld {programme} geregistreerde klantcontacten, de controlegroep {control}: "
        "{verdict}"
    ),
    "contacts_selected": f"voor de geselecteerde contacten {SELECTED_CONTACTS} is dat {{programme}} tegen {{control}}: "
    "{verdict}",
    "contacts_selected_alone": f"de programmagroep had gemiddeld {{programme}} geselecteerde klantcontacten "
    f"{SELECTED_CONTACTS}, de controlegroep {{control}}: {{verdict}}",
    "no_show": "no-show kwam voor bij {programme} tegen {control}: {verdict}",
}


def results_values(values: Mapping[str, str]) -> dict[str, str]:
    """The results' prose from the outcomes this run compares (``values``: the per-outcome
    values of :func:`glue_values`): ``results_outflow`` (outflow, to work, for other reasons),
    ``results_other`` (part-time, active, contacts, hand-overs, no-show) and
    ``results_detectable`` (what the study could detect for outflow to work and part-time).
    An outcome left out of the ``outcomes`` parameter is left out of the prose."""

    def clause(key: str, outcome: str, template: dict) -> str:
        fields = ("programme", "control", "diff", "ci", "p", "holm", "verdict")
        return template[key].format(confidence=values["confidence"], **{f: values[f"{outcome}_{f}"] for f in fields})

    def has(outcome: str) -> bool:
        return f"{outcome}_programme" in values

    def sentence(clauses: list[str]) -> list[str]:
        text = "; ".join(clauses)
        return [text[:1].upper() + text[1:] + "."] if clauses else []

    first = [clause(o, o, OUTFLOW_CLAUSES) for o in OUTFLOW_CLAUSES if has(o)]
    contacts = [clause("contacts_total", "contacts_total", OTHER_CLAUSES)] if has("contacts_total") else []
    if has("contacts_selected"):
        alone = "contacts_selected" if contacts else "contacts_selected_alone"
        contacts.append(clause(alone, "contacts_selected", OTHER_CLAUSES))
    other = (
        sentence([clause(o, o, OTHER_CLAUSES) for o in ("parttime", "active") if has(o)])
        + sentence(contacts)
        + [_handover_sentence(values)]
        + sentence([clause("no_show", "no_show", OTHER_CLAUSES)] if has("no_show") else [])
    )
    detectable = [values[f"{o}_detectable"] for o in ("outflow_work", "parttime") if has(o)]
    return {
        "results_outflow": " ".join(first) or "Uitstroom is in deze run geen uitkomst.",
        "results_other": " ".join(other),
        "results_detectable": " ".join(detectable)
        or "De tabel hieronder geeft de MDE van elke uitkomst die deze run vergelijkt.",
    }


def _handover_sentence(values: dict[str, str]) -> str:
    """The prose on hand-overs, or why there is none (not every evaluation reports them)."""
    if "handover_matching_programme" in values and "handover_mo_programme" not in values:
        return (
            f"Naar Matching werd {values['handover_matching_programme']} tegen "
            f"{values['handover_matching_control']} overgedragen: {values['handover_matching_verdict']}."
        )
    if "handover_mo_programme" in values and "handover_matching_programme" not in values:
        return (
            f"Naar Maatschappelijke Ontwikkeling werd {values['handover_mo_programme']} tegen "
            f"{values['handover_mo_control']} overgedragen: {values['handover_mo_verdict']}."
        )
    if "handover_matching_programme" not in values:
        return (
            "Overdrachten naar Matching of Maatschappelijke Ontwikkeling rapporteert de evaluatie van dit "
            "programma niet; ze zijn hier geen uitkomst."
        )
    return (
        f"Naar Matching werd {values['handover_matching_programme']} tegen "
        f"{values['handover_matching_control']} overgedragen: {values['handover_matching_verdict']}; naar "
        f"Maatschappelijke Ontwikkeling {values['handover_mo_programme']} tegen {values['handover_mo_control']}: "
        f"{values['handover_mo_verdict']}."
    )


def _suppressed_by_target_group(study: ReleasedEffectStudy, labels: Mapping[str, str]) -> str:
    rows = study.table[(study.table["target_group"] != TOTAL) & study.table["suppressed"]]
    return "; ".join(
        f"{target_group_label(tg, labels)}: "
        + join([outcome_label(o, study.outflow_measure).lower() for o in group["outcome"]])
        for tg, group in rows.groupby("target_group", sort=False)
    )


def _target_group_values(study: ReleasedEffectStudy, labels: Mapping[str, str]) -> dict[str, str]:
    present = [target_group_label(t, labels) for t in study.target_groups]
    missing = [target_group_label(t, labels) for t in study.missing]
    expected = len(present) + len(missing)
    if not expected:
        sentence = "Deze effectstudie onderscheidt geen doelgroepen."
    else:
        sentence = f"De data bevatten {len(present)} van de {expected} doelgroepen: {join(present) or 'geen'}."
        if missing:
            sentence += (
                f" Ontbreekt in deze data: {join(missing)}. Voor die doelgroep vervallen de resultaten "
                "en de vergelijking met het rapport, en het totaal gaat alleen over de doelgroepen die er "
                "wel zijn."
            )
    return {
        "target_groups_present": join(present) or "geen",
        "target_groups_missing": join(missing) or "geen",
        "target_groups_sentence": sentence,
    }


def conflict_sentence(c: Conflict, outflow_measure: str, labels: Mapping[str, str], sizes_assumed: bool = False) -> str:
    """One conflict between published figures as a Dutch clause (``sizes_assumed``: the group
    sizes a bound on a total rests on are assumptions, not data)."""
    if c.kind in (OUTFLOW_BELOW_WORK, PARTS_ABOVE_OUTFLOW):
        where = "" if c.subgroup == TOTAL else f" {target_group_label(c.subgroup, labels)}"
        who = f"{GROUP_LABELS.get(c.group, c.group)}{where}" + ("" if where else " (totaal)")
        out, work = fmt.percent(c.figures["outflow"]), fmt.percent(c.figures["outflow_work"])
        if c.kind == OUTFLOW_BELOW_WORK:
            return f"bij de {who} is de uitstroom ({out}) kleiner dan de uitstroom naar werk ({work})"
        return (
            f"bij de {who} zijn de uitstroom naar werk ({work}) en om overige redenen "
            f"({fmt.percent(c.figures['outflow_other'])}) samen meer dan de uitstroom ({out})"
        )
    bound = f"{'ten minste' if c.at_least else 'ten hoogste'} {fmt.percent(c.bound, 1)}"
    named = join([f"{target_group_label(g, labels)} {fmt.percent(v)}" for g, v in c.figures.items() if g != TOTAL])
    return (
        f"als het totaal van de {GROUP_LABELS.get(c.group, c.group)} voor "
        f"{outcome_label(c.quantity, outflow_measure).lower()} ({fmt.percent(c.figures[TOTAL])}) alle "
        f"werkzoekenden samen betreft, moet het met {named} en de {'aangenomen ' if sizes_assumed else ''}"
        f"groepsgroottes van deze data {bound} zijn"
    )


def _sizes_assumed(study: ReleasedEffectStudy) -> bool:
    """Whether the group sizes of the data are assumptions (numbers the report does not publish)."""
    return bool((study.assumptions["kind"] == "count").any())


def _total_reading(study: ReleasedEffectStudy) -> str:
    """How a total of the report is read, and why; conditional where it rests on assumed group sizes."""
    if not study.target_groups or study.published_total == "pooled":
        return TOTAL_TEXT["pooled"]
    bounds = [c for c in study.conflicts if c.kind == TOTAL_OUTSIDE_PARTS]
    open_groups = any(len(c.figures) - 1 < len(c.sizes_of) for c in bounds)  # a target group without a figure
    if bounds:
        why = "assumed" if _sizes_assumed(study) and open_groups else "sizes"
    else:
        why = "hidden" if any(h.table == "conflicts" for h in study.suppressions) else "open"
    return TOTAL_TEXT["unweighted_mean"].format(why=TOTAL_WHY[why])


def _assumption_values(study: ReleasedEffectStudy) -> dict[str, str]:
    """Glued values on the assumptions: how many, and whether the group sizes are among them."""
    assumptions = study.assumptions
    if assumptions.empty:
        sentence = "Bij deze data horen geen aannames: groepsgroottes en uitkomsten komen uit de data zelf."
    else:
        sizes = (assumptions["kind"] == "count").any()
        sentence = (
            f"De meegeleverde synthetische data berusten op {len(assumptions)} aannames over getallen die het "
            "rapport niet publiceert" + (", waaronder alle groepsgroottes" if sizes else "") + ". Ze staan één keer "
            "in de data (het bestand assumptions.csv in de datamap, met hun reden) en worden hier ingelezen, niet "
            "overgetypt. Wie het hoofdstuk met eigen data draait, heeft ze niet nodig: dan komen de groepsgroottes "
            "uit de data."
        )
    return {"assumptions_listed": str(len(assumptions)), "assumptions_sentence": sentence}
