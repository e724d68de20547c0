from evalbook.report import format as fmt


def test_dutch_number_notation():
    assert fmt.number(1234.5, 1) == "1.234,5"
    assert fmt.number(0.5) == "1"  # half up, as the reports round (Python's format would give "0")
    assert fmt.percent(12.5) == "13%"
    assert fmt.number(-0.04, 1) == "0,0"
    assert fmt.percent(19.0) == "19%"
    assert fmt.percent(12.925, 1) == "12,9%"


def test_signed_points_and_intervals_use_a_real_minus():
    assert fmt.pp(6.07) == "+6,1 pp"
    assert fmt.pp(-1.1) == "−1,1 pp"
    assert fmt.interval(-0.79, 8.58) == "−0,8 tot 8,6"


def test_p_values_and_labels():
    assert fmt.p_value(0.0436) == "p = 0,044"
    assert fmt.p_value(0.00007) == "p < 0,001"
    assert fmt.significance(0.049, 0.05) == "significant"
    assert fmt.significance(0.05, 0.05) == "niet significant"


def test_missing_values_are_a_dash_not_nan():
    for f in (fmt.number, fmt.percent, fmt.pp, fmt.p_value):
        assert f(float("nan")) == fmt.MISSING
    assert fmt.interval(None, 1.0) == fmt.MISSING
