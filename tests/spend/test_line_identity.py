"""Does every line of a file count once: repeated references, identical lines, corrections, withdrawals?"""
from __future__ import annotations

import random
import threading
from collections import Counter
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from portal.extensions import db
from portal.spend import importing, services
from portal.spend.models import RetiredSpendLine, SpendImport, SpendImportDifference, SpendLine
from tenants import tenant_context

from .test_importing import HEADER, csv_bytes, line_totals, run, upload


def held_lines(partner) -> Counter:
    """The partner's counted lines as a multiset of what they say."""
    with tenant_context(partner.id):
        rows = db.session.execute(select(SpendLine.payment_date, SpendLine.transaction_ref, SpendLine.supplier_name,
                                         SpendLine.amount_pence, SpendLine.expense_type)).all()
    return Counter(tuple(row) for row in rows)


def choose(partner, import_id, choice):
    with tenant_context(partner.id):
        spend_import = db.session.get(SpendImport, import_id)
        spend_import.overlap_choice, spend_import.status = choice, "queued"
        db.session.commit()
    return run(partner, import_id)


def imported_file(partner, rows, name="spend.csv"):
    import_id = upload(partner, csv_bytes([HEADER, *rows]), name)
    return import_id, run(partner, import_id)


# A small world of lines: few references, few amounts, so files repeat references and whole lines.
line = st.tuples(
    st.sampled_from(["01/04/2024", "02/04/2024", "15/05/2024"]),
    st.sampled_from(["T1", "T2", "T3", ""]),
    st.sampled_from(["Acme Ltd", "Beta Care", "Gamma Foods"]),
    st.just(""),
    st.sampled_from(["2.70", "500.00", "-12.50", "1,000.00"]),
    st.sampled_from(["Food", "Care"]),
).map(list)
spend_file = st.lists(line, min_size=1, max_size=25)
FAST = settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@FAST
@given(rows=spend_file)
def test_importing_a_file_twice_equals_importing_it_once(make_partner, rows):
    once, twice = make_partner(), make_partner()
    imported_file(once, rows)
    imported_file(twice, rows)
    _, again = imported_file(twice, rows)
    assert (again.status, again.imported, again.already_held) == ("imported", 0, len(rows))
    assert held_lines(twice) == held_lines(once) == Counter(_said(row) for row in rows)


@FAST
@given(rows=spend_file, seed=st.integers(0, 1000))
def test_any_order_of_a_files_lines_equals_the_file(make_partner, rows, seed):
    shuffled = rows[:]
    random.Random(seed).shuffle(shuffled)
    first, second = make_partner(), make_partner()
    imported_file(first, rows)
    imported_file(second, shuffled)
    assert held_lines(first) == held_lines(second)
    # and the shuffled file, imported where the first is held, is already held whole
    _, again = imported_file(first, shuffled)
    assert (again.imported, again.already_held) == (0, len(rows))


@FAST
@given(rows=spend_file, which=st.integers(0, 24), amount=st.sampled_from(["3.10", "499.99", "-1.00"]))
def test_a_corrected_file_replacing_its_months_equals_the_corrected_file_alone(make_partner, rows, which, amount):
    corrected = [row[:] for row in rows]
    corrected[which % len(rows)][4] = amount
    replaced, alone = make_partner(), make_partner()
    imported_file(replaced, rows)
    import_id, outcome = imported_file(replaced, corrected)
    if corrected != rows and Counter(map(tuple, corrected)) != Counter(map(tuple, rows)):
        assert outcome.status == "needs_choice" and held_lines(replaced) == Counter(_said(row) for row in rows)
        choose(replaced, import_id, "replace")
    imported_file(alone, corrected)
    assert held_lines(replaced) == held_lines(alone)
    assert line_totals(replaced) == line_totals(alone)


@FAST
@given(rows=spend_file.filter(lambda rows: any(row[1] for row in rows)), seed=st.integers(0, 1000))
def test_adding_only_new_lines_shows_the_changed_line_and_asks(make_partner, rows, seed):
    partner = make_partner()
    imported_file(partner, rows)
    with_ref = [i for i, row in enumerate(rows) if row[1]]
    which = random.Random(seed).choice(with_ref)
    corrected = [row[:] for row in rows] + [["20/05/2024", "T9", "Delta Print", "", "77.00", "Care"]]
    corrected[which][4] = "123.45" if corrected[which][4] != "123.45" else "54.32"
    import_id, outcome = imported_file(partner, corrected)
    assert outcome.status == "needs_choice" and outcome.imported == 0
    with tenant_context(partner.id):
        spend_import = db.session.get(SpendImport, import_id)
        differences = db.session.scalars(select(SpendImportDifference)).all()
        assert (spend_import.changed_count, spend_import.new_count, spend_import.missing_count) == (1, 1, 0)
    changed = [d for d in differences if d.kind == "changed"]
    assert len(changed) == 1 and changed[0].line_number == which + 2 and changed[0].amount_pence in (12_345, 5_432)
    assert changed[0].transaction_ref == rows[which][1] and changed[0].held_amount_pence != changed[0].amount_pence
    before = held_lines(partner)
    added = choose(partner, import_id, "add")
    assert (added.status, added.imported) == ("imported", 1)
    assert held_lines(partner) == before + Counter([_said(corrected[-1])])


def test_withdrawing_then_importing_again_equals_one_import(make_partner):
    rows = [["01/04/2024", "T1", "Acme Ltd", "", "2.70", "Food"]] * 3 + [["02/04/2024", "T1", "Beta Care", "", "9.00", "Care"]]
    withdrawn, once = make_partner(), make_partner()
    import_id, _ = imported_file(withdrawn, rows)
    with tenant_context(withdrawn.id):
        assert services.withdraw_import(db.session, db.session.get(SpendImport, import_id), None) == 4
        db.session.commit()
        assert db.session.get(SpendImport, import_id).status == "withdrawn"
        assert db.session.scalar(select(func.count()).select_from(RetiredSpendLine)) == 4
    assert tuple(line_totals(withdrawn)) == (0, 0)
    _, again = imported_file(withdrawn, rows)
    imported_file(once, rows)
    assert (again.status, again.imported) == ("imported", 4)
    assert held_lines(withdrawn) == held_lines(once)


def test_replaced_lines_are_kept_and_linked_to_the_import_that_replaced_them(partner):
    rows = [["01/04/2024", "T1", "Acme Ltd", "", "100.00", "Food"], ["01/04/2024", "T2", "Beta Care", "", "50.00", "Care"]]
    first_id, _ = imported_file(partner, rows)
    corrected_id, outcome = imported_file(partner, [rows[0], ["01/04/2024", "T2", "Beta Care", "", "55.00", "Care"]])
    assert (outcome.status, outcome.already_held) == ("needs_choice", 1)
    replaced = choose(partner, corrected_id, "replace")
    assert (replaced.imported, replaced.already_held) == (1, 1)
    with tenant_context(partner.id):
        retired = db.session.scalars(select(RetiredSpendLine)).all()
        spend_import = db.session.get(SpendImport, corrected_id)
    assert [(r.amount_pence, r.reason, r.spend_import_id, r.retired_by_import_id) for r in retired] == [
        (5_000, "replaced", first_id, corrected_id)]
    assert spend_import.replaced_count == 1 and tuple(line_totals(partner)) == (2, 15_500)
    # The replacing import withdrawn in turn: its line retires too, and no retired line's id is taken twice.
    with tenant_context(partner.id):
        assert services.withdraw_import(db.session, db.session.get(SpendImport, corrected_id), None) == 1
        db.session.commit()
        ids = db.session.scalars(select(RetiredSpendLine.id)).all()
    assert len(ids) == len(set(ids)) == 2 and tuple(line_totals(partner)) == (1, 10_000)


def test_a_later_month_alone_goes_in_and_the_held_month_is_already_there(partner):
    april = [["01/04/2024", "T1", "Acme Ltd", "", "100.00", "Food"]]
    imported_file(partner, april)
    _, quarter = imported_file(partner, april + [["01/05/2024", "T1", "Acme Ltd", "", "100.00", "Food"]])
    assert (quarter.status, quarter.imported, quarter.already_held) == ("imported", 1, 1)


def test_the_result_states_the_files_own_net_total_months_and_shared_references(partner):
    rows = [["01/04/2024", "T1", "Acme Ltd", "", "2.70", "Food"]] * 3 + [["02/05/2024", "T2", "Beta Care", "", "-1.00", "Care"]]
    import_id, _ = imported_file(partner, rows)
    with tenant_context(partner.id):
        spend_import = db.session.get(SpendImport, import_id)
    assert (spend_import.net_total_pence, spend_import.months, spend_import.shared_reference_lines) == (
        710, ["2024-04-01", "2024-05-01"], 3)


def _said(row):
    from datetime import datetime
    from decimal import Decimal

    day = datetime.strptime(row[0], "%d/%m/%Y").date()
    pence = int(Decimal(row[4].replace(",", "")) * 100)
    return (day, row[1] or None, row[2], pence, row[5] or None)


def test_the_same_import_run_twice_at_once_places_its_lines_once(app, partner):
    # A choice sent twice, or a task delivered twice: both runs read the file, the second to take the
    # network's lock finds the import settled and writes nothing.
    rows = [["01/04/2024", f"T{n % 50}", f"Supplier {n % 7}", "", "2.70", "Food"] for n in range(2000)]
    import_id = upload(partner, csv_bytes([HEADER, *rows]), "twice.csv")
    errors, outcomes = [], []

    def work():
        try:
            with app.app_context():
                outcomes.append(run(partner, import_id))
                db.session.remove()
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(o.imported for o in outcomes) == [2000, 2000]  # the second reports what the first placed
    assert tuple(line_totals(partner)) == (2000, 540_000)
    with tenant_context(partner.id):
        assert db.session.get(SpendImport, import_id).imported_count == 2000


def test_a_row_that_adds_up_the_file_is_read_but_not_counted(partner):
    rows = [["01/04/2024", "T1", "Acme Ltd", "", "100.00", "Food"], ["02/04/2024", "T2", "Total Gas & Power Ltd", "", "50.00", "Care"],
            ["", "", "Total", "", "150.00", ""], ["", "", "", "", "", ""]]
    import_id, outcome = imported_file(partner, rows)
    assert (outcome.status, outcome.imported, outcome.rejected) == ("imported", 2, 0)
    assert tuple(line_totals(partner)) == (2, 15_000)
    with tenant_context(partner.id):
        assert db.session.get(SpendImport, import_id).total_lines == [4]
    # a short row that is no total is still a bad line, reported as one
    import_id, outcome = imported_file(partner, [["03/05/2024", "T3", "Acme Ltd", "", "1.00", ""], ["", "", "Acme", "", "9.00", ""]])
    assert (outcome.status, outcome.rejected) == ("rejected", 1)


def test_a_second_run_that_starts_late_cannot_set_a_placed_import_back_to_running(partner):
    # The race above, made certain: the second run passed its first check before the first committed, and
    # only then says "running". Its progress must not overwrite the result, or it would place the file again.
    import_id, _ = imported_file(partner, [["01/04/2024", "T1", "Acme Ltd", "", "2.70", "Food"]])
    with tenant_context(partner.id):
        importing._Progress(db.session, import_id).update(force=True, status="running", phase="checking", rows_done=0)
        db.session.expire_all()
        spend_import = db.session.get(SpendImport, import_id)
        assert (spend_import.status, spend_import.imported_count, spend_import.phase) == ("imported", 1, None)


def test_a_redelivered_import_queues_the_refresh_its_dead_worker_did_not(partner, monkeypatch):
    # The worker committed the lines and their due marks, then died before the refresh's message went:
    # the redelivered task finds the import placed and must queue the refresh now, not after the sweep's grace.
    from portal.spend import tasks
    from portal.spend.models import SpendTotalsPending
    from workers import due

    import_id, _ = imported_file(partner, [["01/04/2024", "T1", "Acme Ltd", "", "2.70", "Food"]])
    with tenant_context(partner.id):
        due.mark(db.session, tasks.TOTALS_DUE, partner.id, [date(2024, 4, 1)])
        db.session.commit()
    sent = []
    monkeypatch.setattr(tasks.recompute_spend_totals, "apply_async", lambda args=(), kwargs=None, **_: sent.append(tuple(args)))

    assert tasks.import_spend_file(partner.id, import_id)["status"] == "imported"
    assert sent == [(partner.network_id, partner.id, ["2024-04-01"])]
    with tenant_context(partner.id):
        assert db.session.scalar(select(func.count(SpendTotalsPending.id))) == 1  # the refresh clears it when it runs
        assert db.session.scalar(select(func.count(SpendLine.id))) == 1
