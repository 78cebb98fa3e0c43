"""Is every answer holding someone's data ``Cache-Control: no-store``, downloads above all?

Every GET route of the URL map is asked by the people it is for (partner B's admin
about B's own objects, the network's lead, the registered SME), so each page,
download (CSV, XLSX, PDF, problems CSV), feed and JSON answers as it would to them.
Only static assets may be kept by a browser or a proxy.
"""
from __future__ import annotations

from flask import url_for

from tests.isolation.world import build_matrix_world

# Downloads of tenant data; each must be among the answers checked, with a 200.
DOWNLOADS = {
    "dashboard.download", "dashboard.lines_download", "spend.import_problems", "spend.import_progress",
    "sv_report.partner_report_download", "sv_report.partner_report_pdf", "sv_report.network_report_download",
    "sv_report.network_report_pdf", "gaps.download", "social_value.evidence_file",
}
ASSETS = {"static", "assets.built_asset", "assets.govuk_asset", "assets.govuk_script"}


def test_every_answer_but_a_static_asset_is_no_store_downloads_included(app, make_network, make_partner, make_user,
                                                                        sign_in, make_business):
    from portal.extensions import db
    from portal.spend import totals

    world = build_matrix_world(make_network, make_partner, make_user, sign_in, make_business)
    totals.recompute_all(db.session, world.base.network)  # the dashboard's and the gaps' downloads need totals
    db.session.commit()
    people = {"b_admin": sign_in(world.base.b_admin), "lead": world.client_for("lead", app),
              "sme": world.client_for("sme", app), "anonymous": app.test_client()}
    answered: dict[str, int] = {}
    stored = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in (rule.methods or ()) or rule.endpoint in ASSETS:
            continue
        with app.test_request_context():
            url = url_for(rule.endpoint, **{name: world.targets[name] for name in rule.arguments})
        for who, client in people.items():
            response = client.get(url)
            response.get_data()  # a streamed CSV runs to its end inside its own request
            response.close()
            if response.status_code == 200:
                answered[rule.endpoint] = 200
            if "no-store" not in response.headers.get("Cache-Control", ""):
                stored.append(f"{who} GET {url} -> {response.status_code} {response.mimetype} "
                              f"Cache-Control: {response.headers.get('Cache-Control')!r}")
    missing = sorted(DOWNLOADS - answered.keys())
    assert not missing, f"downloads that did not answer 200 to their owner, so went unchecked: {missing}"
    assert not stored, "\n".join(stored)
