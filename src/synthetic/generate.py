"""Writing the embedded data: every generated file of ``data/synthetic/`` and what makes it.

``python -m synthetic`` rewrites them all; ``tests/test_synthetic.py`` checks that the
committed files equal a fresh generation.
"""

from __future__ import annotations

from evalbook.core import paths
from evalbook.core.io import write_csv

from . import cohort, register, survey, targets


def _assumed(programme: str, chapter: str):
    return targets.read_assumptions(programme=programme, chapter=chapter)


GENERATORS = {
    "wgw/pool.csv": register.wgw_pool,
    "wgw/register.csv": register.wgw_register,
    "route3/pool.csv": register.route3_pool,
    "route3/register.csv": register.route3_register,
    "wwatwork/cohort.csv": cohort.generate,
    "wgw/survey.csv": lambda: survey.wgw_survey(_assumed("wgw", "phone_survey")),
    "route3/survey.csv": lambda: survey.route3_survey(_assumed("route3", "phone_survey")),
    "wwatwork/survey_nps.csv": lambda: survey.wwatwork_nps(_assumed("wwatwork", "client_survey")),
}


def main() -> None:
    out = paths.repo_root() / "data" / "synthetic"
    for relative, generate in GENERATORS.items():
        write_csv(generate(), out / relative)
        print(f"wrote data/synthetic/{relative}")
