"""Register rows written as the owner role (the app role may only read them), and suppliers to match."""
from __future__ import annotations

from itertools import count

import pytest
from sqlalchemy import create_engine, insert, update

from portal.extensions import db
from portal.registers.models import (
    RegisterCharity,
    RegisterCompany,
    RegisterCompanyName,
    RegisterMutual,
)
from portal.registers.names import register_key
from portal.spend.normalise import normalise_supplier_name
from portal.suppliers.models import Supplier


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
def make_supplier(app_ctx):
    def make(network, name, **fields):
        supplier = Supplier(network_id=network.id, name=name, normalised_name=normalise_supplier_name(name), **fields)
        db.session.add(supplier)
        db.session.commit()
        return supplier

    return make
