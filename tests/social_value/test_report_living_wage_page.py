"""Does the report page list the first 200 contracts in scope for the Real Living Wage, say how many more there
are and where they all are, while the counts, the downloads and the PDF's list hold every one?"""
from __future__ import annotations

import csv
import io
from datetime import date

from portal.extensions import db
from portal.social_value import contracts
from tenants import tenant_context

SHOWN = 200


def test_a_long_living_wage_list_is_cut_on_the_page_but_whole_in_the_download(partners, make_user, sign_in):
    council, police = partners
    with tenant_context(council.id):
        for n in range(SHOWN + 3):
            contracts.create_contract(db.session, reference=f"RLW-{n:04d}", title="Cleaning", start_date=date(2024, 4, 1),
                                      end_date=date(2026, 3, 31), rlw_in_scope=True, supplier_pays_rlw="yes")
        db.session.commit()
    with tenant_context(police.id):
        contracts.create_contract(db.session, reference="POL-RLW", title="Police cleaning", start_date=date(2024, 4, 1),
                                  end_date=date(2026, 3, 31), rlw_in_scope=True, supplier_pays_rlw="no")
        db.session.commit()
    client = sign_in(make_user(council, "viewer"))
    page = client.get("/social-value/report?year=2024").get_data(as_text=True)
    table = page.split('data-testid="table-rlw"')[1].split("</table>")[0]
    assert table.count("RLW-") == SHOWN and "RLW-0000" in table and f"RLW-{SHOWN:04d}" not in table
    assert f"The first {SHOWN} of {SHOWN + 3} are shown here" in page and f"{SHOWN + 3} contracts in scope ran during the year" in page
    assert "POL-RLW" not in page
    lines = client.get("/social-value/report.csv?year=2024").get_data(as_text=True).lstrip("\ufeff")
    listed = {cell for row in csv.reader(io.StringIO(lines)) for cell in row if cell.startswith("RLW-")}
    assert len(listed) == SHOWN + 3 and not any("POL-RLW" in cell for row in csv.reader(io.StringIO(lines)) for cell in row)


def test_the_downloads_report_lists_every_contract_in_scope_and_the_pages_the_first_few(partners):
    from portal.social_value import report as annual

    council, _ = partners
    with tenant_context(council.id):
        for n in range(3):
            contracts.create_contract(db.session, reference=f"RLW-{n}", title="Cleaning", start_date=date(2024, 4, 1),
                                      end_date=date(2026, 3, 31), rlw_in_scope=True, supplier_pays_rlw="yes")
        db.session.commit()
    whole = annual.partner_report(db.session, council, 2024)
    cut = annual.partner_report(db.session, council, 2024, living_wage_limit=2)
    assert len(whole.living_wage) == 3 and whole.living_wage_listed_count == 3
    assert [c.reference for c in cut.living_wage] == ["RLW-0", "RLW-1"] and cut.living_wage_listed_count == 3
