"""Cross-tenant probes for the lead's benchmarks (portal/benchmarks): the network's rows, written by its lead only.

A's admin (no lead) and a lead of another network get 404 on every benchmark page of the
shared network, whatever they post, and the benchmark is left as it was.
"""
from __future__ import annotations

from decimal import Decimal

from .world import World

FORM = {"place": "Sneaky", "publisher": "X", "title": "Y", "url": "", "year": "2024", "definition": "sme",
        "unit": "percent", "figure": "99"}


def _benchmark(w: World) -> int:
    from portal.benchmarks.models import Benchmark
    from portal.extensions import db
    from portal.spend.queries import over_the_network

    with over_the_network(db.session, w.network.id, "probe: a benchmark"):
        benchmark = Benchmark(network_id=w.network.id, place="Wigan", publisher="CLES", title="Wigan baseline", year=2023,
                              definition="cles_based", percent=Decimal("21.40"))
        db.session.add(benchmark)
        db.session.commit()
        return benchmark.id


def _state(w: World) -> list:
    from sqlalchemy import select

    from portal.benchmarks.models import Benchmark
    from portal.extensions import db
    from portal.spend.queries import over_the_network

    db.session.expire_all()
    with over_the_network(db.session, w.network.id, "probe: the benchmarks"):
        return db.session.execute(select(Benchmark.id, Benchmark.place, Benchmark.percent, Benchmark.pence)
                                  .order_by(Benchmark.id)).all()


def _probe(requests_for):
    def probe(w: World):
        benchmark_id = _benchmark(w)
        before = _state(w)
        for client in (w.sign_in(w.other_lead), w.sign_in(w.a_admin)):
            for method, url, data in requests_for(w, benchmark_id):
                response = client.post(url, data=data) if method == "post" else client.get(url)
                assert response.status_code == 404, (method, url, response.status_code)
                assert b"Wigan baseline" not in response.data
        assert _state(w) == before

    return probe


PROBES = {
    "benchmarks.benchmarks": _probe(lambda w, b: [("get", f"/network/{w.network.id}/benchmarks", None),
                                                  ("post", f"/network/{w.network.id}/benchmarks", FORM)]),
    "benchmarks.edit_benchmark": _probe(lambda w, b: [("get", f"/network/{w.network.id}/benchmarks/{b}", None),
                                                      ("post", f"/network/{w.network.id}/benchmarks/{b}", FORM)]),
    "benchmarks.delete_benchmark": _probe(lambda w, b: [("get", f"/network/{w.network.id}/benchmarks/{b}/delete", None),
                                                        ("post", f"/network/{w.network.id}/benchmarks/{b}/delete", {})]),
}
