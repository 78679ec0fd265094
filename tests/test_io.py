"""skrnn.io.read_panel_csv: a CSV file into the long layout, checked."""

import numpy as np
import pandas as pd
import pytest

from skrnn import fill_gaps, make_windows
from skrnn.io import read_panel_csv


@pytest.fixture
def stores_csv(tmp_path):
    path = tmp_path / "stores.csv"
    path.write_text(
        "store,month,sales,size\n"
        "b,2024-01-01,7.5,large\n"
        "a,2024-03-01,3,small\n"
        "a,2024-01-01,1,small\n"
        "b,2024-02-01,,large\n"
    )
    return path


def test_reads_a_long_panel_that_the_library_windows(stores_csv):
    frame = read_panel_csv(stores_csv, target="sales", id_col="store", time_col="month")
    assert frame["sales"].tolist()[:3] == [7.5, 3.0, 1.0]
    assert np.isnan(frame["sales"].iloc[3])
    assert frame["month"].iloc[0] == pd.Timestamp("2024-01-01")
    assert frame["size"].tolist() == ["large", "small", "small", "large"]
    filled = fill_gaps(frame.drop(columns="size"), id_col="store", time_col="month")
    X, y = make_windows(filled, window=1, id_col="store", time_col="month")
    # a: Jan 1, Feb gap, Mar 3; b: Jan 7.5, Feb empty. Windows by their time.
    np.testing.assert_array_equal(X[:, 0, 0], [1.0, 7.5, np.nan])
    np.testing.assert_array_equal(y, [np.nan, np.nan, 3.0])


def test_infers_a_first_column_of_dates_and_keeps_integer_times(tmp_path):
    path = tmp_path / "yearly.csv"
    path.write_text("year,value\n2001,1\n2000,2\n")
    frame = read_panel_csv(path, target="value", time_col="year")
    assert frame["year"].tolist() == [2001, 2000]
    assert (
        read_panel_csv(path, target="value", time_col="infer").dtypes["year"]
        == (frame.dtypes["year"])
    )  # integers are no dates to infer
    path.write_text("when,value\n2000-01-01,1\n2000-01-02,2\n")
    frame = read_panel_csv(path, target="value", time_col="infer")
    assert frame["when"].tolist() == list(pd.date_range("2000-01-01", periods=2))


@pytest.mark.parametrize(
    "text, options, error, message",
    [
        (None, {"target": "y"}, FileNotFoundError, "no such file"),
        ("", {}, ValueError, "not a readable CSV file"),
        ("t,y\n", {}, ValueError, "the file has no data rows"),
        ("t,y\n1,2\n", {"target": "z"}, ValueError,
         "target='z' is not a column; available: t, y"),
        ("t,y\n1,2\n2,x\n", {"target": "y"}, ValueError,
         "target='y' is not numeric: row 2 holds 'x'"),
        ("t,y\n1,2\n2,inf\n", {"target": "y"}, ValueError, "infinite values"),
        ("id,y\na,2\n,3\n", {"id_col": "id"}, ValueError,
         "id_col='id' has an empty cell in row 2"),
        ("t,y\n2020-01-01,2\nsoon,3\n", {"time_col": "t"}, ValueError,
         "time_col='t' is not a date or integer column: row 2 holds 'soon'"),
        ("t,y\n2020-01-01,2\n,3\n", {"time_col": "t"}, ValueError,
         "time_col='t' has an empty cell in row 2"),
    ],
)  # fmt: skip
def test_bad_files_name_the_parameter_and_the_row(
    tmp_path, text, options, error, message
):
    path = tmp_path / "data.csv"
    if text is not None:
        path.write_text(text)
    with pytest.raises(error, match=message):
        read_panel_csv(path, **options)
