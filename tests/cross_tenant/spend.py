"""Cross-tenant probes for a partner's spend pages: imports, their problems, lines."""
import io

from sqlalchemy import func, select

from portal.extensions import db
from portal.spend import importing
from portal.spend.models import SpendImport, SpendLine
from tenants import tenant_context

from .world import World

B_FILE = b"Date,Transaction Number,Supplier Name,Net Amount\n01/04/2024,B-1,Secret Supplier of B,999.00\nbad,B-2,X,1\n"


def _b_import(w: World, run: bool = True) -> int:
    with tenant_context(w.b_partner.id):
        spend_import = importing.store_upload(db.session, w.b_partner, w.b_admin, "b.csv", io.BytesIO(B_FILE))
        spend_import.column_mapping = dict(importing.proposed_mapping(db.session, spend_import)[1])
        spend_import.import_good_lines = True
        db.session.commit()
        import_id = spend_import.id
        if run:
            importing.run_import(db.session, import_id)
            db.session.commit()
    return import_id


def _b_lines() -> int:
    return db.session.scalar(select(func.count(SpendLine.id)))


def probe_imports(w: World):
    _b_import(w)
    page = w.sign_in(w.a_officer).get("/spend/imports").get_data(as_text=True)
    assert "b.csv" not in page


def probe_columns(w: World):
    import_id = _b_import(w, run=False)
    client = w.sign_in(w.a_officer)
    assert client.get(f"/spend/imports/{import_id}/columns").status_code == 404
    assert client.post(f"/spend/imports/{import_id}/columns", data={"payment_date": "Date"}).status_code == 404
    with tenant_context(w.b_partner.id):
        assert db.session.get(SpendImport, import_id).status == "uploaded"


def probe_show_import(w: World):
    import_id = _b_import(w)
    assert w.sign_in(w.a_officer).get(f"/spend/imports/{import_id}").status_code == 404


def probe_import_progress(w: World):
    import_id = _b_import(w)
    assert w.sign_in(w.a_officer).get(f"/spend/imports/{import_id}/progress.json").status_code == 404


def probe_import_problems(w: World):
    import_id = _b_import(w)
    response = w.sign_in(w.a_officer).get(f"/spend/imports/{import_id}/problems.csv")
    assert response.status_code == 404 and b"Secret" not in response.data


def probe_import_good_lines(w: World):
    with tenant_context(w.b_partner.id):
        import_id = _b_import(w, run=False)
        spend_import = db.session.get(SpendImport, import_id)
        spend_import.import_good_lines = False
        importing.run_import(db.session, import_id)
        db.session.commit()
    response = w.sign_in(w.a_officer).post(f"/spend/imports/{import_id}/import-good-lines", data={"confirm": "y"})
    assert response.status_code == 404
    with tenant_context(w.b_partner.id):
        assert db.session.get(SpendImport, import_id).status == "rejected"


def _b_needs_choice(w: World) -> int:
    """B's corrected file for a month B holds, waiting for B's choice."""
    _b_import(w)
    corrected = B_FILE.replace(b"999.00", b"998.00")
    with tenant_context(w.b_partner.id):
        spend_import = importing.store_upload(db.session, w.b_partner, w.b_admin, "b2.csv", io.BytesIO(corrected))
        spend_import.column_mapping = dict(importing.proposed_mapping(db.session, spend_import)[1])
        spend_import.import_good_lines = True
        db.session.commit()
        importing.run_import(db.session, spend_import.id)
        db.session.commit()
        assert spend_import.status == "needs_choice"
        return spend_import.id


def probe_choose_for_held_months(w: World):
    import_id = _b_needs_choice(w)
    assert w.sign_in(w.a_officer).post(f"/spend/imports/{import_id}/choice", data={"choice": "replace"}).status_code == 404
    with tenant_context(w.b_partner.id):
        spend_import = db.session.get(SpendImport, import_id)
        assert (spend_import.status, spend_import.overlap_choice) == ("needs_choice", None)


def probe_withdraw_import(w: World):
    import_id = _b_import(w)
    assert w.sign_in(w.a_officer).post(f"/spend/imports/{import_id}/withdraw", data={"confirm": "y"}).status_code == 404
    with tenant_context(w.b_partner.id):
        assert db.session.get(SpendImport, import_id).status == "imported" and _b_lines() == 1


def probe_import_group(w: World):
    import_id = _b_needs_choice(w)
    client = w.sign_in(w.a_officer)
    for group in ("new", "missing", "changed", "already-held"):
        response = client.get(f"/spend/imports/{import_id}/{group}.csv")
        assert response.status_code == 404 and b"Secret" not in response.data


def probe_lines(w: World):
    _b_import(w)
    page = w.sign_in(w.a_officer).get("/spend/lines").get_data(as_text=True)
    assert "Secret Supplier of B" not in page and "B-1" not in page


def probe_new_line(w: World):
    _b_import(w)
    client = w.sign_in(w.a_officer)
    response = client.post("/spend/lines/new", data={
        "payment_date": ["1", "4", "2024"], "amount": "10", "supplier_name": "Acme", "transaction_ref": "B-1"})
    # B's reference is no clash for A: A's line is A's own, and B's line is untouched.
    assert response.status_code == 302
    with tenant_context(w.b_partner.id):
        assert _b_lines() == 1
        assert db.session.scalar(select(SpendLine.amount_pence)) == 99_900
    with tenant_context(w.a_partner.id):
        assert _b_lines() == 1


PROBES = {
    "spend.imports": probe_imports,
    "spend.columns": probe_columns,
    "spend.show_import": probe_show_import,
    "spend.import_progress": probe_import_progress,
    "spend.import_problems": probe_import_problems,
    "spend.import_good_lines": probe_import_good_lines,
    "spend.lines": probe_lines,
    "spend.new_line": probe_new_line,
    "spend.choose_for_held_months": probe_choose_for_held_months,
    "spend.withdraw_import": probe_withdraw_import,
    "spend.import_group": probe_import_group,
}
