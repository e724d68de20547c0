"""Matching a candidate pool: SMD by hand, exact cells, determinism, the committed registers
reproduced by `evalbook match`, greedy pairing of large cells, balance on the shipped data, and
the scaled data of the benchmark."""

import math
import shutil
import statistics

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linear_sum_assignment

from conftest import REGISTER_HEADER, REGISTER_ROWS, ROOT, write_register
from evalbook.analysis import matching
from evalbook.book import cli
from evalbook.core import contract
from evalbook.core.errors import ContractError
from evalbook.schemas.register import POOL, REGISTER
from synthetic.scale import scale

PROGRAMMES = ("wgw", "route3")


def read(programme: str, stem: str):
    schema = POOL if stem == "pool" else REGISTER
    return contract.read(ROOT / "data" / "synthetic" / programme / f"{stem}.csv", schema)


def test_smd_of_a_continuous_variable_by_hand():
    x1, x0 = [1, 2, 3, 4], [2, 3, 4, 5, 6]
    pooled = math.sqrt((statistics.variance(x1) + statistics.variance(x0)) / 2)  # (5/3 + 5/2) / 2
    assert matching.smd(x1, x0) == pytest.approx((2.5 - 4.0) / pooled)
    assert matching.smd(x1, x0) == pytest.approx(-1.5 / math.sqrt(25 / 12))


def test_smd_of_a_share_uses_p_times_one_minus_p():
    x1 = [1] * 6 + [0] * 4  # 0.6
    x0 = [1] * 3 + [0] * 7  # 0.3
    assert matching.smd(x1, x0) == pytest.approx(0.3 / math.sqrt((0.6 * 0.4 + 0.3 * 0.7) / 2))


def test_smd_edge_cases():
    assert matching.smd([1, 1], [1, 1]) == 0.0
    assert math.isnan(matching.smd([], [1, 2]))


def small_pool(rows):
    """Persons (id, group, sex, education, age, months) as a pool frame with the register columns."""
    frame = pd.DataFrame(rows, columns=["person_id", "group", "sex", "education", "age", "benefit_months"])
    return frame.assign(target_group=pd.NA)


def test_pairs_share_the_cell_and_the_closest_candidate_wins():
    pool = small_pool(
        [
            ("P1", "programme", "female", "low", 30, 14),
            ("C1", "candidate", "female", "low", 34, 20),  # same cell, farther
            ("C2", "candidate", "female", "low", 31, 15),  # same cell, closest
            ("C3", "candidate", "male", "low", 30, 14),  # other sex: never a match
        ]
    )
    assert matching.match(pool).to_dict("records") == [{"programme_id": "P1", "control_id": "C2"}]


def test_a_person_without_a_candidate_in_the_cell_stays_unmatched():
    pool = small_pool(
        [
            ("P1", "programme", "female", "low", 30, 14),
            ("P2", "programme", "female", "high", 30, 14),  # no candidate with high education
            ("C1", "candidate", "female", "low", 30, 14),
            ("C2", "candidate", "female", "low", 36, 14),  # another age band: no match for anyone
        ]
    )
    assert matching.match(pool)["programme_id"].tolist() == ["P1"]


def test_ties_go_to_the_lowest_person_id_whatever_the_row_order():
    rows = [
        ("P1", "programme", "male", "middle", 40, 30),
        ("C9", "candidate", "male", "middle", 41, 30),
        ("C5", "candidate", "male", "middle", 39, 30),
    ]  # equally far
    for order in (rows, rows[::-1], [rows[1], rows[0], rows[2]]):
        assert matching.match(small_pool(order))["control_id"].tolist() == ["C5"]


def test_matching_the_shipped_pool_is_deterministic_and_order_free():
    pool = read("route3", "pool")
    shuffled = pool.sample(frac=1.0, random_state=7).reset_index(drop=True)
    assert matching.match(shuffled).equals(matching.match(pool))


@pytest.mark.parametrize("programme", PROGRAMMES)
def test_every_pair_is_exact_on_target_group_sex_education_and_bands(programme):
    pool = read(programme, "pool").set_index("person_id")
    pairs = matching.match(pool.reset_index())
    a, b = pool.loc[pairs["programme_id"]].reset_index(), pool.loc[pairs["control_id"]].reset_index()
    for column in ("target_group", "sex", "education"):
        assert (a[column].fillna("") == b[column].fillna("")).all(), column
    # the bands as the chapter states them: ages 15-24, 25-34, ...; benefit months 0-5, 6-11, 12-23, 24-59, 60+
    ages, months = [15, 25, 35, 45, 55, 71], [0, 6, 12, 24, 60, float("inf")]
    for column, edges in (("age", ages), ("benefit_months", months)):
        assert (
            pd.cut(a[column].astype(float), edges, right=False).astype(str)
            == pd.cut(b[column].astype(float), edges, right=False).astype(str)
        ).all(), column
    assert pairs["control_id"].is_unique  # without replacement


@pytest.mark.parametrize("programme", PROGRAMMES)
def test_balance_is_reached_on_the_shipped_data(programme):
    table = matching.balance_table(read(programme, "register"), read(programme, "pool"))
    assert table["smd_before"].abs().max() > 0.1  # the candidates differ from the programme group
    assert (table["smd_after"].abs() < 0.1).all()
    assert (matching.max_abs_smd_by_target_group(read(programme, "register")) < 0.1).all()


def test_balance_table_means_by_hand():
    register = read("wgw", "register")
    table = matching.balance_table(register).set_index("variable")
    control = register[register["group"] == "control"]
    assert table.loc["age", "mean_control"] == pytest.approx(control["age"].mean())
    assert table.loc["sex", "k_control"] == (control["sex"] == "female").sum()
    assert table["smd_before"].isna().all()  # no pool, no "before"


def test_the_pool_contract_wants_candidates_not_controls(tmp_path):
    path = write_register(tmp_path / "pool.csv")  # groups programme/control: a register, not a pool
    with pytest.raises(ContractError, match="column 'group'; expected at least one row with 'candidate'"):
        contract.read(path, POOL)
    rows = REGISTER_ROWS + ["P5,candidate,,male,23,unknown,80,2017-09-01,2018-10-31,,,,0,3,0,true,"]
    with pytest.raises(ContractError, match="column 'group' at lines 4, 5 .*one of: programme, candidate"):
        contract.read(write_register(tmp_path / "pool.csv", rows), POOL)


def test_the_command_writes_the_register_beside_the_pool(tmp_path):
    rows = [
        "P1,programme,,female,30,low,12,2017-09-01,2018-10-31,,,,0,10,3,false,",
        "C1,candidate,,female,31,low,13,2017-09-01,2018-10-31,,,,0,4,1,false,",
        "C2,candidate,,male,31,low,13,2017-09-01,2018-10-31,,,,0,4,1,false,",
    ]
    (tmp_path / "x").mkdir()
    write_register(tmp_path / "x" / "pool.csv", rows, header=REGISTER_HEADER)
    assert cli.main(["match", "--programme", "x", "--data-dir", str(tmp_path)]) == 0
    register = contract.read(tmp_path / "x" / "register.csv", REGISTER)
    assert register.set_index("person_id")["group"].to_dict() == {"C1": "control", "P1": "programme"}


@pytest.mark.parametrize("programme", PROGRAMMES)
def test_the_command_reproduces_the_committed_register_byte_for_byte(programme, tmp_path):
    (tmp_path / programme).mkdir()
    shutil.copy(ROOT / "data" / "synthetic" / programme / "pool.csv", tmp_path / programme / "pool.csv")
    assert cli.main(["match", "--programme", programme, "--data-dir", str(tmp_path)]) == 0
    written = (tmp_path / programme / "register.csv").read_bytes()
    assert written == (ROOT / "data" / "synthetic" / programme / "register.csv").read_bytes()
    assert matching.reproduces(read(programme, "register"), read(programme, "pool"))


def large_cell(n_treated: int, n_candidates: int, seed: int = 0) -> pd.DataFrame:
    """One matching cell (female, low education, age 25-34, 24-59 months) with random ages and months."""
    rng = np.random.default_rng(seed)
    n = n_treated + n_candidates
    return small_pool(
        [
            (
                f"X{i:05d}",
                "programme" if i < n_treated else "candidate",
                "female",
                "low",
                int(rng.integers(25, 35)),
                int(rng.integers(24, 60)),
            )
            for i in rng.permutation(n)
        ]
    )


def total_distance(pool: pd.DataFrame, pairs: pd.DataFrame) -> float:
    by_id = pool.set_index("person_id")
    a, b = by_id.loc[pairs["programme_id"]], by_id.loc[pairs["control_id"]]
    sd_age, sd_months = pool["age"].std(), pool["benefit_months"].std()
    return float(
        (
            np.abs(a["age"].to_numpy() - b["age"].to_numpy()) / sd_age
            + np.abs(a["benefit_months"].to_numpy() - b["benefit_months"].to_numpy()) / sd_months
        ).sum()
    )


def test_a_large_cell_is_paired_greedily_close_to_the_optimum():
    pool = large_cell(300, 900)
    pairs = matching.match(pool)
    assert len(pairs) == 300 and pairs["control_id"].is_unique
    assert matching.match(pool.sample(frac=1.0, random_state=3)).equals(pairs)  # order-free
    # the optimum of the same cell, by scipy on the full cost matrix
    treated = pool[pool["group"] == "programme"]
    candidates = pool[pool["group"] == "candidate"]
    sd_age, sd_months = pool["age"].std(), pool["benefit_months"].std()
    cost = (
        np.abs(treated["age"].to_numpy(float)[:, None] - candidates["age"].to_numpy(float)[None, :]) / sd_age
        + np.abs(
            treated["benefit_months"].to_numpy(float)[:, None] - candidates["benefit_months"].to_numpy(float)[None, :]
        )
        / sd_months
    )
    rows, cols = linear_sum_assignment(cost)
    optimum = cost[rows, cols].sum()
    assert optimum <= total_distance(pool, pairs) <= 1.1 * optimum


def test_greedy_pairs_same_points_first_and_leaves_the_farthest_unmatched():
    # 201 programme persons at age 30 / 30 months, one at 34 / 59; candidates: 201 at the same
    # point as the first ones (taken first, lowest ids first), one far away that goes to the last
    rows = [(f"P{i:03d}", "programme", "female", "low", 30, 30) for i in range(201)]
    rows += [("P999", "programme", "female", "low", 34, 59)]
    rows += [(f"C{i:03d}", "candidate", "female", "low", 30, 30) for i in range(201)]
    rows += [("C999", "candidate", "female", "low", 25, 24)]
    pairs = matching.match(small_pool(rows)).set_index("programme_id")["control_id"]
    assert len(pairs) == 202
    assert all(pairs[f"P{i:03d}"] == f"C{i:03d}" for i in range(201))
    assert pairs["P999"] == "C999"
    fewer = matching.match(small_pool(rows[:-1]))  # without C999: P999 stays unmatched
    assert "P999" not in set(fewer["programme_id"]) and len(fewer) == 201


def test_small_cells_stay_optimal_at_the_threshold():
    pool = large_cell(matching.OPTIMAL_UP_TO, matching.OPTIMAL_UP_TO, seed=1)
    treated, candidates = pool[pool["group"] == "programme"], pool[pool["group"] == "candidate"]
    sd_age, sd_months = pool["age"].std(), pool["benefit_months"].std()
    cost = (
        np.abs(treated["age"].to_numpy(float)[:, None] - candidates["age"].to_numpy(float)[None, :]) / sd_age
        + np.abs(
            treated["benefit_months"].to_numpy(float)[:, None] - candidates["benefit_months"].to_numpy(float)[None, :]
        )
        / sd_months
    )
    rows, cols = linear_sum_assignment(cost)
    assert total_distance(pool, matching.match(pool)) == pytest.approx(cost[rows, cols].sum())


def test_scale_copies_persons_under_new_ids():
    register, pool = read("wgw", "register"), read("wgw", "pool")
    big_register, big_pool = scale(register, pool, 3, seed=2)
    assert len(big_register) == 3 * len(register) and len(big_pool) == 3 * len(pool)
    assert big_pool["person_id"].is_unique and not set(big_pool["person_id"]) & set(pool["person_id"])
    assert set(big_register["person_id"]) <= set(big_pool["person_id"])
    assert big_register["person_id"].is_monotonic_increasing
    # a register person and its pool copy are the same person
    merged = big_register.merge(big_pool, on="person_id", suffixes=("", "_pool"))
    assert len(merged) == len(big_register)
    assert (merged["age"] == merged["age_pool"]).all() and (
        merged["outflow_date"].fillna(pd.Timestamp(0)) == merged["outflow_date_pool"].fillna(pd.Timestamp(0))
    ).all()
    assert (big_register.groupby("group").size() == 3 * register.groupby("group").size()).all()
    assert scale(register, pool, 3, seed=2)[1].equals(big_pool)  # the seed fixes the ids
    with pytest.raises(ValueError, match="not in the pool"):
        scale(register.assign(person_id="nobody"), pool, 2)


def test_a_register_that_lost_programme_persons_is_not_the_pools_matching(root):
    """A register from which programme persons were removed (a new extract beside an old pool)
    keeps the pool's control group, yet is not what matching the pool gives: the chapter must
    not use the pool's pairs for it."""
    register = contract.read(root / "data" / "synthetic" / "wgw" / "register.csv", REGISTER)
    pool = contract.read(root / "data" / "synthetic" / "wgw" / "pool.csv", POOL)
    assert matching.reproduces(register, pool)
    fewer = register.drop(register.index[register["group"] == "programme"][:30])
    assert not matching.reproduces(fewer, pool)
