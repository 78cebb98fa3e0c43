"""What do a file's first lines say about its columns, without reading a large file whole?"""
from __future__ import annotations

from portal.spend.column_preview import (
    ColumnRepeats,
    first_values_hint,
    preview_columns,
    repeats_message,
)

HEADER = "Date,Transaction Number,Supplier Name,Net Amount,Notes\n"


def write(tmp_path, lines, name="spend.csv"):
    path = tmp_path / name
    path.write_text(HEADER + "".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def test_first_values_skip_blank_cells_and_stop_at_three(tmp_path):
    path = write(tmp_path, ["01/04/2024,T1, ,1.00,", "02/04/2024,T2,Acme,2.00,", "03/04/2024,T3,Far,3.00,",
                            "04/04/2024,T4,Near,4.00,", "05/04/2024,T5,Last,5.00,"])
    preview = preview_columns(path, "spend.csv")
    assert preview.headers == ["Date", "Transaction Number", "Supplier Name", "Net Amount", "Notes"]
    assert preview.first_values["Supplier Name"] == ["Acme", "Far", "Near"]
    assert preview.first_values["Date"] == ["01/04/2024", "02/04/2024", "03/04/2024"]
    assert preview.first_values["Notes"] == []
    assert (preview.lines_read, preview.capped) == (5, False)
    assert preview.repeats == {}  # counted only where asked


def test_repeats_count_lines_with_a_value_only(tmp_path):
    path = write(tmp_path, ["01/04/2024,T1,A,1,", "01/04/2024,T1,A,2,", "01/04/2024,,A,3,", "01/04/2024,,A,4,",
                            "01/04/2024,T2,A,5,"])
    preview = preview_columns(path, "spend.csv", repeats_in=["Transaction Number", "Not a column"])
    assert preview.repeats == {"Transaction Number": ColumnRepeats(lines=3, distinct=2)}
    assert preview.repeats["Transaction Number"].repeated == 1
    assert repeats_message(preview, "Transaction Number") == (
        "3 lines share 2 transaction numbers: 1 line has a transaction number an earlier line also has. "
        "This is normal: an invoice has several lines, and no line will be dropped."
    )


def test_a_large_file_is_read_only_as_far_as_the_limit(tmp_path):
    path = write(tmp_path, [f"01/04/2024,T{n % 10},A,{n}," for n in range(1000)])
    preview = preview_columns(path, "spend.csv", row_limit=100, repeats_in=["Transaction Number"])
    assert (preview.lines_read, preview.capped) == (100, True)
    assert preview.repeats["Transaction Number"] == ColumnRepeats(lines=100, distinct=10)
    assert repeats_message(preview, "Transaction Number").startswith(
        "In the first 100 lines, 100 lines share 10 transaction numbers: 90 lines have"
    )
    exactly = preview_columns(path, "spend.csv", row_limit=1000)
    assert (exactly.lines_read, exactly.capped) == (1000, False)


def test_hints_name_the_column_and_cut_long_values(tmp_path):
    path = write(tmp_path, ["01/04/2024,T1,A,1," + "x" * 200])
    preview = preview_columns(path, "spend.csv")
    assert first_values_hint(preview, "Transaction Number") == "First values in ‘Transaction Number’: T1"
    assert first_values_hint(preview, "Notes") == "First values in ‘Notes’: " + "x" * 59 + "…"
    assert first_values_hint(preview, "Nowhere") is None
    empty = write(tmp_path, ["01/04/2024,T1,A,1,"], "empty.csv")
    assert first_values_hint(preview_columns(empty, "empty.csv"), "Notes") == "‘Notes’ is empty in the file"
    assert repeats_message(preview, "Transaction Number") is None  # not counted: nothing to say


def test_darlingtons_invoice_lines_share_transaction_numbers(real_file):
    name = "darlington-spend-2022-08.csv"
    preview = preview_columns(real_file(name), name, repeats_in=["Transaction Number"])
    assert preview.headers[:2] == ["Column 1", "Column 2"]
    assert preview.first_values["Column 1"] == ["INSERTED DETAIL"] * 3
    assert preview.first_values["Column 2"] == []
    assert preview.repeats["Transaction Number"] == ColumnRepeats(lines=1863, distinct=1318)
    assert repeats_message(preview, "Transaction Number").startswith(
        "1,863 lines share 1,318 transaction numbers: 545 lines have a transaction number"
    )


def test_north_tynesides_food_invoices_repeat_most(real_file):
    name = "northtyneside-spend-2022-06_p.csv"
    preview = preview_columns(real_file(name), name, repeats_in=["Transaction Number"])
    assert preview.repeats["Transaction Number"] == ColumnRepeats(lines=16113, distinct=215)
    assert preview.first_values["Net Amount"] == ["25", "79.17", "150"]
