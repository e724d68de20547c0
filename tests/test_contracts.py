"""The register contract: valid files load typed; every breach stops with one clear message."""

import pandas as pd
import pytest

from conftest import REGISTER_HEADER, REGISTER_ROWS, write_register
from evalbook.core import contract
from evalbook.core.errors import ContractError
from evalbook.schemas.register import REGISTER


def load(path, **kw):
    return contract.read(path, REGISTER, **kw)


def error_for(tmp_path, rows=None, header=REGISTER_HEADER) -> str:
    path = write_register(tmp_path / "register.csv", rows, header)
    with pytest.raises(ContractError) as info:
        load(path)
    message = str(info.value)
    assert "register.csv" in message and "`register` contract" in message
    return message


def replace(row: int, column: str, value: str) -> list[str]:
    """REGISTER_ROWS with one cell changed."""
    names = REGISTER_HEADER.split(",")
    rows = [r.split(",") for r in REGISTER_ROWS]
    rows[row][names.index(column)] = value
    return [",".join(r) for r in rows]


def test_valid_file_loads_with_types(register_file):
    df = load(register_file)
    assert len(df) == 4
    assert df["start_date"].dtype == "datetime64[ns]"
    assert df["age"].tolist() == [30, 45, 50, 23]
    assert df["no_show"].tolist() == [False, False, False, True]
    assert pd.isna(df.loc[3, "outflow_date"])


def test_missing_column_names_it_and_suggests_the_misspelling(tmp_path):
    msg = error_for(tmp_path, header=REGISTER_HEADER.replace("outflow_reason", "outflow_reasn"))
    assert "column 'outflow_reason': missing" in msg
    assert "found 'outflow_reasn': misspelled?" in msg


def test_wrong_type_names_column_line_and_value(tmp_path):
    msg = error_for(tmp_path, replace(1, "age", "veertig"))
    assert "column 'age' at line 3 (found 'veertig'); expected a whole number" in msg


def test_unknown_group_label(tmp_path):
    msg = error_for(tmp_path, replace(2, "group", "programma"))
    assert "column 'group' at line 4 (found 'programma'); expected one of: programme, control" in msg


def test_duplicate_person_id(tmp_path):
    msg = error_for(tmp_path, replace(1, "person_id", "P1"))
    assert "column 'person_id'" in msg and "unique values" in msg and "'P1'" in msg


def test_outflow_before_start(tmp_path):
    msg = error_for(tmp_path, replace(0, "outflow_date", "2017-08-01"))
    assert "column 'outflow_date' at line 2 (found '2017-08-01'); expected between start_date and end_date" in msg


def test_negative_counts(tmp_path):
    msg = error_for(tmp_path, replace(3, "contacts_total", "-3"))
    assert "column 'contacts_total' at line 5 (found -3)" in msg and "≥ 0" in msg


def test_several_breaches_are_reported_together(tmp_path):
    rows = replace(0, "contacts_total", "-1")
    rows[1] = rows[1].replace("male", "x", 1)
    msg = error_for(tmp_path, rows)
    assert "contacts_total" in msg and "column 'sex'" in msg


def test_a_group_with_no_rows(tmp_path):
    msg = error_for(tmp_path, [r for r in REGISTER_ROWS if ",control," not in r])
    assert "column 'group'" in msg and "'control' (none found)" in msg


def test_missing_and_empty_files(tmp_path):
    with pytest.raises(ContractError, match="file not found"):
        load(tmp_path / "nope.csv")
    (tmp_path / "empty.csv").write_text("")
    with pytest.raises(ContractError, match="the file is empty"):
        load(tmp_path / "empty.csv")
    (tmp_path / "header.csv").write_text(REGISTER_HEADER + "\n")
    with pytest.raises(ContractError, match="no data rows"):
        load(tmp_path / "header.csv")


def test_dutch_export_is_detected_not_misread(tmp_path):
    rows = [
        r.replace("2017-09-01", "01-09-2017").replace("2018-10-31", "31-10-2018").replace("2018-01-15", "15-01-2018")
        for r in REGISTER_ROWS
    ]
    dutch = load(write_register(tmp_path / "nl.csv", rows, sep=";"))
    standard = load(write_register(tmp_path / "en.csv"))
    pd.testing.assert_frame_equal(dutch, standard)


def test_dutch_dates_in_a_standard_file_are_an_error_not_a_swap(tmp_path):
    msg = error_for(tmp_path, replace(0, "start_date", "01-09-2017"))
    assert "column 'start_date' at line 2 (found '01-09-2017'); expected a date (jjjj-mm-dd)" in msg


def test_parquet_is_read_like_csv(tmp_path, register_file):
    df = pd.read_csv(register_file, dtype=str)
    df.to_parquet(tmp_path / "register.parquet")
    pd.testing.assert_frame_equal(load(tmp_path / "register.parquet"), load(register_file))


def test_a_person_in_both_groups(tmp_path):
    twin = REGISTER_ROWS[0].replace("P1,programme,", "P1,control,")
    msg = error_for(tmp_path, [*REGISTER_ROWS, twin])
    assert "column 'person_id' at lines 2, 6 (found 'P1', 'P1'); expected unique values" in msg


def test_value_out_of_range(tmp_path):
    msg = error_for(tmp_path, replace(0, "age", "200"))
    assert "column 'age' at line 2 (found 200); expected a whole number between 15 and 70" in msg


def test_dates_out_of_order(tmp_path):
    msg = error_for(tmp_path, replace(2, "end_date", "2017-01-01"))
    assert "column 'end_date' at line 4" in msg and "on or after start_date" in msg


# -- the second battery of hostile inputs (issue: bad input and odd use, round two) -------------


def test_a_duplicated_column_is_refused_not_renamed(tmp_path):
    msg = error_for(tmp_path, [r + ",33" for r in REGISTER_ROWS], header=REGISTER_HEADER + ",age")
    assert "a column name appears more than once ('age' at columns 5, 18); keep one of each" in msg


@pytest.mark.parametrize("year", ["2037", "2096"])
def test_implausible_dates_are_refused(tmp_path, year):
    path = write_register(tmp_path / "register.csv", replace(0, "end_date", f"{year}-10-31"))
    with pytest.raises(ContractError) as info:
        load(path, date_window=("2010-01-01", "2030-12-31"))
    assert (
        f"column 'end_date' at line 2 (found '{year}-10-31'); expected a date between 2010-01-01 and "
        "2030-12-31 (date_window in book.yml)"
    ) in str(info.value)


@pytest.mark.parametrize("word", ["null", "NULL", "NA", "NaN", "#N/A"])
def test_missing_words_are_missing_where_a_column_may_be_empty(tmp_path, word):
    frame = load(write_register(tmp_path / "register.csv", replace(0, "target_group", word)))
    assert frame["target_group"].isna().all()


def test_missing_words_in_a_required_column_are_reported_as_empty(tmp_path):
    msg = error_for(tmp_path, replace(0, "sex", "null"))
    assert "column 'sex'" in msg and "not empty" in msg


@pytest.mark.parametrize(
    ("typed", "hint"),
    [
        ("01-09-2017", "a Dutch dd-mm-jjjj date in a file with ',' separators? use jjjj-mm-dd"),
        ("42979", "an Excel serial date? format the column as a date before exporting"),
        ("9/1/2017", "a m/d/jjjj or d/m/jjjj date? use jjjj-mm-dd"),
        ("2017-09-01 13:45:00", "a date without a time of day"),
    ],
)
def test_an_unparseable_date_is_the_only_problem_reported_with_a_hint(tmp_path, typed, hint):
    """Two rows of an ISO file with another date format: the message names those cells, as
    typed, and no follow-on breach of the rules that use the date (end after start, ...)."""
    rows = replace(0, "start_date", typed)
    rows[1] = rows[1].replace("2017-09-01", typed, 1)
    msg = error_for(tmp_path, rows)
    assert f"column 'start_date' at lines 2, 3 (found '{typed}', '{typed}')" in msg and hint in msg
    assert msg.count("  - ") == 1, msg


def test_a_timestamp_at_midnight_is_a_date(tmp_path):
    rows = replace(0, "start_date", "2017-09-01 00:00:00")
    rows[1] = rows[1].replace("2017-09-01", "2017-09-01T00:00:00+02:00", 1)
    frame = load(write_register(tmp_path / "register.csv", rows))
    assert frame["start_date"].iloc[:2].tolist() == [pd.Timestamp("2017-09-01")] * 2


def test_parquet_timestamps_with_a_time_are_refused_clearly(tmp_path):
    frame = load(write_register(tmp_path / "register.csv"))
    frame.loc[0, "start_date"] = pd.Timestamp("2017-09-01 13:45")
    frame.to_parquet(tmp_path / "register.parquet")
    with pytest.raises(ContractError) as info:
        load(tmp_path / "register.parquet")
    message = str(info.value)
    assert "column 'start_date' at row 1 (found '2017-09-01 13:45:00')" in message
    assert "a date without a time of day" in message and message.count("  - ") == 1


def test_an_overflowing_number_is_reported_as_typed(tmp_path):
    msg = error_for(tmp_path, replace(0, "age", "99999999999999999999"))
    assert "column 'age' at line 2 (found '99999999999999999999')" in msg
    assert "-9223372036854775808" not in msg


def test_identifier_values_and_bsn_like_numbers_are_masked_in_messages(tmp_path):
    rows = replace(0, "person_id", "111222333")
    rows[1] = rows[1].replace("P2,", "111222333,", 1)
    msg = error_for(tmp_path, rows)
    assert "111222333" not in msg and "'11*******'" in msg
    msg = error_for(tmp_path, replace(0, "age", "111 222 333"))
    assert "111 222 333" not in msg and "'11*********'" in msg
