"""Dutch names of the quantities a chapter reports, shared by the study modules and the
provenance box: the register outcomes of the effect study and the survey quantities of the
published comparisons. Kept apart from the study modules so a box or a table that names a
quantity does not depend on a study's presentation code (nor rerun with it)."""

from __future__ import annotations

OUTCOME_LABELS = {  # as in the reports; outflow follows the outflow measure (OUTFLOW_LABELS)
    "outflow_work": "Uitstroom naar werk",
    "outflow_other": "Uitstroom om overige redenen",
    "no_return_after_work": "Geen terugkeer na uitstroom naar werk",
    "parttime": "Deeltijdwerk (minstens 1 maand)",
    "active": "Actief op de arbeidsmarkt (werk of deeltijdwerk)",
    "no_show": "No-show bij een afspraak",
    "handover_matching": "Overdracht naar Matching",
    "handover_mo": "Overdracht naar Maatschappelijke Ontwikkeling",
    "contacts_total": "Geregistreerde klantcontacten (gemiddeld)",
    "contacts_selected": "Geselecteerde klantcontacten (gemiddeld)",
}
OUTFLOW_LABELS = {"event": "Uitstroom uit de uitkering", "status": "Geen uitkering aan het eind van de volgperiode"}

# Dutch names of the survey quantities (the effect-study ones come from evalbook.analysis.outcomes).
QUANTITY_LABELS = {
    "grade7plus_attention_composite": "Rapportcijfer 7+ voor persoonlijke aandacht",
    "grade7plus_privacy": "Rapportcijfer 7+ voor privacy",
    "grade7plus_overall": "Rapportcijfer 7+ voor de dienstverlening",
    "statement_does_little_disagree": "Oneens met 'doet heel weinig voor mij'",
    "statement_does_little_agree": "Eens met 'doet heel weinig voor mij'",
    "selfconfidence": "Meer zelfvertrouwen",
    "psych_treatment": "Behandeld voor psychische problemen",
    "activities_useful": "Iets gehad aan activiteiten en trajecten",
    "outlook_chance_low": "Kans op werk (heel) klein",
    "outlook_chance_high": "Kans op werk (heel) groot",
    "expect_exit_within_1y": "Verwacht binnen een jaar uit de uitkering",
    "expect_exit_2y": "Verwacht binnen twee jaar uit de uitkering",
    "expect_exit_more_2y": "Verwacht over meer dan twee jaar uit de uitkering",
    "expect_never_work": "Verwacht nooit te werken",
    "expect_dont_know": "Weet niet wanneer uit de uitkering",
    "grade7plus_reachability": "Rapportcijfer 7+ voor de bereikbaarheid",
    "grade7plus_communication": "Rapportcijfer 7+ voor de communicatie",
    "grade7plus_attention": "Rapportcijfer 7+ voor de persoonlijke aandacht",
    "grade7plus_professionalism": "Rapportcijfer 7+ voor de professionaliteit",
    "grade7plus_advice": "Rapportcijfer 7+ voor de adviezen",
    "grade7plus_wishes": "Rapportcijfer 7+ voor rekening houden met wensen",
    "grade7plus_appointments": "Rapportcijfer 7+ voor het nakomen van afspraken",
    "grade7plus_time": "Rapportcijfer 7+ voor de tijd die de werkconsulent neemt",
    "grade7plus_say_work": "Rapportcijfer 7+ voor de kans te vertellen wat voor werk",
    "grade7plus_trajectories": "Rapportcijfer 7+ voor de trajecten en activiteiten",
    "contact_location": "Gesprekken in de eigen woonbuurt",
    "contact_monthly": "Minstens eens per maand contact",
    "topic_work": "Gesprekken over werk",
    "topic_psych": "Gesprekken over psychische problemen",
    "reason_education": "Lage opleiding als reden voor een kleine kans op werk",
}


def outcome_label(name: str, outflow_measure: str = "event") -> str:
    """The Dutch label of an outcome (outflow: as the outflow measure reads it)."""
    return OUTFLOW_LABELS[outflow_measure] if name == "outflow" else OUTCOME_LABELS[name]
