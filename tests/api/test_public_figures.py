"""Can anyone read a network's public figures with no token, and only what its public summary page shows?"""
from __future__ import annotations

import io

from portal.extensions import db
from portal.spend import totals

from .conftest import bearer, run_queued_import

FILE = b"Date,Transaction Number,Supplier Name,Net Amount\n01/04/2024,T-1,Acme Ltd,{amount}\n"


def _spend(client, make_token, partner, amount: str) -> None:
    secret = make_token(partner)
    pushed = client.post("/api/v1/spend/imports", headers=bearer(secret), content_type="multipart/form-data",
                         data={"file": (io.BytesIO(FILE.replace(b"{amount}", amount.encode())), "april.csv")})
    run_queued_import(partner.id, pushed.json["id"])


def test_the_network_summary_needs_no_token_and_withholds_one_partners_figures(client, make_network, make_partner, make_token):
    network = make_network("Shared")
    a, b = make_partner("Partner A", network), make_partner("Partner B", network)
    _spend(client, make_token, a, "100.00")
    totals.recompute_network_totals(db.session, network)
    db.session.commit()
    alone = client.get(f"/api/v1/networks/{network.slug}/summary")
    assert alone.status_code == 200 and alone.json["figures"] == [] and alone.json["year"] is None

    _spend(client, make_token, b, "250.50")
    totals.recompute_network_totals(db.session, network)
    db.session.commit()
    summary = client.get(f"/api/v1/networks/{network.slug}/summary").json
    assert (summary["year"], summary["partner_count"]) == ("2024 to 2025", 2)
    total = next(f for f in summary["figures"] if f["key"] == "total")
    assert (total["pence"], total["pounds"]) == (35_050, "350.50")
    assert summary["months"][0] == {"month": "2024-04-01", "total_pence": 35_050, "total": "350.50"}
    assert not any(f["pence"] in (10_000, 25_050) for f in summary["figures"])  # neither partner's own figure
