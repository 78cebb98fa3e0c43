"""Register files in the official layouts, and a way to load them as the owner role."""
from __future__ import annotations

import pytest

from portal.extensions import db
from portal.registers.loading import load_register
from portal.registers.models import RegisterLoad


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
