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


# -- the third battery (issue 23): what a real export does, refused with one message naming it ---


def written(tmp_path, text: str | bytes, name: str = "register.csv"):
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def register_text(rows=None, header: str = REGISTER_HEADER, sep: str = ",") -> str:
    lines = [header, *(REGISTER_ROWS if rows is None else rows)]
    return "\n".join(line.replace(",", sep) for line in lines) + "\n"


def refusal(path, **kw) -> str:
    """The message of refusing ``path``: one ContractError, no traceback in it."""
    with pytest.raises(ContractError) as info:
        load(path, **kw)
    message = str(info.value)
    assert "Traceback" not in message and message.count("does not meet") == 1
    return message


@pytest.mark.parametrize(
    ("encoding", "named"),
    [
        ("utf-16-le", "UTF-16 text (little-endian, without byte-order mark)"),
        ("utf-16-be", "UTF-16 text (big-endian, without byte-order mark)"),
        ("utf-16", "UTF-16 text (with a byte-order mark)"),
        ("cp1252", "not UTF-8 text: byte 0xe9 at line 3 ('é' in Windows-1252)"),
    ],
)
def test_another_encoding_is_named(tmp_path, encoding, named):
    rows = replace(1, "target_group", "café")
    msg = refusal(written(tmp_path, register_text(rows).encode(encoding)))
    assert named in msg and "ave it as CSV UTF-8" in msg and "missing" not in msg


@pytest.mark.parametrize(("sep", "named"), [("\t", "columns separated by tabs"), ("|", "columns separated by '|'")])
def test_another_separator_is_named(tmp_path, sep, named):
    msg = refusal(written(tmp_path, register_text(sep=sep)))
    assert named in msg and "missing" not in msg


def test_an_unquoted_comma_names_its_line_not_six_other_columns(tmp_path):
    rows = list(REGISTER_ROWS)
    rows[2] = rows[2].replace(",female,", ",female, Rotterdam-Zuid,")  # an extra field on line 4
    rows[0] = rows[0].replace(",false,", ",", 1)  # and one short on line 2
    msg = refusal(written(tmp_path, register_text(rows)))
    assert "the header has 17 fields, but line 2 has 16, line 4 has 18" in msg
    assert "an unquoted ',' inside a value? Put such values in double quotes" in msg
    assert "column '" not in msg


def test_the_first_line_of_a_quoted_multiline_value_is_the_line_named(tmp_path):
    rows = replace(0, "target_group", '"two\nlines"')
    rows[2] = rows[2].replace(",false,", ",wrong,", 1)
    msg = refusal(written(tmp_path, register_text(rows)))
    assert "column 'no_show' at line 5 (found 'wrong')" in msg  # line 2 spans two lines


@pytest.mark.parametrize("blank", ["", "\n", "\n\n  \n\n", "\r\n\r\n"])
def test_a_file_of_blank_lines_is_refused_clearly(tmp_path, blank):
    msg = refusal(written(tmp_path, blank))
    assert ("only blank lines" in msg) or ("the file is empty" in msg)


def test_a_missing_header_line_is_named(tmp_path):
    msg = refusal(written(tmp_path, "\n".join(REGISTER_ROWS) + "\n"))
    assert "line 1 names none of the contract's columns (found 'P1', 'programme', '', 'female', ...)" in msg
    assert "the header line is missing?" in msg and "person_id, group" in msg


@pytest.mark.parametrize(
    ("content", "named"),
    [
        (b"PK\x03\x04rest of a workbook", "an Excel (or other) workbook, not a CSV file"),
        (b"PAR1not really", "a Parquet file with a .csv name: rename it to .parquet"),
        (b"person_id,group\x00\n", "a NUL byte at line 1: a binary file"),
    ],
)
def test_a_binary_file_under_a_csv_name_is_named(tmp_path, content, named):
    assert named in refusal(written(tmp_path, content))


@pytest.mark.parametrize(
    ("value", "read"),
    [("1.000", None), ("12.345", None), ("1.234,0", 1234), ("12", 12), ("-1.000", None)],
)
def test_a_thousands_separator_in_a_dutch_export_is_never_misread(tmp_path, value, read):
    text = register_text(sep=";").replace(";low;12;", f";low;{value};", 1)  # P1's benefit_months
    path = written(tmp_path, text)
    if read is None:
        msg = refusal(path)
        assert f"column 'benefit_months' at line 2 (found '{value}')" in msg and "thousands separator" in msg
    else:
        assert load(path)["benefit_months"].iloc[0] == read


def test_a_thousands_separator_in_a_standard_export_gets_a_hint(tmp_path):
    rows = [r.replace(",10,3,", ',"1,000",3,') if r.startswith("P1") else r for r in REGISTER_ROWS]
    msg = refusal(written(tmp_path, register_text(rows)))
    assert "column 'contacts_total' at line 2 (found '1,000')" in msg and "thousands separator ','" in msg


@pytest.mark.parametrize("date", ["1600-01-01", "1677-09-21", "2262-04-12", "2300-01-01", "9999-12-31"])
def test_dates_beyond_what_pandas_holds_meet_the_window_not_an_overflow(tmp_path, date):
    path = written(tmp_path, register_text(replace(0, "end_date", date)))
    msg = refusal(path, date_window=("2010-01-01", "2030-12-31"))
    assert f"column 'end_date' at line 2 (found '{date}'); expected a date between 2010-01-01 and 2030-12-31" in msg
    assert "column 'end_date' at line 2" in refusal(path)  # without a window: what a date column can hold


def test_dates_beyond_what_pandas_holds_in_parquet(tmp_path):
    import datetime as dt

    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(pd.read_csv(write_register(tmp_path / "r.csv"), dtype=str))
    dates = pa.array([dt.date(1600, 1, 1), *[dt.date(2017, 9, 1)] * 3], pa.date32())
    table = table.set_column(table.column_names.index("start_date"), "start_date", dates)
    pq.write_table(table, tmp_path / "register.parquet")
    msg = refusal(tmp_path / "register.parquet", date_window=("2010-01-01", "2030-12-31"))
    assert "column 'start_date' at row 1 (found '1600-01-01'); expected a date between 2010-01-01" in msg


@pytest.mark.parametrize(
    ("column", "value", "stored"),
    [("age", pd.Timestamp("2017-01-01"), "timestamp"), ("start_date", 17410, "int64"), ("person_id", 1.5, "double")],
)
def test_a_parquet_column_of_the_wrong_type_is_named(tmp_path, column, value, stored):
    frame = pd.read_csv(write_register(tmp_path / "r.csv"), dtype=str)
    frame[column] = value
    frame.to_parquet(tmp_path / "register.parquet")
    msg = refusal(tmp_path / "register.parquet")
    assert f"column '{column}' is stored as {stored}" in msg


@pytest.mark.parametrize("key", ["111222333", "123456782", "111 222 333", "111.22.2333"])
def test_a_person_id_that_passes_the_eleven_test_is_refused_masked(tmp_path, key):
    msg = refusal(written(tmp_path, register_text(replace(2, "person_id", key))))
    assert "column 'person_id' at line 4" in msg and "never a BSN" in msg and key not in msg


def test_a_nine_digit_key_that_fails_the_eleven_test_is_accepted(tmp_path):
    assert len(load(written(tmp_path, register_text(replace(2, "person_id", "111222334"))))) == 4


@pytest.mark.parametrize(
    ("label", "kind"),
    [
        ("j.jansen@rotterdam.nl", "an e-mail address"),
        ("team van J. de Vries", "a person's name"),
        ("mevr. Bakker", "a person's name"),
        ("Fatima El Amrani", "a person's name"),
        ("06-12345678", "a phone number"),
    ],
)
def test_personal_data_in_a_label_column_is_refused_masked(tmp_path, label, kind):
    msg = refusal(written(tmp_path, register_text(replace(1, "target_group", label))))
    assert "column 'target_group' at line 3" in msg and f"found {kind}" in msg and label not in msg


@pytest.mark.parametrize("label", ["Team Noord", "Wijkteam Charlois", "Matching 9+", "stilstaand_water", "OAP"])
def test_ordinary_labels_are_no_personal_data(tmp_path, label):
    rows = [r.replace(",,", f",{label},", 1) for r in REGISTER_ROWS]
    assert set(load(written(tmp_path, register_text(rows)))["target_group"]) == {label}


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("Team6", "team6"),
        ("team 6", "team6"),
        ("stilstaand-water", "stilstaand_water"),
        ("nieuwe_instrom", "nieuwe_instroom"),
    ],
)
def test_a_label_near_a_configured_one_is_refused_with_did_you_mean(tmp_path, typed, meant):
    rows = [r.replace(",,", f",{meant},", 1) for r in REGISTER_ROWS]
    rows[3] = rows[3].replace(f",{meant},", f",{typed},", 1)
    known = {"target_group": ["stilstaand_water", "nieuwe_instroom", "team6", "oap"]}
    with pytest.raises(ContractError) as info:
        contract.load(written(tmp_path, register_text(rows)), REGISTER, known_labels=known)
    assert (
        f"column 'target_group' at line 5 (found '{typed}'); expected one spelling per label: did you mean '{meant}'"
        in str(info.value)
    )


@pytest.mark.parametrize(("a", "b"), [("team5", "team6"), ("Zuid A", "Zuid B"), ("oap", "team6"), ("noord", "zuid")])
def test_distinct_labels_are_not_near_duplicates(tmp_path, a, b):
    rows = [r.replace(",,", f",{a if i % 2 else b},", 1) for i, r in enumerate(REGISTER_ROWS)]
    assert set(load(written(tmp_path, register_text(rows)))["target_group"]) == {a, b}


def test_every_problem_of_a_file_in_one_pass_capped_with_a_count(tmp_path):
    names = REGISTER_HEADER.split(",")
    rows = [r.split(",") for r in REGISTER_ROWS]
    for column in ("sex", "education", "no_show", "handover", "outflow_reason", "group"):
        rows[0][names.index(column)] = "?"
    for column in ("age", "benefit_months", "parttime_months", "contacts_total", "contacts_selected"):
        rows[1][names.index(column)] = "x"
    for column in ("start_date", "end_date"):
        rows[2][names.index(column)] = "gisteren"
    header = REGISTER_HEADER.replace("target_group", "doelgroep")  # an optional column misspelt: not a problem
    msg = refusal(written(tmp_path, register_text([",".join(r) for r in rows], header=header)))
    assert msg.count("\n  - ") == contract.MAX_PROBLEMS_SHOWN
    assert "... and 1 more problems in this file" in msg


def test_unknown_columns_are_named_as_information(tmp_path):
    rows = [r + ",m,30" for r in REGISTER_ROWS]
    loaded = contract.load(
        written(tmp_path, register_text(rows, header=REGISTER_HEADER + ",geslacht,leeftijd")), REGISTER
    )
    assert "columns not in the `register` contract, not read: geslacht, leeftijd" in loaded.notes
    assert "geslacht" not in loaded.frame
