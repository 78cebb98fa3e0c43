"""Can an officer clear the annual report's case studies by ticking none (a form that posts no value)?"""
from __future__ import annotations

from sqlalchemy import func, select

from portal.extensions import db
from portal.reports.models import CaseStudy
from tenants import tenant_context


def test_ticking_no_case_study_saves_none_rather_than_failing(partners, make_user, sign_in):
    council = partners[0]
    client = sign_in(make_user(council, "officer"))
    response = client.post("/report/case-studies", data={})
    assert response.status_code == 302
    with tenant_context(council.id):
        assert db.session.scalar(select(func.count()).select_from(CaseStudy)) == 0
