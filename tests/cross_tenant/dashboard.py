"""Cross-tenant probes for the spend dashboard, its downloads and the public network summary."""
import csv
import io
from datetime import date

from portal.extensions import db
from portal.suppliers.models import Supplier
from tests.dashboard.world import Line, import_lines, recompute

from .world import World

A_LINES = [
    Line("A-1", date(2024, 5, 2), 1_111_11, "Rotherham Builders Ltd", "Construction"),
    Line("A-2", date(2024, 6, 2), 2_222_22, "National IT plc", "IT"),
]
B_LINES = [
    Line("B-1", date(2024, 5, 3), 987_654_32, "Secret Supplier of B", "Secret category of B"),
    Line("B-2", date(2024, 6, 3), 4_444_44, "Valley Care CIC", "Social care"),
    Line("B-OLD", date(2023, 5, 3), 55_555_55, "Old Secret of B", "Construction"),
]
B_SECRETS = ("Secret Supplier of B", "Secret category of B", "Old Secret of B", "Valley Care", "B-1", "B-2", "B-OLD",
             "987,654", "987654", "4,444", "4444", "55,555", "55555", "Partner B")
FORGED = "organisation_id={b}&organisation={b}&partner={b}&org={b}&tenant={b}"


def _spend(w: World) -> None:
    import_lines(w.a_partner, A_LINES)
    import_lines(w.b_partner, B_LINES)
    recompute(w.network, [w.a_partner, w.b_partner])


def _clean(text: str) -> None:
    for secret in B_SECRETS:
        assert secret not in text, secret


def _forged(w: World) -> str:
    return FORGED.format(b=w.b_partner.id)


def probe_partner(w: World):
    _spend(w)
    client = w.sign_in(w.a_officer)
    plain = client.get("/spend").get_data(as_text=True)
    assert "£3,333" in plain  # A's own total
    _clean(plain)
    # B's only other year, and forged tenant parameters, change nothing.
    for query in (f"?{_forged(w)}", "?year=2023", f"?year=2023&{_forged(w)}"):
        page = client.get("/spend" + query).get_data(as_text=True)
        _clean(page)
        assert "£3,333" in page


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def probe_download(w: World):
    _spend(w)
    client = w.sign_in(w.a_officer)
    for query in ("", f"?{_forged(w)}", "?year=2023"):
        rows = _csv(client.get("/spend/download.csv" + query))
        _clean(repr(rows))
        assert next(r for r in rows if r[1] == "Total spend")[2] == "3333.33"
        xlsx = client.get("/spend/download.xlsx" + query)
        assert xlsx.status_code == 200
        _clean(xlsx.data.decode("latin-1"))


def probe_lines_download(w: World):
    _spend(w)
    client = w.sign_in(w.a_officer)
    secret_supplier = db.session.scalar(db.select(Supplier.id).where(Supplier.name == "Secret Supplier of B"))
    # The supplier register is the network's, but B's lines with that supplier stay B's.
    assert len(_csv(client.get(f"/spend/lines.csv?supplier_id={secret_supplier}"))) == 1
    assert client.get(f"/spend/lines.xlsx?supplier_id={secret_supplier}&{_forged(w)}").status_code == 200
    rows = _csv(client.get(f"/spend/lines.csv?{_forged(w)}"))
    _clean(repr(rows))
    assert sorted(r[1] for r in rows[1:]) == ["A-1", "A-2"]


def probe_network_summary(w: World):
    _spend(w)
    # The public page of the shared network: combined figures only, whoever asks.
    for client in (w.sign_in(w.a_officer), w.sign_in(w.other_lead), w.sign_in(w.a_admin).application.test_client()):
        page = client.get(f"/networks/{w.network.slug}").get_data(as_text=True)
        _clean(page)
        assert "£995,432" in page  # the combined figure: A's £3,333.33 and B's £992,098.76 in 2024 to 2025
        assert "A-1" not in page and "Rotherham Builders" not in page and "£1,111" not in page and "£3,333" not in page
    # Another network's page shows nothing of this one.
    other = w.sign_in(w.a_officer).get(f"/networks/{w.other_network.slug}").get_data(as_text=True)
    _clean(other)
    assert "£995,432" not in other and "£3,333" not in other


PROBES = {
    "dashboard.partner": probe_partner,
    "dashboard.download": probe_download,
    "dashboard.lines_download": probe_lines_download,
    "dashboard.network_summary": probe_network_summary,
}
