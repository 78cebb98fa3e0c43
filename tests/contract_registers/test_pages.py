"""Can an officer upload a register, check its columns, see the differences, apply them; and nobody else see them?"""
from __future__ import annotations

import io
import re
import time

import pytest
from sqlalchemy import func, select

from portal.contract_registers import importing
from portal.contract_registers.models import ContractRegisterImport
from portal.extensions import db
from portal.social_value.models import Contract
from tenants import tenant_context

from .test_importing import LIBRARY, PARKS, csv_bytes


def upload(client, content: bytes, name="register.csv"):
    return client.post("/contracts/registers", data={"register_file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data")


def run_check(partner_id, import_id):
    """What the worker does; the services are tested directly in test_importing."""
    with tenant_context(partner_id):
        importing.check_import(db.session, import_id)
        db.session.commit()


def _upload_and_check(client, partner, content):
    response = upload(client, content)
    assert response.status_code == 302
    columns_url = response.headers["Location"]
    page = client.get(columns_url).get_data(as_text=True)
    assert re.search(r'<option[^>]*value="Contract Title"[^>]*selected', page), "Transparency Code names are recognised"
    import_id = int(re.search(r"/registers/(\d+)/", columns_url).group(1))
    response = client.post(columns_url, data={"title": "Contract Title", "reference": "Contract Reference",
                                              "total_value": "Total Contract Value (including extensions)"})
    assert response.status_code == 302
    assert "Waiting for a worker" in client.get(f"/contracts/registers/{import_id}").get_data(as_text=True)
    run_check(partner.id, import_id)
    return import_id


def test_the_first_register_goes_straight_in(make_partner, make_network, make_user, sign_in):
    council = make_partner("Salford City Council", make_network("GM"))
    client = sign_in(make_user(council, "officer"))
    import_id = _upload_and_check(client, council, csv_bytes(PARKS, LIBRARY))
    page = client.get(f"/contracts/registers/{import_id}").get_data(as_text=True)
    assert "Applied to your contracts" in page
    with tenant_context(council.id):
        assert db.session.scalar(select(func.count(Contract.id))) == 2


def test_next_months_register_is_applied_once_the_officer_has_seen_it(make_partner, make_network, make_user, sign_in):
    council = make_partner("Salford City Council", make_network("GM"))
    client = sign_in(make_user(council, "officer"))
    _upload_and_check(client, council, csv_bytes(PARKS))
    import_id = _upload_and_check(client, council, csv_bytes(PARKS, LIBRARY))
    page = client.get(f"/contracts/registers/{import_id}").get_data(as_text=True)
    assert "Contracts the register adds" in page and "Library books" in page
    assert client.post(f"/contracts/registers/{import_id}/apply", data={}).status_code == 400, "the officer must confirm"
    with tenant_context(council.id):
        assert db.session.scalar(select(func.count(Contract.id))) == 1, "nothing changes before applying"
    assert client.post(f"/contracts/registers/{import_id}/apply", data={"confirm": "y"}).status_code == 302
    with tenant_context(council.id):
        assert db.session.get(ContractRegisterImport, import_id).status == "applying"
        importing.apply_import(db.session, import_id, None)
        db.session.commit()
        assert db.session.scalar(select(func.count(Contract.id))) == 2
    assert "Applied to your contracts" in client.get(f"/contracts/registers/{import_id}").get_data(as_text=True)


def test_an_ocds_package_needs_no_columns(make_partner, make_network, make_user, sign_in):
    from .conftest import DATA

    council = make_partner("Council", make_network("GM"))
    client = sign_in(make_user(council, "officer"))
    response = upload(client, (DATA / "contracts-finder-awards.json").read_bytes(), "awards.json")
    assert response.status_code == 302 and re.search(r"/registers/\d+$", response.headers["Location"])


def test_a_file_that_is_no_register_is_refused_in_the_form(make_partner, make_network, make_user, sign_in):
    council = make_partner("Council", make_network("GM"))
    client = sign_in(make_user(council, "officer"))
    response = upload(client, b"%PDF-1.4 not a register", "register.csv")
    assert response.status_code == 400 and "PDF" in response.get_data(as_text=True)


def test_a_viewer_cannot_upload(make_partner, make_network, make_user, sign_in):
    council = make_partner("Council", make_network("GM"))
    client = sign_in(make_user(council, "viewer"))
    assert upload(client, csv_bytes(PARKS)).status_code == 403


def test_another_partners_import_is_not_found(make_partner, make_network, make_user, sign_in, register):
    network = make_network("GM")
    ours, theirs = make_partner("Council", network), make_partner("Police", network, kind="police")
    register(theirs, csv_bytes(PARKS))
    their_import = register(theirs, csv_bytes(PARKS, LIBRARY), apply=False)
    client = sign_in(make_user(ours, "admin"))
    assert "Library books" not in client.get("/contracts/registers").get_data(as_text=True)
    for url in (f"/contracts/registers/{their_import.id}", f"/contracts/registers/{their_import.id}/columns",
                f"/contracts/registers/{their_import.id}/problems.csv",
                f"/contracts/registers/{their_import.id}/differences.csv"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Library books" not in response.get_data(as_text=True)
    assert client.post(f"/contracts/registers/{their_import.id}/apply", data={"confirm": "y"}).status_code == 404
    assert "register.csv" not in client.get("/contracts/registers").get_data(as_text=True)
    with tenant_context(theirs.id):
        assert db.session.get(ContractRegisterImport, their_import.id).status == "checked"
        assert db.session.scalar(select(func.count(Contract.id))) == 1


def test_the_command_imports_a_register(app, make_partner, make_network):
    from .test_importing import CARE

    council = make_partner("Salford City Council", make_network("GM"))
    runner = app.test_cli_runner()
    path = app.config["INSTANCE_DIR"] + "/cli-register.csv"
    with open(path, "wb") as out:
        out.write(csv_bytes(PARKS, CARE))
    result = runner.invoke(args=["import-contracts", council.slug, path])
    assert result.exit_code == 0, result.output
    assert "2 added" in result.output and "imported" in result.output
    with open(path, "wb") as out:
        out.write(csv_bytes(PARKS, LIBRARY))
    result = runner.invoke(args=["import-contracts", council.slug, path])
    assert "added: C2 Library books" in result.output and "removed: C3 Home care" in result.output
    assert "checked" in result.output
    result = runner.invoke(args=["import-contracts", council.slug, path, "--apply"])
    assert "imported" in result.output
    with tenant_context(council.id):
        assert db.session.scalar(select(func.count(Contract.id)).where(Contract.left_register_at.is_(None))) == 2


def test_the_columns_chosen_are_remembered_for_registers_laid_out_alike(make_partner, make_network, make_user, sign_in):
    from .test_importing import HEADER

    council = make_partner("Salford City Council", make_network("GM"))
    client = sign_in(make_user(council, "officer"))
    odd = "\n".join([",".join(HEADER + ["Our own title"]), ",".join(PARKS + ["Parks (our name)"])]).encode()
    response = upload(client, odd)
    columns_url = response.headers["Location"]
    client.post(columns_url, data={"title": "Our own title", "reference": "Contract Reference"})
    second = upload(client, odd).headers["Location"]
    page = client.get(second).get_data(as_text=True)
    assert re.search(r'<select[^>]*name="title"[^>]*>.*?<option[^>]*value="Our own title"[^>]*selected', page, re.DOTALL), \
        "the officer's choice, not the guess"


def _wait_for(partner_id, import_id, statuses):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with tenant_context(partner_id):
            status = db.session.get(ContractRegisterImport, import_id).status
            db.session.rollback()
        if status in statuses:
            return status
        time.sleep(0.3)
    return status


@pytest.mark.worker
def test_a_real_worker_checks_and_applies_registers(make_partner, make_network, make_user, sign_in, celery_worker_process):
    council = make_partner("Salford City Council", make_network("GM"))
    client = sign_in(make_user(council, "officer"))
    data = {"title": "Contract Title", "reference": "Contract Reference",
            "total_value": "Total Contract Value (including extensions)"}
    first = client.post(upload(client, csv_bytes(PARKS)).headers["Location"], data=data)
    first_id = int(re.search(r"/registers/(\d+)", first.headers["Location"]).group(1))
    assert _wait_for(council.id, first_id, ("imported", "failed", "rejected")) == "imported"
    second = client.post(upload(client, csv_bytes(PARKS, LIBRARY)).headers["Location"], data=data)
    second_id = int(re.search(r"/registers/(\d+)", second.headers["Location"]).group(1))
    assert _wait_for(council.id, second_id, ("checked", "failed", "rejected")) == "checked"
    client.post(f"/contracts/registers/{second_id}/apply", data={"confirm": "y"})
    assert _wait_for(council.id, second_id, ("imported", "failed")) == "imported"
    with tenant_context(council.id):
        assert db.session.scalar(select(func.count(Contract.id))) == 2
