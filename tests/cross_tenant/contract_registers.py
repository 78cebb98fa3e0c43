"""Cross-tenant probes for contracts register imports: partner A's people get 404 for B's imports, and nothing of B's changes."""
from __future__ import annotations

import io

from sqlalchemy import func, select

from portal.contract_registers import importing
from portal.contract_registers.models import ContractRegisterImport
from portal.extensions import db
from portal.social_value.models import Contract
from tenants import tenant_context

from .world import World

B_TITLE = "Partner B's secret register line"
HEADER = b"Contract Reference,Contract Title,Supplier Company Name,Total Contract Value (including extensions)\n"


def _b_checked_import(w: World) -> int:
    """B holds one contract from a register and has a second register checked, waiting to be applied."""
    ids = []
    for body in (b"B1,Held contract,Acme Ltd,100\n", f"B1,Held contract,Acme Ltd,100\nB2,{B_TITLE},Acme Ltd,200\n".encode()):
        with tenant_context(w.b_partner.id):
            register_import = importing.store_upload(db.session, w.b_partner, None, "b-register.csv", io.BytesIO(HEADER + body))
            register_import.column_mapping = importing.headers_and_guess(register_import)[1]
            db.session.commit()
            importing.check_import(db.session, register_import.id)
            db.session.commit()
            ids.append(register_import.id)
    return ids[-1]


def _b_unchanged(w: World, import_id: int) -> None:
    with tenant_context(w.b_partner.id):
        assert db.session.get(ContractRegisterImport, import_id).status == "checked"
        assert db.session.scalar(select(func.count(Contract.id))) == 1


def _get_is_404(w: World, url: str) -> None:
    import_id = _b_checked_import(w)
    for user in (w.a_admin, w.a_officer):
        response = w.sign_in(user).get(url.format(import_id))
        assert response.status_code == 404, (url, response.status_code)
        assert B_TITLE not in response.get_data(as_text=True)
    _b_unchanged(w, import_id)


def probe_show_import(w: World):
    _get_is_404(w, "/contracts/registers/{}")


def probe_columns(w: World):
    _get_is_404(w, "/contracts/registers/{}/columns")


def probe_problems_csv(w: World):
    _get_is_404(w, "/contracts/registers/{}/problems.csv")


def probe_differences_csv(w: World):
    _get_is_404(w, "/contracts/registers/{}/differences.csv")


def probe_apply(w: World):
    import_id = _b_checked_import(w)
    response = w.sign_in(w.a_admin).post(f"/contracts/registers/{import_id}/apply", data={"confirm": "y"})
    assert response.status_code == 404
    _b_unchanged(w, import_id)


def probe_imports(w: World):
    import_id = _b_checked_import(w)
    page = w.sign_in(w.a_admin).get("/contracts/registers").get_data(as_text=True)
    assert "b-register.csv" not in page and f"/contracts/registers/{import_id}" not in page
    _b_unchanged(w, import_id)


def probe_retry(w: World):
    """B's import failed (its worker died): A's people cannot start it again, and it stays as it was."""
    import_id = _b_checked_import(w)
    with tenant_context(w.b_partner.id):
        db.session.get(ContractRegisterImport, import_id).status = "failed"
        db.session.commit()
    for user in (w.a_admin, w.a_officer):
        assert w.sign_in(user).post(f"/contracts/registers/{import_id}/retry").status_code == 404
    with tenant_context(w.b_partner.id):
        db.session.expire_all()
        assert db.session.get(ContractRegisterImport, import_id).status == "failed"
        assert db.session.scalar(select(func.count(Contract.id))) == 1


PROBES = {
    "contract_registers.retry": probe_retry,
    "contract_registers.show_import": probe_show_import,
    "contract_registers.columns": probe_columns,
    "contract_registers.problems_csv": probe_problems_csv,
    "contract_registers.differences_csv": probe_differences_csv,
    "contract_registers.apply": probe_apply,
    "contract_registers.imports": probe_imports,
}
