"""The telephone survey by team (issue 27): the optional ``team`` column of the answers, the
indicators counted per team, the teams in the survey's linked count system (the reference
attacker finds nothing, and finds a planted leak), and the chapter by many teams within a
bound of the embedded chapter's time."""

from __future__ import annotations

import functools
import time
from unittest import mock

import numpy as np
import pandas as pd
import pytest

from conftest import ROOT, chapter, copy_repo, evalbook
from evalbook.book.chapter import Chapter
from evalbook.chapters import phone_survey
from evalbook.core import contract
from evalbook.core.errors import ContractError, PrivacyError
from evalbook.core.io import write_csv
from evalbook.disclosure import attacker, linked
from evalbook.disclosure import survey as gate
from evalbook.report import survey as report
from evalbook.schemas.survey import SURVEY
from synthetic.scale import split_survey_teams

DATA = ROOT / "data" / "synthetic"


@functools.cache
def answers(part: str = "route3") -> pd.DataFrame:
    return contract.read(DATA / part / "survey.csv", SURVEY)


def uneven_teams(responses: pd.DataFrame, seed: int = 8) -> pd.DataFrame:
    """Eight teams: four tiny ones (3, 6, 9 and 12 respondents) and four that share the rest.

    Not two tiny teams alone: when the tiny teams together have fewer than the minimum per
    group beside large teams that are shown, each large team's ``n`` is tied to its hidden
    respondents by every question asked to all, and the search runs for many minutes (on
    Route 3, more than 570 s without finishing; open, see the branch's report)."""
    people = responses["respondent"].drop_duplicates().sample(frac=1.0, random_state=seed).to_numpy()
    labels = ["klein_a"] * 3 + ["klein_b"] * 6 + ["klein_c"] * 9 + ["klein_d"] * 12
    labels += [f"team_{i % 4 + 1}" for i in range(len(people) - len(labels))]
    return responses.assign(team=responses["respondent"].map(dict(zip(people, labels, strict=True))))


def write(frame: pd.DataFrame, path):
    write_csv(frame, path)
    return path


# -- the contract -----------------------------------------------------------------------------------


def test_the_survey_contract_reads_a_team_column(tmp_path):
    split = split_survey_teams(answers(), 4, seed=1)
    read = contract.read(write(split, tmp_path / "survey.csv"), SURVEY)
    assert read["team"].nunique() == 4
    assert "team" not in answers().columns  # data without teams read as before


def test_a_respondent_in_two_teams_is_refused(tmp_path):
    split = split_survey_teams(answers(), 4, seed=1)
    first = split["respondent"].iloc[0]
    rows = split.index[split["respondent"] == first]
    split.loc[rows[-1], "team"] = "team_9"
    with pytest.raises(ContractError, match="a respondent in two teams"):
        contract.read(write(split, tmp_path / "survey.csv"), SURVEY)


def test_an_e_mail_as_team_is_refused(tmp_path):
    split = split_survey_teams(answers(), 4, seed=1)
    split["team"] = split["team"].replace({"team_1": "j.jansen@rotterdam.nl"})
    with pytest.raises(ContractError, match="found an e-mail address"):
        contract.read(write(split, tmp_path / "survey.csv"), SURVEY)


def test_a_near_duplicate_team_label_is_refused(tmp_path):
    split = split_survey_teams(answers(), 2, seed=1).replace({"team": {"team_1": "Team Noord", "team_2": "Team Zuid"}})
    stray = split["respondent"] == split.loc[split["team"] == "Team Noord", "respondent"].iloc[0]
    split.loc[stray, "team"] = "Team Nord"
    with pytest.raises(ContractError, match="did you mean 'Team Noord'"):
        contract.read(write(split, tmp_path / "survey.csv"), SURVEY)


def test_a_respondent_key_as_a_team_name_stops_the_chapter(tmp_path):
    split = split_survey_teams(answers(), 4, seed=1)
    key = split["respondent"].iloc[0]
    split["team"] = split["team"].replace({"team_2": key})
    write(split, tmp_path / "route3" / "survey.csv")
    (tmp_path / "route3" / "codebook.csv").write_bytes((DATA / "route3" / "codebook.csv").read_bytes())
    with pytest.raises(PrivacyError) as info:
        Chapter("phone_survey", "route3", {"data_dir": str(tmp_path)})
    assert "survey.csv, column 'team'" in str(info.value) and "an input identifier" in str(info.value)
    assert key not in str(info.value)


def test_split_survey_teams_deals_respondents_not_rows():
    split = split_survey_teams(answers(), 30, seed=3)
    per_respondent = split.groupby("respondent")["team"].nunique()
    assert (per_respondent == 1).all()
    sizes = split.drop_duplicates("respondent")["team"].value_counts()
    assert len(sizes) == 30 and sizes.max() - sizes.min() <= 1


# -- the counts ---------------------------------------------------------------------------------------


@functools.cache
def by_teams():
    running = chapter("route3", "phone_survey", survey=uneven_teams(answers()))
    result = phone_survey.analyse(running)
    return running, result


def test_without_teams_nothing_is_counted_or_shown_per_team():
    running = chapter("route3", "phone_survey")
    result = phone_survey.analyse(running)
    assert result.by_team is None and result.teams == ()
    released = phone_survey.run(running, result).released
    assert released.by_team is None and report.team_display(released) is None


def test_counts_per_team_are_a_hand_count_of_the_answers():
    _, result = by_teams()
    frame = uneven_teams(answers())
    counted = result.by_team.set_index(["quantity", "team", "group"])
    # a grade item: weet niet left out, a 7 or higher positive
    grade = frame[(frame["item"] == "grade7plus_overall") & (frame["value"] != "dont_know")]
    for (team, group), rows in grade.groupby(["team", "group"]):
        k = sum(int(v) >= 7 for v in rows["value"])
        assert tuple(counted.loc[("grade7plus_overall", team, group), ["k", "n"]]) == (k, len(rows))
    # the composite: positive on all three statements (agree or strongly agree; weet niet counted)
    members = ("knows_wants", "knows_strengths", "future_confidence")
    wide = frame[frame["item"].isin(members)].pivot(index="respondent", columns="item", values="value")
    wide = wide.dropna()
    hit = wide.isin(["agree", "strongly_agree"]).all(axis=1)
    people = frame.drop_duplicates("respondent").set_index("respondent").loc[wide.index]
    for (team, group), rows in people.groupby(["team", "group"]):
        got = tuple(counted.loc[("selfconfidence", team, group), ["k", "n"]])
        assert got == (int(hit[rows.index].sum()), len(rows))
    # the teams add up to the groups of the main table
    table = result.table.set_index("quantity")
    sums = result.by_team.groupby(["quantity", "group"])[["k", "n"]].sum()
    for (quantity, group), r in sums.iterrows():
        assert (r["k"], r["n"]) == (table.at[quantity, f"k_{group}"], table.at[quantity, f"n_{group}"])
    assert set(result.by_team["quantity"]) == set(result.indicators["quantity"])


# -- the gate ---------------------------------------------------------------------------------------------


@functools.cache
def protected():
    """The survey by eight uneven teams through the gate, with the count system and protection
    the gate computed."""
    running, result = by_teams()
    found = []

    def recorded(system, *args, **kwargs):
        found.append((system, linked.protect(system, *args, **kwargs)))
        return found[-1][1]

    with mock.patch.object(gate, "protect", recorded):
        released = gate.release(result, running.rules)
    system, protection = found[0]
    return result, released, system, protection, running.rules


def test_the_teams_join_the_count_system_and_tiny_teams_are_hidden():
    result, released, system, protection, rules = protected()
    assert ("tk", "grade7plus_overall", "klein_a", "programme") in system.cells
    tiny = released.by_team[released.by_team["team"].isin(["klein_a", "klein_b"])]
    assert tiny[["k_programme", "k_control", "value_programme", "value_control"]].isna().all().all()
    shown = released.by_team[[f"{c}_{g}" for c in ("k", "n") for g in ("programme", "control")]]
    truth = gate.team_table(result.by_team)[shown.columns]
    same = shown.isna() | (shown.astype(float).to_numpy() == truth.to_numpy())
    assert same.all().all()  # what is shown is the true count
    values = shown.to_numpy(dtype=float)
    assert np.all(np.isnan(values) | (values >= rules.min_cell_size))  # no small count shown
    large = released.by_team[released.by_team["team"].str.startswith("team_")]
    assert large[["value_programme", "value_control"]].notna().any().any()  # the large teams show something
    table = report.team_display(released)
    assert list(table.frame.columns) == ["Indicator", "Team", "Programmagroep", "Controlegroep"]
    assert "onderdrukt" in set(table.frame["Programmagroep"].str.split(";").str[0])


def test_the_reference_attacker_narrows_no_hidden_team_count():
    _, _, system, protection, rules = protected()
    primaries = protection.cells(linked.PRIMARY)
    assert any(k[0] == "tk" for k in primaries)
    found = attacker.intervals(system, protection.suppressed, cells=primaries, integer=rules.integer_attacker)
    assert all(iv.protects(rules.min_cell_size) for iv in found.values())


def test_a_hidden_team_count_put_back_is_found():
    """Of one indicator and group, every hidden team count but one small one shown again: the
    group's count minus the teams shown gives the small one back."""
    _, _, system, protection, rules = protected()
    hidden = dict(protection.suppressed)
    target = ("tk", "grade7plus_overall", "klein_a", "programme")
    assert target in hidden and ("k", "grade7plus_overall", "programme") not in hidden
    peers = [k for k in hidden if k[:2] == target[:2] and k[3] == target[3] and k != target]
    assert peers  # the gate hid another team's count beside it
    leaky = {k: v for k, v in hidden.items() if k not in peers}
    found = attacker.intervals(system, leaky, cells=[target], integer=rules.integer_attacker)
    assert not found[target].protects(rules.min_cell_size)


# -- the chapter by many teams ------------------------------------------------------------------------------


@pytest.mark.slow
def test_the_chapter_by_teams_runs_within_the_bound_of_the_embedded_chapter(tmp_path):
    """Route 3's telephone survey by ten teams (a smaller variant of the benchmark's thirty,
    :func:`synthetic.bench.gate_at_scale`) takes at most four times the embedded chapter, both
    run as the build runs them, and shows its table per team."""
    work = copy_repo(tmp_path / "repo")
    teams = tmp_path / "teams"
    write(split_survey_teams(answers(), 10, seed=10), teams / "route3" / "survey.csv")
    for name in ("route3/codebook.csv", "assumptions.csv"):
        (teams / name).write_bytes((DATA / name).read_bytes())
    seconds = {}
    for name, data in (("embedded", DATA), ("teams", teams)):
        start = time.perf_counter()
        args = ("build", "--force", "--no-html", "--programme", "route3", "--chapter", "phone_survey")
        proc = evalbook(work, *args, "--data-dir", str(data))
        seconds[name] = time.perf_counter() - start
        assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert seconds["teams"] <= 4 * seconds["embedded"], seconds
    notebook = (work / "book" / "route3" / "phone_survey.ipynb").read_text(encoding="utf-8")
    assert "Indicatoren per team" in notebook and "### Per team" in notebook
