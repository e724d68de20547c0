"""The gate of the two survey chapters: what of a survey result may reach a reader.

:func:`release` takes a telephone survey (:class:`evalbook.analysis.survey.SurveyResult`),
:func:`release_nps` a client survey (:class:`evalbook.analysis.nps.NpsResult`); each builds
the count system of everything its chapter shows, protects it
(:func:`~evalbook.disclosure.linked.protect`: every count or complement below the minimum,
zeros too by default, and the cheapest further cells so that none of them can be derived to
within the minimum) and returns the masked tables with the list of what it held back.

The telephone survey's system (:func:`survey_system`), per group (programme, control, and
both together as their sum):

* per item its denominator ``n`` (shared by the item's indicator and its answer categories)
  and per quantity the count ``k`` with its complement ``n - k``;
* the answer categories of an item adding up to ``n``; an indicator that counts several
  categories as their sum; the agreement distributions' middle segment (neutral plus weet
  niet);
* routing: an item asked only after a given answer has as many respondents as gave it, less
  those who did not answer (or said weet niet where that is left out), an item asked to
  all as many as the respondents, less those; the differences are protected counts.

With teams (the optional ``team`` column of the answers), per team and group (programme,
control) every indicator's count ``k``, its denominator ``n`` and the complement ``n - k``
(never printed), each adding up over the teams to the group's cell, and the team's
respondents (never printed) adding up to the group's: an item asked to all has as many
respondents in a team as the team, less those who did not answer; an item asked after a yes
as many as the team's yes to that question, less those. Hiding a team's figure costs less
than hiding a figure of the main table (:data:`TEAM_WEIGHT`).

Derived figures come from released cells: a share and its Wilson interval with its ``k`` and
``n``, the difference, its interval and p with both groups, the Holm correction with every
hidden test counted at p = 1, an answer distribution of a group only with all its segments.

The client survey's system: per row (everyone, a team, a month) the three categories adding
up to ``n``, and the teams and the months each adding up to everyone.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..analysis import survey as analysis
from ..analysis.nps import CATEGORIES, NpsResult
from ..analysis.survey import ALL_GROUPS, MIDDLE, TOTAL, SurveyResult
from ..schemas.survey import DONT_KNOW, GROUPS, SIDES, split_list
from .cells import DERIVED, Suppression, released_holm
from .lineage import PUBLIC, Ledger, Rule, release_comparison, release_frame
from .linked import EXACT, CountSystem, Relation, protect
from .policy import DEFAULT_RULES, Rules

STATISTICS = ("diff", "ci_low", "ci_high", "p_value", "p_holm")
NPS_STATISTICS = ("nps", "nps_low", "nps_high")
TOTAL_WEIGHT = 0.5  # hiding a total over both groups costs half a group's figure: the groups are compared
TEAM_WEIGHT = 0.25  # hiding a team's figure costs a quarter of a group's: rather a team's detail than a headline


@dataclass(frozen=True)
class ReleasedSurvey:
    """A telephone survey as it may be shown: :class:`SurveyResult`'s table (with a
    ``suppressed`` flag per row), comparison and distributions with every disclosive value
    missing, and the respondents per group (missing when hidden)."""

    table: pd.DataFrame
    comparison: pd.DataFrame
    distributions: dict[str, pd.DataFrame]
    respondents: pd.Series
    codebook: pd.DataFrame
    alpha: float
    min_cell_size: int
    assumed: dict[str, int] | None
    assumed_match: bool | None
    suppressions: list[Suppression]
    suppression_method: str = EXACT  # how the counts were protected (:attr:`Protection.method`)
    by_team: pd.DataFrame | None = None  # per indicator and team: k, n and share per group (None: no teams)

    @property
    def indicators(self) -> pd.DataFrame:
        return self.table[self.table["primary"]]

    @property
    def teams(self) -> tuple[str, ...]:
        """The teams of the survey (empty without teams)."""
        return () if self.by_team is None else tuple(dict.fromkeys(self.by_team["team"]))


def release(result: SurveyResult, rules: Rules = DEFAULT_RULES) -> ReleasedSurvey:
    """The releasable part of a telephone survey (module docstring)."""
    system, where = survey_system(result)
    weights = {key: TOTAL_WEIGHT for key in system.cells if key[-1] == TOTAL}  # rather both groups together
    weights |= {key: TEAM_WEIGHT for key in system.cells if key[0] in TEAM_CELLS}  # rather a team's detail
    protection = protect(system, rules, weights=weights)
    ledger = Ledger(frozenset(system.cells), dict(protection.suppressed))
    table, held = _table(result.table, where, ledger)
    distributions = {}
    for scale, frame in result.distributions.items():
        distributions[scale], more = _distribution(frame, where, ledger)
        held += more
    hidden = {g: ledger.withheld([("resp", g)]) is not None for g in GROUPS}
    respondents = result.respondents.where([not hidden.get(g, False) for g in result.respondents.index])
    held += [Suppression("respondents", g, "n", protection.suppressed[("resp", g)]) for g in GROUPS if hidden[g]]
    assumed = None if result.assumed is None else {g: v for g, v in result.assumed.items() if not hidden.get(g)}
    comparison, more = release_comparison(
        analysis.comparison(result.figures, table, result.alpha),
        lambda r: _reproduced_cells(r, where),
        lambda r: _test_cells(r["quantity"], where),
        ledger,
    )
    by_team = None
    if result.by_team is not None:
        by_team, team_held = _by_team(result.by_team, ledger)
        more += team_held
    return ReleasedSurvey(
        table=table,
        comparison=comparison,
        distributions=distributions,
        respondents=respondents.astype("Int64"),
        codebook=result.codebook,
        alpha=result.alpha,
        min_cell_size=rules.min_cell_size,
        assumed=assumed,
        assumed_match=None if any(hidden.values()) else result.assumed_match,
        suppressions=held + more,
        suppression_method=protection.method,
        by_team=by_team,
    )


def _cells(quantity: str, group: str, where: dict, what: tuple = ("k", "n")) -> list:
    """What a share of ``group`` rests on: its count and denominator (``what``; for both groups
    together also each group's: the chapter shows no total beside a hidden group)."""
    groups = (group, *GROUPS) if group == TOTAL else (group,)
    return [where.get((quantity, g, w), ("absent", quantity, g)) for w in what for g in groups]


def _test_cells(quantity: str, where: dict) -> list:
    """What a comparison of the two groups rests on: both groups' counts and denominators."""
    return [c for g in GROUPS for c in _cells(quantity, g, where)]


def _reproduced_cells(r, where: dict) -> list | None:
    """What a reproduced published figure rests on: a share, or (``n_<quantity>``) a count."""
    if r["quantity"] == "confidence_level":
        return PUBLIC
    group = r["group"] or TOTAL
    counted = r["quantity"].removeprefix("n_")
    if counted != r["quantity"] and (counted, group, "k") in where:
        return _cells(counted, group, where, ("k",))
    return _cells(r["quantity"], group, where)


def survey_system(result: SurveyResult) -> tuple[CountSystem, dict]:
    """The count system of a telephone survey (module docstring) and ``where``: ``(quantity,
    group, "n" | "k")`` → cell, ``(item, category, group)`` → cell of a distribution segment."""
    cells, relations, unpublished, where = {}, [], set(), {}
    table = result.table.set_index("quantity")
    book = result.codebook.set_index("item")

    def cell(key, value, hidden: bool = False):
        cells[key] = float(value)
        if hidden:
            unpublished.add(key)
        return key

    for g in GROUPS:
        cell(("resp", g), result.respondents.get(g, 0))
    for quantity, r in table.iterrows():
        for g in ALL_GROUPS:
            n = cell(("n", r["item"], g), r[f"n_{g}"])
            k = cell(("k", quantity, g), r[f"k_{g}"])
            no = cell(("no", quantity, g), r[f"n_{g}"] - r[f"k_{g}"], hidden=True)
            relations.append(Relation(n, (k, no), (1.0, 1.0)))
            where[(quantity, g, "n")], where[(quantity, g, "k")] = n, k
    for item in table.loc[table["primary"], "item"]:
        categories = table[(table["item"] == item) & ~table["primary"]]
        if categories.empty:
            continue
        positive = _positive(book.loc[item], categories["category"])
        for g in ALL_GROUPS:
            parts = [("k", q, g) for q in categories.index]
            if sum(cells[p] for p in parts) == cells[("n", item, g)]:
                relations.append(Relation(("n", item, g), tuple(parts), (1.0,) * len(parts)))
            chosen = [("k", q, g) for q, c in categories["category"].items() if c in positive]
            if chosen and sum(cells[p] for p in chosen) == cells[("k", item, g)]:
                relations.append(Relation(("k", item, g), tuple(chosen), (1.0,) * len(chosen)))
    for frame in result.distributions.values():
        for (item, category, g), k in frame.set_index(["item", "category", "group"])["k"].items():
            if category == MIDDLE:
                parts = [("k", f"{item}_{c}", g) for c in ("neutral", DONT_KNOW) if ("k", f"{item}_{c}", g) in cells]
                key = cell(("mid", item, g), k)
                relations.append(Relation(key, tuple(parts), (1.0,) * len(parts)))
            else:
                key = ("k", f"{item}_{category}", g)
            where[(item, category, g)] = key
    for item in table.loc[table["primary"], "item"].unique():
        for g in GROUPS:
            asked = _asked(book, table, item, g, cells[("resp", g)])
            if asked is None:
                continue
            terms, value = asked
            left = value - cells[("n", item, g)]
            if left < 0:
                continue
            if left:
                terms = {**terms, cell(("excl", item, g), left, hidden=True): -1.0}
            relations.append(Relation(("n", item, g), tuple(terms), tuple(terms.values())))
    for key in [k for k in cells if k[0] in ("n", "k", "no", "mid") and k[-1] == TOTAL]:
        parts = tuple(key[:-1] + (g,) for g in GROUPS)
        if all(p in cells for p in parts):
            relations.append(Relation(key, parts, (1.0, 1.0)))
    if result.by_team is not None:
        _team_system(result, book, cells, cell, relations)
    return CountSystem(cells, tuple(relations), unpublished=frozenset(unpublished)), where


TEAM_CELLS = ("tn", "tk", "tno", "tresp", "texcl")  # the kinds of cell of the teams (module docstring)


def _team_system(result: SurveyResult, book: pd.DataFrame, cells: dict, cell, relations: list) -> None:
    """The teams' cells and relations (module docstring), added through ``cell`` (to ``cells``)
    and to ``relations``."""
    frame = result.by_team
    teams = result.teams
    for g in GROUPS:
        for team, n in result.team_respondents[g].items():
            cell(("tresp", team, g), n, hidden=True)
        parts = tuple(("tresp", t, g) for t in teams)
        relations.append(Relation(("resp", g), parts, (1.0,) * len(parts)))
    for quantity, block in frame.groupby("quantity", sort=False):
        for g in GROUPS:
            rows = block[block["group"] == g]
            for team, k, n in zip(rows["team"], rows["k"], rows["n"], strict=True):
                tn = cell(("tn", quantity, team, g), n)
                tk = cell(("tk", quantity, team, g), k)
                no = cell(("tno", quantity, team, g), n - k, hidden=True)
                relations.append(Relation(tn, (tk, no), (1.0, 1.0)))
            for kind, total in (("tn", ("n", quantity, g)), ("tk", ("k", quantity, g)), ("tno", ("no", quantity, g))):
                parts = tuple((kind, quantity, t, g) for t in rows["team"])
                relations.append(Relation(total, parts, (1.0,) * len(parts)))
    indicators = set(frame["quantity"])
    for quantity in dict.fromkeys(frame["quantity"]):
        source = _asked_team(book, quantity, indicators)
        if source is None:
            continue
        for g in GROUPS:
            for team in teams:
                whole = ("tresp", team, g) if source == "all" else ("tk", source, team, g)
                left = cells[whole] - cells[("tn", quantity, team, g)]
                if left < 0:
                    continue
                terms = {whole: 1.0}
                if left:
                    terms[cell(("texcl", quantity, team, g), left, hidden=True)] = -1.0
                relations.append(Relation(("tn", quantity, team, g), tuple(terms), tuple(terms.values())))


def _asked_team(book: pd.DataFrame, item: str, indicators: set) -> str | None:
    """Who was asked ``item`` as the teams' cells tell it: ``"all"`` (the team's respondents),
    the indicator whose count (a yes) selects them, or None where the teams' cells cannot
    say (a routing on an answer category, which the teams do not count)."""
    condition = book.at[item, "asked_if"] if item in book.index else None
    if not isinstance(condition, str):
        return "all"
    source, _, codes = condition.partition("=")
    source, codes = source.strip(), set(split_list(codes))
    entry = book.loc[source]
    if entry["scale"] == "yes_no" and codes == set(split_list(entry["positive"])) and source in indicators:
        return source
    return None


def _positive(entry, categories) -> set:
    """The answer categories an item's indicator counts as positive."""
    codes = split_list(entry["positive"])
    if entry["scale"] == "agreement":
        codes = {SIDES.get(c, c) for c in codes}
    return set(codes) & set(categories)


def _asked(
    book: pd.DataFrame, table: pd.DataFrame, item: str, group: str, respondents: float
) -> tuple[dict, float] | None:
    """Who was asked ``item`` in ``group``, as cells (weights) and their value: the
    ``respondents``, or the answers its ``asked_if`` selects where the table counts them
    exactly; None where it does not (a routing on a grade)."""
    condition = book.at[item, "asked_if"] if item in book.index else None
    if not isinstance(condition, str):
        return {("resp", group): 1.0}, respondents
    source, _, codes = condition.partition("=")
    source, codes = source.strip(), set(split_list(codes))
    entry = book.loc[source]
    categories = table[(table["item"] == source) & ~table["primary"]]
    if entry["scale"] == "agreement":
        sides = {SIDES[c] for c in codes if c in SIDES}
        if {c for c, side in SIDES.items() if side in sides} != codes:
            return None
        codes = sides
    if not categories.empty:
        chosen = categories[categories["category"].isin(codes)]
        return {("k", q, group): 1.0 for q in chosen.index}, float(chosen[f"k_{group}"].sum())
    if entry["scale"] == "yes_no" and codes == set(split_list(entry["positive"])):
        return {("k", source, group): 1.0}, float(table.at[source, f"k_{group}"])
    return None


def _table(raw: pd.DataFrame, where: dict, ledger: Ledger) -> tuple[pd.DataFrame, list[Suppression]]:
    """The survey table with every figure whose cells are not released missing; a total over
    both groups goes with a hidden group (safe without it, but the chapter says it goes)."""

    def cell(r, g, what):
        groups = (g, *GROUPS) if g == TOTAL else (g,)
        return [where[(r["quantity"], a, what)] for a in groups]

    rules = {}
    for g in ALL_GROUPS:
        for what in ("n", "k"):
            rules[f"{what}_{g}"] = Rule(lambda r, g=g, what=what: cell(r, g, what), own=True)
        rules[f"value_{g}"] = rules[f"wilson_low_{g}"] = rules[f"wilson_high_{g}"] = Rule(
            lambda r, g=g: _cells(r["quantity"], g, where)
        )
    rules |= dict.fromkeys(STATISTICS, Rule(lambda r: _test_cells(r["quantity"], where)))
    labels = ("quantity", "item", "category", "primary", "topic", "scale", "kind")
    out, held = release_frame(raw, rules, ledger, "indicators", list(raw["quantity"]), labels)
    out["p_holm"] = released_holm(raw["p_value"].where(raw["primary"]), out["p_value"].notna())
    out["suppressed"] = ~out[[f"value_{g}" for g in ALL_GROUPS]].notna().all(axis=1)
    for column in [f"{c}_{g}" for c in ("n", "k") for g in ALL_GROUPS]:
        out[column] = out[column].round().astype("Int64")
    return out, held


def team_table(by_team: pd.DataFrame) -> pd.DataFrame:
    """The counts per team (:func:`evalbook.analysis.survey.team_counts`) wide: one row per
    indicator and team with ``k_<group>``, ``n_<group>`` and ``value_<group>`` (the share, in
    percent) per group."""
    wide = by_team.pivot_table(index=["quantity", "item", "team"], columns="group", values=["k", "n"], sort=False)
    out = wide.index.to_frame(index=False)
    for g in GROUPS:
        k, n = wide[("k", g)].to_numpy(), wide[("n", g)].to_numpy()
        out[f"k_{g}"], out[f"n_{g}"] = k.astype(int), n.astype(int)
        out[f"value_{g}"] = pd.Series(100 * k / n.clip(min=1)).where(n > 0).to_numpy()
    return out


def _by_team(by_team: pd.DataFrame, ledger: Ledger) -> tuple[pd.DataFrame, list[Suppression]]:
    """The by-team table: a count as its cell, a share with its count and denominator."""

    def key(r, kind, g):
        return (kind, r["quantity"], r["team"], g)

    rules = {}
    for g in GROUPS:
        rules[f"k_{g}"] = Rule(lambda r, g=g: [key(r, "tk", g)], own=True)
        rules[f"n_{g}"] = Rule(lambda r, g=g: [key(r, "tn", g)], own=True)
        rules[f"value_{g}"] = Rule(lambda r, g=g: [key(r, "tk", g), key(r, "tn", g)], own=True)
    raw = team_table(by_team)
    names = [f"{q}/{t}" for q, t in zip(raw["quantity"], raw["team"], strict=True)]
    out, held = release_frame(raw, rules, ledger, "by_team", names, ("quantity", "item", "team"))
    out["suppressed"] = out[[f"value_{g}" for g in GROUPS]].isna().any(axis=1)
    for column in [f"{c}_{g}" for c in ("k", "n") for g in GROUPS]:
        out[column] = out[column].round().astype("Int64")
    return out, [h for h in held if not h.column.startswith("value_")]


def _distribution(frame: pd.DataFrame, where: dict, ledger: Ledger) -> tuple[pd.DataFrame, list]:
    """An answer distribution: a group's bar only when none of its segments is hidden (a bar
    of shares adding up to 100% rests on every segment and on the group's respondents)."""
    segments = frame.groupby(["item", "group"], sort=False)["category"].agg(list)

    def bar(r):
        return [where[(r["item"], c, r["group"])] for c in segments[(r["item"], r["group"])]] + [
            where.get((r["item"], r["group"], "n"), ("absent", r["item"]))
        ]

    shown = frame[["item", "category", "group", "value"]]
    names = list(zip(frame["item"], frame["group"], strict=True))
    labels = ("item", "category", "group")
    out, held = release_frame(shown, {"value": Rule(bar)}, ledger, "distributions", names, labels)
    return out, list(dict.fromkeys(Suppression("distributions", *h.row, DERIVED) for h in held))


# -- the client survey (NPS) ------------------------------------------------------------------------


@dataclass(frozen=True)
class ReleasedNps:
    """A client survey as it may be shown: the NPS tables with a ``suppressed`` flag per row
    and every hidden value (and what rests on it) missing."""

    overall: pd.DataFrame
    by_team: pd.DataFrame
    by_period: pd.DataFrame
    teams: tuple[str, ...]
    periods: tuple[str, ...]
    alpha: float
    min_cell_size: int
    suppressions: list[Suppression]
    suppression_method: str = EXACT  # how the counts were protected (:attr:`Protection.method`)

    @property
    def table(self) -> pd.DataFrame:
        """The three tables one below the other (the chapter's download)."""
        return pd.concat([self.overall, self.by_team, self.by_period], ignore_index=True)


def release_nps(result: NpsResult, rules: Rules = DEFAULT_RULES) -> ReleasedNps:
    """The releasable part of a client survey (module docstring)."""
    tables = (result.overall, result.by_team, result.by_period)
    cells, relations = {}, []
    for frame in tables:
        for _, r in frame.iterrows():
            row = ("nps", r["by"], r["group"])
            cells |= {(*row, c): float(r[f"k_{c}"]) for c in CATEGORIES} | {(*row, "n"): float(r["n"])}
            relations.append(Relation((*row, "n"), tuple((*row, c) for c in CATEGORIES), (1.0,) * len(CATEGORIES)))
    overall = result.overall.iloc[0]
    for frame in tables[1:]:
        for what in (*CATEGORIES, "n"):
            parts = tuple(("nps", r["by"], r["group"], what) for _, r in frame.iterrows())
            relations.append(Relation(("nps", overall["by"], overall["group"], what), parts, (1.0,) * len(parts)))
    protection = protect(CountSystem(cells, tuple(relations)), rules)
    ledger = Ledger(frozenset(cells), dict(protection.suppressed))
    released = [_release_nps_table(frame, ledger) for frame in tables]
    held = [h for _, more in released for h in more]
    return ReleasedNps(
        overall=released[0][0],
        by_team=released[1][0],
        by_period=released[2][0],
        teams=result.teams,
        periods=result.periods,
        alpha=result.alpha,
        min_cell_size=rules.min_cell_size,
        suppressions=held,
        suppression_method=protection.method,
    )


def _release_nps_table(raw: pd.DataFrame, ledger: Ledger) -> tuple[pd.DataFrame, list[Suppression]]:
    """One NPS table: a count as its cell, a share with its count and the row's respondents,
    the NPS and its interval with all three categories of the row."""

    def key(r, what):
        return ("nps", r["by"], r["group"], what)

    rules = {"n": Rule(lambda r: [key(r, "n")], own=True)}
    for c in CATEGORIES:
        rules[f"k_{c}"] = Rule(lambda r, c=c: [key(r, c)], own=True)
        rules[f"share_{c}"] = Rule(lambda r, c=c: [key(r, c), key(r, "n")], own=True)
    rules |= dict.fromkeys(NPS_STATISTICS, Rule(lambda r: [key(r, "n"), *(key(r, c) for c in CATEGORIES)]))
    names = [f"{b}/{g}" for b, g in zip(raw["by"], raw["group"], strict=True)]
    out, held = release_frame(raw, rules, ledger, "nps", names, ("by", "group"))
    out["suppressed"] = out[["n", *(f"share_{c}" for c in CATEGORIES)]].isna().any(axis=1)
    for column in ["n", *(f"k_{c}" for c in CATEGORIES)]:
        out[column] = out[column].round().astype("Int64")
    return out, [h for h in held if not h.column.startswith(("share_", "nps"))]
