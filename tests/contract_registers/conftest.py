"""Fixtures for contracts register imports: a council, the real Salford register, and the steps a worker takes."""
from __future__ import annotations

import io
from pathlib import Path

import pytest

from portal.contract_registers import importing
from portal.extensions import db
from tenants import tenant_context
from tests import settings

DATA = Path(__file__).parent / "data"


@pytest.fixture
def real_file():
    """Return a function giving the path of one real file; skip (or fail if required) if absent."""

    def find(name: str) -> Path:
        path = Path(settings.REAL_DATA) / name
        if not path.is_file():
            reason = f"real data file {name} is not in {settings.REAL_DATA} (set PORTAL_REAL_DATA)"
            if settings.REQUIRE_REAL_DATA:
                pytest.fail(f"{reason}; PORTAL_REQUIRE_REAL_DATA=1: not skipping")
            pytest.skip(reason)
        return path

    return find


@pytest.fixture
def council(make_partner, make_network):
    return make_partner("Salford City Council", make_network("Greater Manchester", local_area=("M3", "M5", "M6")))


@pytest.fixture
def register():
    """Upload, check and (unless told not to) apply a register for a partner, as the worker would; returns the import."""

    def run(partner, content, filename="register.csv", mapping=None, apply=True):
        with tenant_context(partner.id):
            if isinstance(content, Path):
                filename = filename if filename != "register.csv" else content.name
                content = content.read_bytes()
            with io.BytesIO(content) as stream:
                register_import = importing.store_upload(db.session, partner, None, filename, stream)
            if register_import.kind == "register":
                register_import.column_mapping = mapping or importing.headers_and_guess(register_import)[1]
            db.session.commit()
            import_id = register_import.id
            importing.check_import(db.session, import_id)
            db.session.commit()
            if apply and db.session.get(importing.ContractRegisterImport, import_id).status == "checked":
                importing.apply_import(db.session, import_id, None)
                db.session.commit()
            return db.session.get(importing.ContractRegisterImport, import_id)

    return run
