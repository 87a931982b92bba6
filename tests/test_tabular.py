import pandas as pd
import pytest

from fairer.errors import FairerError
from fairer.tabular import atomic_path, read_table, write_table


def test_atomic_write_keeps_the_old_file_on_failure(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("disk full")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".xlsx"])
def test_round_trip(tmp_path, suffix):
    df = pd.DataFrame({"area": ["a", "b"], "n": [1, 2]})
    back = read_table(write_table(df, tmp_path / f"t{suffix}"))
    assert back["n"].tolist() == [1, 2] and back["area"].tolist() == ["a", "b"]


def test_unknown_suffix_and_folder(tmp_path):
    (tmp_path / "x.docx").write_text("x")
    with pytest.raises(FairerError, match="unknown file type"):
        read_table(tmp_path / "x.docx")
    with pytest.raises(FairerError, match="folder"):
        read_table(tmp_path)
    with pytest.raises(FairerError, match="not found"):
        read_table(tmp_path / "nope.csv")


def test_a_file_cut_short_mid_row_is_refused(tmp_path):
    import pytest

    from fairer.errors import FairerError
    from fairer.tabular import read_table

    cut = tmp_path / "cut.csv"
    cut.write_text("x,n,m\n1,10,5\n2,3", encoding="utf-8")
    with pytest.raises(FairerError, match=r"row 3: the last row has 2 of 3 columns"):
        read_table(cut)
    whole = tmp_path / "whole.csv"
    whole.write_text("x,n\n1,10\n2,20", encoding="utf-8")  # no final newline, but complete
    assert read_table(whole)["n"].tolist() == [10, 20]


@pytest.mark.parametrize(("mask", "mode"), [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_written_files_get_the_users_ordinary_permissions(tmp_path, mask, mode):
    """Atomic writes go through a private temporary file, but the result has the mode any other
    program would give it under the user's umask, so colleagues on a shared drive can open it."""
    import os

    from fairer.tabular import write_table, write_text_atomic

    old = os.umask(mask)
    try:
        text = write_text_atomic(tmp_path / "report.html", "<p>hi</p>")
        table = write_table(pd.DataFrame({"a": [1]}), tmp_path / "t.csv")
        book = write_table(pd.DataFrame({"a": [1]}), tmp_path / "t.xlsx")
    finally:
        os.umask(old)
    for path in (text, table, book):
        assert path.stat().st_mode & 0o777 == mode, path
