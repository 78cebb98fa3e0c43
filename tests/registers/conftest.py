"""Register rows written straight through the ORM (the loaders are tested on their own), and suppliers to match."""
from __future__ import annotations

from itertools import count

import pytest

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
def registers(app_ctx):
    """Callables that add a company (with previous names), a charity or a society, keyed as the loaders key them."""
    ids = count(1)

    class Registers:
        @staticmethod
        def company(number, name, postcode="S60 1AA", status="Active", previous=(), address=None):
            db.session.add(RegisterCompany(company_number=number, name=name, postcode=postcode, status=status,
                                           address=address or f"1 High Street, {postcode}"))
            for old, is_current in ((name, True), *((p, False) for p in previous)):
                key, block = register_key(old)
                db.session.add(RegisterCompanyName(id=next(ids), company_number=number, normalised_name=key,
                                                   block=block, is_current=is_current))
            db.session.commit()

        @staticmethod
        def charity(number, name, postcode="S60 2BB", status="Registered", company_number=None):
            key, block = register_key(name)
            db.session.add(RegisterCharity(charity_number=number, name=name, normalised_name=key, block=block,
                                           postcode=postcode, status=status, company_number=company_number))
            db.session.commit()

        @staticmethod
        def mutual(number, name, postcode="S61 1AA", status="Registered"):
            key, block = register_key(name)
            db.session.add(RegisterMutual(mutual_number=number, name=name, normalised_name=key, block=block,
                                          postcode=postcode, status=status, society_type="Registered Society - Co-operative"))
            db.session.commit()

    return Registers()


@pytest.fixture
def make_supplier(app_ctx):
    def make(network, name, **fields):
        supplier = Supplier(network_id=network.id, name=name, normalised_name=normalise_supplier_name(name), **fields)
        db.session.add(supplier)
        db.session.commit()
        return supplier

    return make
