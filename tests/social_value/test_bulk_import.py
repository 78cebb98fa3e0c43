"""Can a partner bring in years of commitments and delivery at once, each valued at the right edition,
with every bad line named, nothing changed by a refused file, and nothing added by the same file twice?"""
from __future__ import annotations

import io
import time
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from portal.extensions import db
from portal.social_value import bulk_files, bulk_import
from portal.social_value.models import BulkImport, Commitment, Contract, DeliveryReport, Measure
from tenants import tenant_context

COMMITMENT_HEADER = "Contract reference,Measure code,Quantity,Committed on\n"
DELIVERY_HEADER = "Contract reference,Measure code,Quantity,Period start,Period end,What was delivered\n"


@pytest.fixture
def council(partners):
    return partners[0]


@pytest.fixture
def officer(council, make_user):
    return make_user(council, "officer", email="importer@council.org")


@pytest.fixture
def held_contracts(council, make_contract):
    """Two contracts of the council: HW-1 from April 2018 (back-filled years), HW-2 from April 2023."""
    make_contract(council, start=date(2018, 4, 1), end=date(2026, 3, 31), reference="HW-1")
    make_contract(council, start=date(2023, 4, 1), end=date(2027, 3, 31), reference="HW-2")


def run(partner, kind, content, user=None, filename=None):
    """Upload and import a file as the partner (the worker's steps, without the worker); returns the import."""
    filename = filename or f"{kind}.csv"
    raw = content.encode() if isinstance(content, str) else content
    with tenant_context(partner.id):
        bulk = bulk_import.store_upload(db.session, kind, user, filename, io.BytesIO(raw), partner.id)
        db.session.commit()
        bulk_import.run_bulk_import(db.session, bulk.id)
        db.session.commit()
        db.session.expire_all()
        return db.session.get(BulkImport, bulk.id)


def commitments_held(partner):
    with tenant_context(partner.id):
        db.session.expire_all()
        rows = db.session.execute(
            select(Contract.reference, Measure.code, Commitment.quantity, Commitment.committed_on, Commitment.proxy_edition,
                   Commitment.proxy_value_pence, Commitment.committed_value_pence, Commitment.valued_at_earliest_edition)
            .join(Contract, Contract.id == Commitment.contract_id).join(Measure, Measure.id == Commitment.measure_id)
            .order_by(Contract.reference, Measure.code)
        ).all()
        return [tuple(r) for r in rows]


def reports_held(partner):
    with tenant_context(partner.id):
        db.session.expire_all()
        return [(r.period_start, r.period_end, r.quantity, r.value_pence, r.status, r.reported_by_id, r.narrative)
                for r in db.session.scalars(select(DeliveryReport).order_by(DeliveryReport.id))]


def test_bulk_commitments_are_valued_at_the_edition_in_force_on_their_day(council, held_contracts, officer):
    """DEMO-02 is £200 a week from 1 Apr 2023 (demo-2023) and £210 from 1 Apr 2024 (demo-2024); DEMO-01 £24,000/£25,000 an FTE."""
    bulk = run(council, "commitments", COMMITMENT_HEADER
               + "HW-2,DEMO-02,52,31/03/2024\n"      # the last day of demo-2023
               + "HW-2,DEMO-01,2.5,2024-04-01\n"     # the first day of demo-2024
               + "HW-1,DEMO-02,104,01/06/2019\n"     # years before the first edition: the earliest, marked
               + "HW-1,DEMO-01,1,\n", officer)       # no day: the contract's start (April 2018), also before
    assert bulk.status == "imported" and bulk.problems == []
    assert (bulk.imported_count, bulk.already_held_count, bulk.earliest_edition_count) == (4, 0, 2)
    assert commitments_held(council) == [
        ("HW-1", "DEMO-01", Decimal("1.000"), date(2018, 4, 1), "demo-2023", Decimal("2400000.00"), 2_400_000, True),
        ("HW-1", "DEMO-02", Decimal("104.000"), date(2019, 6, 1), "demo-2023", Decimal("20000.00"), 104 * 20_000, True),
        ("HW-2", "DEMO-01", Decimal("2.500"), date(2024, 4, 1), "demo-2024", Decimal("2500000.00"), 6_250_000, False),
        ("HW-2", "DEMO-02", Decimal("52.000"), date(2024, 3, 31), "demo-2023", Decimal("20000.00"), 52 * 20_000, False),
    ]


def test_the_contract_page_says_a_commitment_was_valued_at_the_earliest_edition(council, held_contracts, officer, sign_in):
    run(council, "commitments", COMMITMENT_HEADER + "HW-1,DEMO-02,104,01/06/2019\n", officer)
    with tenant_context(council.id):
        contract_id = db.session.scalar(select(Contract.id).where(Contract.reference == "HW-1"))
    page = sign_in(officer).get(f"/social-value/contracts/{contract_id}").get_data(as_text=True)
    assert "the earliest edition: committed before the measure&#39;s first edition" in page


BAD_LINES = [
    ("NOPE,DEMO-02,5,01/05/2024", "No contract has the reference 'NOPE'"),
    ("HW-2,DEMO-99,5,01/05/2024", "The network has no measure with the code 'DEMO-99'"),
    ("HW-2,DEMO-02,lots,01/05/2024", "The quantity must be a number"),
    ("HW-2,DEMO-02,-3,01/05/2024", "not negative"),
    ("HW-2,DEMO-02,1.2345,01/05/2024", "at most 3 decimal places"),
    ("HW-2,DEMO-02,,01/05/2024", "The quantity is blank"),
    ("HW-2,DEMO-02,1" + "0" * 30 + ",01/05/2024", "The quantity cannot be more than 1,000,000,000"),
    ("HW-2,DEMO-02,NaN,01/05/2024", "The quantity must be a number"),
    ("HW-2,DEMO-03,5,31/02/2024", "Committed on: date '31/02/2024' does not exist"),
    ("HW-2,DEMO-03,5,someday", "Committed on: date"),
    (",DEMO-02,5,01/05/2024", "The contract reference is blank"),
]


def test_every_bad_line_is_named_with_its_number_and_a_refused_file_changes_nothing(council, held_contracts, officer):
    run(council, "commitments", COMMITMENT_HEADER + "HW-1,DEMO-01,1,01/05/2023\n", officer)
    before = commitments_held(council)
    good = "HW-2,DEMO-01,1,01/05/2024\n"
    content = COMMITMENT_HEADER + good + "".join(line + "\n" for line, _ in BAD_LINES) + "HW-1,DEMO-01,2,01/05/2024\n"
    bulk = run(council, "commitments", content, officer)
    assert bulk.status == "rejected" and bulk.imported_count == 0
    expected = [(n, reason) for n, (_, reason) in enumerate(BAD_LINES, start=3)]
    expected.append((len(BAD_LINES) + 3, "Contract HW-1 already has a commitment to DEMO-01: change that one"))
    assert [n for n, _ in bulk.problems] == [n for n, _ in expected]
    for (n, reason), (_, wanted) in zip(bulk.problems, expected):
        assert wanted in reason, (n, reason)
    assert commitments_held(council) == before  # the good line on line 2 did not go in either


def test_the_same_measure_twice_for_one_contract_in_a_file_is_a_bad_line(council, held_contracts, officer):
    bulk = run(council, "commitments", COMMITMENT_HEADER + "HW-2,DEMO-01,1,01/05/2024\nHW-2,DEMO-01,1,01/05/2024\n", officer)
    assert bulk.problems == [[3, "Contract HW-2 already has a commitment to DEMO-01 on line 2"]]
    assert commitments_held(council) == []


def test_importing_the_same_commitments_again_changes_nothing(council, held_contracts, officer):
    content = COMMITMENT_HEADER + "HW-2,DEMO-02,52,01/05/2024\nHW-1,DEMO-02,10,01/05/2020\n"
    first = run(council, "commitments", content, officer)
    held = commitments_held(council)
    again = run(council, "commitments", content, officer)
    assert (first.imported_count, again.imported_count, again.already_held_count) == (2, 0, 2)
    assert again.status == "imported" and commitments_held(council) == held


def test_two_identical_delivery_lines_are_two_reports_reported_never_verified_and_a_reimport_adds_none(
        council, held_contracts, officer):
    run(council, "commitments", COMMITMENT_HEADER + "HW-2,DEMO-02,52,01/05/2024\n", officer)
    line = "HW-2,DEMO-02,4,01/07/2024,30/09/2024,Two apprentices\n"
    content = DELIVERY_HEADER + line + line + "hw-2,demo-02,1.5,2024-10-01,2024-12-31,\n"
    bulk = run(council, "delivery", content, officer)
    assert (bulk.status, bulk.imported_count) == ("imported", 3)
    # Valued at the commitment's proxy value (demo-2024, £210 a week), recorded by the uploader, not yet verified.
    expected = [
        (date(2024, 7, 1), date(2024, 9, 30), Decimal("4.000"), 84_000, "reported", officer.id, "Two apprentices"),
        (date(2024, 7, 1), date(2024, 9, 30), Decimal("4.000"), 84_000, "reported", officer.id, "Two apprentices"),
        (date(2024, 10, 1), date(2024, 12, 31), Decimal("1.500"), 31_500, "reported", officer.id, ""),
    ]
    assert reports_held(council) == expected
    again = run(council, "delivery", content, officer)
    assert (again.imported_count, again.already_held_count) == (0, 3) and reports_held(council) == expected
    # A third copy of the line is a third report: its occurrence is new.
    more = run(council, "delivery", content + line, officer)
    assert (more.imported_count, more.already_held_count) == (1, 3) and len(reports_held(council)) == 4


def test_bad_delivery_lines_are_named_and_nothing_is_added(council, held_contracts, officer):
    run(council, "commitments", COMMITMENT_HEADER + "HW-2,DEMO-02,52,01/05/2024\n", officer)
    bulk = run(council, "delivery", DELIVERY_HEADER
               + "HW-2,DEMO-02,4,01/07/2024,30/09/2024,fine\n"
               + "HW-1,DEMO-02,4,01/07/2024,30/09/2024,\n"
               + "HW-2,DEMO-02,4,30/09/2024,01/07/2024,\n"
               + "HW-2,DEMO-02,4,01/07/2024,,\n"
               + "HW-9,DEMO-02,4,01/07/2024,30/09/2024,\n"
               + "HW-2,DEMO-02,4,01/07/2024,30/09/2024,Two apprentices, one mentor\n"
               + "HW-2,DEMO-02,4,01/10/2024,31/12/2024\n", officer)  # a blank last column left out: fine
    assert bulk.status == "rejected"
    assert bulk.problems == [
        [3, "Contract HW-1 has no commitment to DEMO-02"],
        [4, "The period ends before it starts"],
        [5, "Period end: date is blank"],
        [6, "No contract has the reference 'HW-9'"],
        [7, "line 7 has 7 cells, the header has 6"],
    ]
    assert reports_held(council) == []


def test_an_excel_file_with_real_date_cells_imports_like_csv(council, held_contracts, officer):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Measure code", "Contract reference", "Quantity", "Committed on", "Notes we ignore"])
    sheet.append(["DEMO-02", "HW-2", 52, date(2023, 5, 1), "x"])
    out = io.BytesIO()
    workbook.save(out)
    bulk = run(council, "commitments", out.getvalue(), officer, filename="commitments.xlsx")
    assert bulk.status == "imported", bulk.problems
    assert commitments_held(council) == [
        ("HW-2", "DEMO-02", Decimal("52.000"), date(2023, 5, 1), "demo-2023", Decimal("20000.00"), 52 * 20_000, False)]


@pytest.mark.parametrize("kind", ["commitments", "delivery"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_templates_have_the_exact_headers_and_an_example_row_that_reads_back(kind, fmt, council, officer, sign_in, tmp_path):
    response = sign_in(officer).get(f"/social-value/bulk-imports/{kind}-template.{fmt}")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    path = tmp_path / f"template.{fmt}"
    path.write_bytes(response.data)
    layout = bulk_files.LAYOUTS[kind]
    opened, _ = bulk_files.open_bulk_file(path, path.name, layout)
    assert opened.headers == list(layout.headers)
    assert [r.values for r in opened.rows()] == [dict(zip(layout.headers, layout.example))]


def test_a_file_without_the_columns_is_refused_at_upload(council, officer):
    with tenant_context(council.id), pytest.raises(bulk_import.ImportRefused, match="Contract reference, Measure code, Quantity"):
        bulk_import.store_upload(db.session, "commitments", officer, "x.csv", io.BytesIO(b"Date,Amount\n1,2\n"), council.id)


def test_upload_preview_then_import_through_the_pages(council, held_contracts, officer, sign_in):
    client = sign_in(officer)
    content = (COMMITMENT_HEADER + "HW-2,DEMO-02,52,01/05/2024\n").encode()
    response = client.post("/social-value/bulk-imports", data={"kind": "commitments", "bulk_file": (io.BytesIO(content), "c.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'data-status="uploaded"' in page and "HW-2" in page and "Import the file" in page
    assert commitments_held(council) == []  # a preview saves nothing
    assert client.post(response.headers["Location"]).status_code == 302
    with tenant_context(council.id):
        bulk = db.session.scalars(select(BulkImport)).one()
        assert bulk.status == "queued"
        bulk_import.run_bulk_import(db.session, bulk.id)  # what the worker does
        db.session.commit()
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Import complete" in page and "1 commitments imported" in page
    with tenant_context(council.id):
        assert db.session.scalar(select(func.count()).select_from(Commitment)) == 1


def test_a_refused_file_lists_its_bad_lines_on_the_page_and_in_the_download(council, held_contracts, officer, sign_in):
    bulk = run(council, "commitments", COMMITMENT_HEADER + "NOPE,DEMO-02,5,01/05/2024\n", officer)
    client = sign_in(officer)
    page = client.get(f"/social-value/bulk-imports/{bulk.id}").get_data(as_text=True)
    assert "Nothing was imported" in page and "No contract has the reference &#39;NOPE&#39;" in page
    download = client.get(f"/social-value/bulk-imports/{bulk.id}/problems.csv").get_data(as_text=True)
    assert "2,No contract has the reference 'NOPE'" in download


def test_a_viewer_cannot_upload(council, make_user, sign_in):
    viewer = sign_in(make_user(council, "viewer", email="viewer@council.org"))
    response = viewer.post("/social-value/bulk-imports", data={"kind": "commitments",
                           "bulk_file": (io.BytesIO(COMMITMENT_HEADER.encode()), "c.csv")}, content_type="multipart/form-data")
    assert response.status_code == 403


def test_the_command_imports_a_file_and_fails_naming_each_bad_line(council, held_contracts, officer, app, tmp_path):
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_text(COMMITMENT_HEADER + "HW-2,DEMO-02,52,01/05/2024\nHW-1,DEMO-02,5,01/05/2019\n")
    bad.write_text(COMMITMENT_HEADER + "HW-2,DEMO-01,x,01/05/2024\n")
    runner = app.test_cli_runner()
    args = ["import-social-value", "--organisation", council.slug, "--kind", "commitments"]
    result = runner.invoke(args=[*args, str(good)])
    assert result.exit_code == 0, result.output
    assert "Imported 2 commitments, 0 already held, 1 valued at the earliest edition" in result.output
    refused = runner.invoke(args=[*args, str(bad)])
    assert refused.exit_code != 0 and "line 2: The quantity must be a number" in refused.output
    assert len(commitments_held(council)) == 2


@pytest.mark.worker
def test_a_real_worker_imports_the_file_and_the_report_counts_the_commitments(
        council, held_contracts, officer, sign_in, celery_worker_process):
    """Upload, confirm, and the worker imports it; the totals the annual report reads follow."""
    from portal.social_value.models import SocialValueTotal

    council_id = council.id
    client = sign_in(officer)
    content = (COMMITMENT_HEADER + "HW-2,DEMO-02,52,01/05/2024\nHW-1,DEMO-02,10,01/05/2019\n").encode()
    page_url = client.post("/social-value/bulk-imports", data={"kind": "commitments", "bulk_file": (io.BytesIO(content), "c.csv")},
                           content_type="multipart/form-data").headers["Location"]
    assert client.post(page_url).status_code == 302
    deadline = time.monotonic() + 60
    while 'data-status="imported"' not in (page := client.get(page_url).get_data(as_text=True)):
        assert time.monotonic() < deadline and 'data-status="failed"' not in page, page[page.find("bulk-status"):][:500]
        time.sleep(0.3)
    assert "2 commitments imported" in page and "valued at the earliest edition" in page
    while True:
        db.session.remove()  # a fresh session each time: see what the worker committed
        with tenant_context(council_id):
            total = db.session.scalar(select(SocialValueTotal.committed_value_pence).where(
                SocialValueTotal.year == 2024, SocialValueTotal.breakdown == "all"))
        if total is not None:
            break
        assert time.monotonic() < deadline, "the worker did not recompute the totals in time"
        time.sleep(0.3)
    assert total == 52 * 21_000


def test_an_import_whose_worker_died_can_be_started_again_and_adds_each_line_once(council, held_contracts, officer, sign_in):
    from datetime import timedelta

    from tenants.models import utcnow

    content = COMMITMENT_HEADER + "HW-2,DEMO-02,52,01/05/2024\n"
    with tenant_context(council.id):
        bulk = bulk_import.store_upload(db.session, "commitments", officer, "c.csv", io.BytesIO(content.encode()), council.id)
        bulk.status, bulk.heartbeat_at = "running", utcnow() - timedelta(minutes=5)
        db.session.commit()
        bulk_id = bulk.id
    client = sign_in(officer)
    url = f"/social-value/bulk-imports/{bulk_id}"
    assert 'data-testid="stalled"' not in client.get(url).get_data(as_text=True)
    client.post(url)
    with tenant_context(council.id):
        assert db.session.get(BulkImport, bulk_id).status == "running"  # still within its lease: not queued again
        db.session.get(BulkImport, bulk_id).heartbeat_at = utcnow() - timedelta(minutes=16)
        db.session.commit()
    assert 'data-testid="stalled"' in client.get(url).get_data(as_text=True)
    assert client.post(url).status_code == 302
    with tenant_context(council.id):
        db.session.expire_all()
        assert db.session.get(BulkImport, bulk_id).status == "queued"
        bulk_import.run_bulk_import(db.session, bulk_id)
        db.session.commit()
    assert len(commitments_held(council)) == 1


def test_a_reference_two_contracts_share_is_a_bad_line_never_a_guess(council, held_contracts, officer, make_contract):
    """A contracts register may repeat a reference (Salford's does): a line naming it cannot say which contract."""
    make_contract(council, start=date(2023, 4, 1), end=date(2027, 3, 31), reference="CL-7")
    with tenant_context(council.id):  # the register's second line with that reference (a form refuses a duplicate)
        db.session.add(Contract(reference="CL-7", title="Cleaning, second lot", start_date=date(2024, 4, 1)))
        db.session.commit()
    bulk = run(council, "commitments", COMMITMENT_HEADER + "CL-7,DEMO-01,1,01/05/2024\nHW-2,DEMO-01,1,01/05/2024\n", officer)
    assert bulk.status == "rejected"
    assert [n for n, _ in bulk.problems] == [2]
    assert "2 contracts have the reference 'CL-7'" in bulk.problems[0][1]
    assert commitments_held(council) == []
    bulk = run(council, "delivery", DELIVERY_HEADER + "CL-7,DEMO-01,1,01/05/2024,31/05/2024,Cleaned\n", officer)
    assert "2 contracts have the reference 'CL-7'" in bulk.problems[0][1]


def test_a_register_contract_with_no_start_date_takes_commitments_dated_and_its_figures_still_add_up(
        council, officer, sv_network):
    """A register line whose start date could not be read: a bulk commitment needs its own date, and the
    worker's year-and-half figures count it where it was made (nothing to spread it over)."""
    from portal.social_value import progress_snapshot
    from portal.social_value.models import SocialValuePeriodTotal

    with tenant_context(council.id):
        db.session.add(Contract(reference="REG-1", title="Unknown start", start_date=None, end_date=date(2027, 3, 31)))
        db.session.commit()
    refused = run(council, "commitments", COMMITMENT_HEADER + "REG-1,DEMO-01,1,\n", officer)
    assert "has no start date on record" in refused.problems[0][1]
    bulk = run(council, "commitments", COMMITMENT_HEADER + "REG-1,DEMO-01,4,01/11/2024\n", officer)
    assert bulk.status != "rejected", bulk.problems
    with tenant_context(council.id):
        progress_snapshot.recompute_partner(db.session, sv_network, council.id, as_of=date(2025, 6, 1))
        db.session.commit()
        rows = db.session.scalars(select(SocialValuePeriodTotal).where(SocialValuePeriodTotal.period_type == "half")).all()
        assert [(r.period_start, r.committed_quantity) for r in rows] == [(date(2024, 10, 1), Decimal("4.000"))]
