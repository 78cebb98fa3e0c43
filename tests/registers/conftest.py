"""Register rows written as the owner role (the app role may only read them), and suppliers to match and place.

``registers`` (matching's) adds entries keyed as the loaders key them; ``reference`` (placing's)
adds whole rows of any reference table, the postcode directory of the fixture places included.
"""
from __future__ import annotations

from datetime import date
from itertools import count

import pytest
from sqlalchemy import create_engine, insert, update

from portal.extensions import db
from portal.registers.models import (
    RegisterAreaName,
    RegisterCharity,
    RegisterCompany,
    RegisterCompanyName,
    RegisterLoad,
    RegisterMutual,
    RegisterPostcode,
)
from portal.registers.loading import load_register
from portal.registers.names import register_key
from portal.spend.normalise import normalise_supplier_name
from portal.suppliers.models import Supplier

# Two boroughs share the outward code S25: S25 1AA lies in Rotherham, S25 9ZZ in Doncaster (the
# real S25 straddles the two). Doncaster and Sheffield are the wider tier (South Yorkshire), Leeds is
# in the region (Yorkshire and The Humber), Manchester in another region.
ROTHERHAM, DONCASTER, SHEFFIELD, LEEDS, MANCHESTER = "E08000018", "E08000017", "E08000019", "E08000035", "E08000003"
YORKSHIRE, NORTH_WEST = "E12000003", "E12000002"
POSTCODES = {
    # postcode: (district, ward, lsoa, region, imd decile)
    "S60 1AA": (ROTHERHAM, "E05001000", "E01007600", YORKSHIRE, 2),
    "S25 1AA": (ROTHERHAM, "E05001001", "E01007601", YORKSHIRE, 5),
    "S25 9ZZ": (DONCASTER, "E05002000", "E01007700", YORKSHIRE, 7),
    "S1 2BB": (SHEFFIELD, "E05003000", "E01007800", YORKSHIRE, 4),
    "LS1 4DD": (LEEDS, "E05004000", "E01007900", YORKSHIRE, 6),
    "M1 1AE": (MANCHESTER, "E05005000", "E01008000", NORTH_WEST, 3),
}
NAMES = {ROTHERHAM: "Rotherham", DONCASTER: "Doncaster", SHEFFIELD: "Sheffield", LEEDS: "Leeds",
         MANCHESTER: "Manchester", "E05001000": "Rotherham East", YORKSHIRE: "Yorkshire and The Humber"}


class ReferenceRows:
    """Writes reference rows through the owner's connection, as a register load would."""

    def __init__(self, app):
        self.engine = create_engine(app.config["MIGRATION_DATABASE_URL"])

    def add(self, model, rows: list[dict]) -> None:
        db.session.commit()  # SQLite: no write lock held by the app's session meanwhile
        with self.engine.begin() as conn:
            conn.execute(insert(model), rows)

    def postcodes(self, postcodes=None) -> None:
        """The fixture directory (and its names), or just these rows."""
        self.add(RegisterPostcode, [
            {"postcode": p, "district_code": d, "ward_code": w, "lsoa_code": lsoa, "region_code": r, "imd_decile": imd,
             "imd_rank": imd * 3000 if imd else None, "country_code": "E92000001", "terminated": False}
            for p, (d, w, lsoa, r, imd) in (postcodes or POSTCODES).items()
        ])
        if postcodes is None:
            self.add(RegisterAreaName, [{"code": c, "name": n} for c, n in NAMES.items()])

    def company(self, number, name, postcode=None, category="Private Limited Company", accounts="SMALL", status="Active"):
        self.add(RegisterCompany, [{"company_number": number, "name": name, "postcode": postcode, "category": category,
                                    "accounts_category": accounts, "status": status}])

    def charity(self, number, name, postcode=None, status="Registered"):
        key, block = register_key(name)
        self.add(RegisterCharity, [{"charity_number": number, "name": name, "normalised_name": key, "block": block,
                                    "postcode": postcode, "status": status}])

    def mutual(self, number, name, postcode=None, society_type="Registered Society - Co-operative"):
        key, block = register_key(name)
        self.add(RegisterMutual, [{"mutual_number": number, "name": name, "normalised_name": key, "block": block,
                                   "postcode": postcode, "society_type": society_type, "status": "Registered"}])

    def loaded(self, register, published_on: date) -> None:
        self.add(RegisterLoad, [{"register": register, "file_name": f"{register}.csv", "published_on": published_on,
                                 "status": "loaded", "bytes_read": 0, "rows_loaded": 1, "rows_skipped": 0}])


@pytest.fixture
def registers(app, app_ctx):
    """Callables that add a company (with previous names), a charity or a society, keyed as the loaders key them."""
    ids = count(1)
    owner = create_engine(app.config["MIGRATION_DATABASE_URL"])

    def write(*statements):
        with owner.begin() as connection:
            for statement in statements:
                connection.execute(statement)

    class Registers:
        @staticmethod
        def company(number, name, postcode="S60 1AA", status="Active", previous=(), address=None):
            statements = [insert(RegisterCompany).values(company_number=number, name=name, postcode=postcode, status=status,
                                                         address=address or f"1 High Street, {postcode}")]
            for old, is_current in ((name, True), *((p, False) for p in previous)):
                key, block = register_key(old)
                statements.append(insert(RegisterCompanyName).values(
                    id=next(ids), company_number=number, normalised_name=key, block=block, is_current=is_current))
            write(*statements)

        @staticmethod
        def charity(number, name, postcode="S60 2BB", status="Registered", company_number=None):
            key, block = register_key(name)
            write(insert(RegisterCharity).values(charity_number=number, name=name, normalised_name=key, block=block,
                                                 postcode=postcode, status=status, company_number=company_number))

        @staticmethod
        def mutual(number, name, postcode="S61 1AA", status="Registered"):
            key, block = register_key(name)
            write(insert(RegisterMutual).values(mutual_number=number, name=name, normalised_name=key, block=block,
                                                postcode=postcode, status=status,
                                                society_type="Registered Society - Co-operative"))

        @staticmethod
        def move_company(number, postcode):
            write(update(RegisterCompany).where(RegisterCompany.company_number == number).values(postcode=postcode))

    yield Registers()
    owner.dispose()


@pytest.fixture
def reference(app, app_ctx):
    rows = ReferenceRows(app)
    yield rows
    rows.engine.dispose()


@pytest.fixture
def make_supplier(app_ctx):
    def make(network, name, **values) -> Supplier:
        supplier = Supplier(network_id=network.id, name=name, normalised_name=normalise_supplier_name(name), **values)
        db.session.add(supplier)
        db.session.commit()
        return supplier

    return make


@pytest.fixture
def area_network(make_network):
    """A network whose area is Rotherham, its wider tier South Yorkshire, its region (found) Yorkshire."""
    network = make_network("Rotherham Anchors", local_area=())
    network.area_codes = [ROTHERHAM]
    network.wider_area_codes = [ROTHERHAM, DONCASTER, SHEFFIELD, "E08000016"]
    network.wider_area_name = "South Yorkshire"
    db.session.commit()
    return network


@pytest.fixture
def load(app_ctx):
    """load(register, path, **options) -> LoadResult, through a RegisterLoad row like the page's."""

    def run(register, path, **options):
        record = RegisterLoad(register=register, file_name=path.name, status="queued")
        db.session.add(record)
        db.session.commit()
        result = load_register(db.session, register, path, record.id, **options)
        db.session.expire_all()
        return result

    return run


def rows(sql, **params):
    """Rows of a query, read fresh (a load swaps whole tables under the session)."""
    db.session.rollback()
    return db.session.execute(db.text(sql), params).all()


def latest_load():
    db.session.rollback()
    return db.session.scalars(db.select(RegisterLoad).order_by(RegisterLoad.id.desc())).first()
