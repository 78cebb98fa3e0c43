"""Cross-tenant probes for the official registers: shared by every network, so any network's lead.

A partner's admin who leads no network is refused (403); another network's lead may see
the registers and a load, but never who (of which network) started it.
"""
from portal.extensions import db
from portal.registers.models import RegisterLoad

from .world import World


def _load_started_by_the_shared_networks_lead(w: World) -> RegisterLoad:
    load = RegisterLoad(register="charities", file_name="publicextract.charity.zip", status="loaded", rows_loaded=3,
                        started_by_id=w.lead.id)
    db.session.add(load)
    db.session.commit()
    return load


def probe_registers_index(w: World):
    _load_started_by_the_shared_networks_lead(w)
    assert w.sign_in(w.a_admin).get("/network/registers").status_code == 403
    page = w.sign_in(w.other_lead).get("/network/registers")
    assert page.status_code == 200 and b"publicextract.charity.zip" in page.data
    assert w.lead.email.encode() not in page.data and w.lead.name.encode() not in page.data


def probe_registers_load(w: World):
    load = _load_started_by_the_shared_networks_lead(w)
    assert w.sign_in(w.a_admin).get(f"/network/registers/loads/{load.id}").status_code == 403
    page = w.sign_in(w.other_lead).get(f"/network/registers/loads/{load.id}")
    assert page.status_code == 200 and b"Register loaded" in page.data
    assert w.lead.email.encode() not in page.data and w.lead.name.encode() not in page.data
    assert w.sign_in(w.other_lead).get("/network/registers/loads/999999").status_code == 404


PROBES = {
    "registers.index": probe_registers_index,
    "registers.load": probe_registers_load,
}
