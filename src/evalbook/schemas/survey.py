"""The contracts of the surveys: answers (``survey.csv``), questionnaire (``codebook.csv``)
and the 0–10 recommendation scores of the client survey (``survey_nps.csv``).

Two contracts describe a telephone survey, both supplied with the extract:

* :data:`SURVEY`: the answers in long form, one row per respondent per item asked
  (``respondent, group, item, value``, and optionally ``team``: the team that served the
  respondent, one per respondent, a label the book prints). "Weet niet" is the value
  ``dont_know``, never a missing row; an item a respondent was not asked (routing) has no row.
* :data:`CODEBOOK`: the questionnaire. One row per item with its Dutch label, its scale
  (``grade`` 1–10, ``agreement``, ``yes_no``, ``choice``), what counts as the positive answer,
  how "weet niet" is counted, the composite indicators it belongs to and its routing
  (``asked_if``). Composite indicators are rows of their own (scale ``composite``).

:func:`validate` checks the two against each other (unknown items, values outside an item's
scale, answers the routing excludes, codebook items nobody answered).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..core import contract, paths
from ..core.contract import Column, Contract, Rule
from ..core.vocabulary import ARMS

GROUPS = ARMS
DONT_KNOW = "dont_know"
GRADES = tuple(str(g) for g in range(1, 11))
AGREEMENT = ("strongly_disagree", "disagree", "neutral", "agree", "strongly_agree")
YES_NO = ("yes", "no")
SCALES = ("grade", "agreement", "yes_no", "choice", "composite")
# the side of the agreement scale an answer is on (the reports give "(helemaal) eens" shares)
SIDES = {
    "strongly_disagree": "disagree",
    "disagree": "disagree",
    "neutral": "neutral",
    "agree": "agree",
    "strongly_agree": "agree",
    DONT_KNOW: DONT_KNOW,
}
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


# -- contracts ------------------------------------------------------------------------------------


def option_codes(options) -> list[str]:
    """The answer codes of a choice item's ``options`` (``code=label|code=label``)."""
    if not isinstance(options, str):
        return []
    return [part.split("=", 1)[0].strip() for part in options.split("|") if part.strip()]


def option_labels(options) -> dict[str, str]:
    """``{code: Dutch label}`` of a choice item's ``options``."""
    if not isinstance(options, str):
        return {}
    pairs = [part.split("=", 1) for part in options.split("|") if part.strip()]
    return {p[0].strip(): (p[1].strip() if len(p) > 1 else p[0].strip()) for p in pairs}


def split_list(text) -> list[str]:
    return [t.strip() for t in text.split("|") if t.strip()] if isinstance(text, str) else []


def answer_codes(scale: str, options=None) -> tuple[str, ...]:
    """Every valid value of an item on ``scale`` (``dont_know`` included)."""
    codes = {"grade": GRADES, "agreement": AGREEMENT, "yes_no": YES_NO}.get(scale) or tuple(option_codes(options))
    return (*codes, DONT_KNOW)


def _positive_ok(row) -> bool:
    scale, positive = row["scale"], row["positive"]
    if not isinstance(positive, str):
        return False
    if scale == "grade":
        return positive in GRADES
    if scale == "agreement":
        return positive in ("agree", "disagree")
    if scale == "yes_no":
        return positive in YES_NO
    if scale == "choice":
        return bool(split_list(positive)) and set(split_list(positive)) <= set(option_codes(row["options"]))
    return positive == "all" if scale == "composite" else True


def _composites_ok(df: pd.DataFrame) -> pd.Series:
    composites = set(df.loc[df["scale"] == "composite", "item"])
    return df["composites"].map(lambda c: set(split_list(c)) <= composites) & (
        (df["scale"] != "composite") | df["composites"].isna()
    )


def _members_ok(df: pd.DataFrame) -> pd.Series:
    members = pd.Series([m for c in df["composites"] for m in split_list(c)], dtype="str").value_counts()
    return (df["scale"] != "composite") | df["item"].map(lambda i: members.get(i, 0) >= 2)


def _asked_if_ok(df: pd.DataFrame) -> pd.Series:
    scales = df.set_index("item")["scale"].to_dict()
    options = df.set_index("item")["options"].to_dict()

    def ok(row) -> bool:
        if not isinstance(row["asked_if"], str):
            return True
        item, _, codes = row["asked_if"].partition("=")
        item = item.strip()
        return (
            row["scale"] != "composite"
            and item != row["item"]
            and scales.get(item) not in (None, "composite")
            and bool(split_list(codes))
            and set(split_list(codes)) <= set(answer_codes(scales[item], options[item]))
        )

    return df.apply(ok, axis=1)


CODEBOOK = Contract(
    name="codebook",
    columns=(
        Column("item", "string", "the item's name as in survey.csv (snake_case)", unique=True),
        Column("topic", "string", "the Dutch heading the item belongs under"),
        Column("label", "string", "the Dutch label of the item"),
        Column("scale", "string", categories=SCALES),
        Column("options", "string", "for choice items: code=label|code=label", nullable=True),
        Column("positive", "string", "what counts as the positive answer"),
        Column("dont_know", "string", categories=("exclude", "include"), nullable=True),
        Column("composites", "string", "the composite indicators the item belongs to (name|name)", nullable=True),
        Column("asked_if", "string", "routing: item=code|code (empty: asked to everyone)", nullable=True),
    ),
    rules=(
        Rule("item", "a snake_case name", lambda df: df["item"].map(lambda i: bool(_NAME.match(str(i))))),
        Rule(
            "options",
            "code=label|code=label for choice items, empty for other scales",
            lambda df: (df["scale"] == "choice") == df["options"].map(lambda o: bool(option_codes(o))),
        ),
        Rule(
            "positive",
            "the positive answer for the scale: a grade 1–10 (that grade or higher) for grade items, "
            "agree or disagree, yes or no, option codes (code|code) for choice items, all for composites",
            lambda df: df.apply(_positive_ok, axis=1),
        ),
        Rule(
            "dont_know",
            "exclude or include for every question, empty for composites",
            lambda df: (df["scale"] == "composite") == df["dont_know"].isna(),
        ),
        Rule("composites", "names of composite rows of this codebook (and empty on composite rows)", _composites_ok),
        Rule("item", "a composite with at least two items that name it in their composites column", _members_ok),
        Rule(
            "asked_if", "item=code|code naming another question of the codebook and valid answers of it", _asked_if_ok
        ),
    ),
    labels=("topic", "label", "options"),
)


def _one_group_per_respondent(df: pd.DataFrame) -> pd.Series:
    return df.groupby("respondent")["group"].transform("nunique") == 1


def _one_team_per_respondent(df: pd.DataFrame) -> pd.Series:
    if "team" not in df:
        return pd.Series(True, index=df.index)
    return df.groupby("respondent")["team"].transform("nunique") <= 1


def has_teams(responses: pd.DataFrame) -> bool:
    """Whether a survey's answers name the team of each respondent (the optional ``team`` column)."""
    return "team" in responses.columns


SURVEY = Contract(
    name="survey",
    columns=(
        Column("respondent", "string", "a pseudonymous respondent key, never a BSN"),
        Column("group", "string", categories=GROUPS),
        Column("item", "string", "an item of the codebook"),
        Column("value", "string", "the answer code (weet niet: dont_know)"),
        Column("team", "string", "optional: the team that served the respondent (one per respondent)", required=False),
    ),
    rules=(
        Rule(
            "group",
            "the same group on every row of a respondent (a respondent in both groups found)",
            _one_group_per_respondent,
        ),
        Rule(
            "team",
            "the same team on every row of a respondent (a respondent in two teams found)",
            _one_team_per_respondent,
        ),
        Rule(
            "item",
            "one answer per respondent per item (a repeated item found)",
            lambda df: ~df.duplicated(["respondent", "item"], keep=False),
        ),
    ),
    required_values={"group": GROUPS},
    identifiers=("respondent",),
    labels=("group", "team"),
    grouping=("team",),
)

NPS_RESPONSES = Contract(
    name="nps_responses",
    columns=(
        Column("respondent", "string", "a pseudonymous respondent key, never a BSN", unique=True),
        Column("period", "month", "the month of the survey, jjjj-mm (within date_window)"),
        Column("team", "string", "the team that served the client"),
        Column("score", "int", "the answer to 'Hoe waarschijnlijk is het dat u ons aanbeveelt?'", min=0, max=10),
    ),
    identifiers=("respondent",),
    labels=("team", "period"),
    grouping=("team",),
)


# -- loading: both files and their cross-checks ------------------------------------------------------


@dataclass(frozen=True)
class Survey:
    """A validated survey: answers (``SURVEY``) and questionnaire (``CODEBOOK``)."""

    responses: pd.DataFrame
    codebook: pd.DataFrame

    @property
    def questions(self) -> pd.DataFrame:
        return self.codebook[self.codebook["scale"] != "composite"]

    def respondents(self) -> pd.Series:
        """The number of respondents per group."""
        return self.responses.drop_duplicates("respondent").groupby("group")["respondent"].size()


def validate(responses: pd.DataFrame, codebook: pd.DataFrame, survey_path, codebook_path) -> Survey:
    """Cross-checks of answers and questionnaire; raises one ContractError on the first file at fault."""
    survey_name, codebook_name = (_shown(p) for p in (survey_path, codebook_path))
    questions = codebook[codebook["scale"] != "composite"].set_index("item")
    problems = []
    known = responses["item"].isin(questions.index)
    if not known.all():
        problems.append(
            _problem(
                responses,
                ~known,
                "item",
                f"an item listed in {Path(codebook_name).name} (composites are computed, not answered)",
            )
        )
    allowed = {item: answer_codes(q["scale"], q["options"]) for item, q in questions.iterrows()}
    pairs = zip(responses["item"], responses["value"], strict=True)
    valid = pd.Series([item not in allowed or value in allowed[item] for item, value in pairs], index=responses.index)
    for scale, rows in responses[~valid].groupby(responses["item"].map(questions["scale"]), sort=False):
        problems.append(_problem(responses, responses.index.isin(rows.index), "value", _scale_expectation(scale)))
    routed = _routing_ok(responses, questions)
    if not routed.all():
        problems.append(
            _problem(
                responses,
                ~routed,
                "item",
                f"answered only by respondents the item's asked_if in {Path(codebook_name).name} selects",
            )
        )
    if problems:
        raise contract.breach(survey_name, SURVEY, problems, _offset(survey_path))
    answered = codebook["item"].isin(responses["item"]) | (codebook["scale"] == "composite")
    if not answered.all():
        raise contract.breach(
            codebook_name,
            CODEBOOK,
            [_problem(codebook, ~answered, "item", f"an item with at least one answer in {Path(survey_name).name}")],
            _offset(codebook_path),
        )
    return Survey(responses=responses, codebook=codebook)


def _shown(path) -> str:
    path = Path(path)
    return paths.display(path) if path.is_absolute() else str(path)


def _offset(path) -> int:
    return 1 if Path(path).suffix.lower() == ".parquet" else 2


def _problem(frame: pd.DataFrame, mask, column: str, expected: str) -> tuple:
    rows = list(frame.index[np.asarray(mask, dtype=bool)])
    return column, expected, rows, list(frame.loc[rows, column])


def _scale_expectation(scale: str) -> str:
    return {
        "grade": f"for a grade item a whole number 1–10 or {DONT_KNOW} (weet niet)",
        "agreement": f"for an agreement item one of: {', '.join(AGREEMENT)}, {DONT_KNOW}",
        "yes_no": f"for a yes/no item yes, no or {DONT_KNOW}",
    }.get(scale, f"for a choice item one of its option codes in the codebook, or {DONT_KNOW}")


def _routing_ok(responses: pd.DataFrame, questions: pd.DataFrame) -> pd.Series:
    """False on answers to an item whose ``asked_if`` the respondent does not meet."""
    answers = responses.set_index(["respondent", "item"])["value"]
    ok = pd.Series(True, index=responses.index)
    for item, condition in questions["asked_if"].dropna().items():
        source, _, codes = condition.partition("=")
        rows = responses["item"] == item
        if not rows.any():
            continue
        given = [answers.get((r, source.strip())) for r in responses.loc[rows, "respondent"]]
        ok[rows] = [g in split_list(codes) for g in given]
    return ok


def check(frames: dict, files: dict) -> None:
    """The build's cross-file check of a telephone survey (``check: survey`` in book.yml)."""
    validate(frames["survey"], frames["codebook"], files["survey"], files["codebook"])


def members(codebook: pd.DataFrame, composite: str) -> list[str]:
    """The items of a composite indicator (``codebook`` indexed by item)."""
    return [i for i in codebook.index if composite in split_list(codebook.at[i, "composites"])]
