"""Every data contract of the book, by the name ``book.yml`` uses for it.

:data:`CONTRACTS` maps a contract name to its :class:`~evalbook.core.contract.Contract`;
:data:`CHECKS` maps a cross-file check name to a function ``check(frames, files)`` that
validates inputs against each other (raising :class:`~evalbook.core.errors.ContractError`).
"""

from __future__ import annotations

from . import assumptions, cohort, context, literature, published, register, survey

CONTRACTS = {
    "register": register.REGISTER,
    "pool": register.POOL,
    "published": published.PUBLISHED,
    "assumptions": assumptions.ASSUMPTIONS,
    "survey": survey.SURVEY,
    "codebook": survey.CODEBOOK,
    "nps_responses": survey.NPS_RESPONSES,
    "cohort": cohort.COHORT,
    "principles": literature.PRINCIPLES,
    "assessment": literature.ASSESSMENT,
    "success_factors": literature.SUCCESS_FACTORS,
    "organisation": context.ORGANISATION,
    "flows": context.FLOWS,
    "conclusions": context.CONCLUSIONS,
    "randvoorwaarden": context.RANDVOORWAARDEN,
    "matrix": context.MATRIX,
    "journey_steps": context.JOURNEY_STEPS,
    "journey_links": context.JOURNEY_LINKS,
}

CHECKS = {
    "survey": survey.check,
}
