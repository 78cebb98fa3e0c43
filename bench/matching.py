"""Matching 20,000 businesses against 2,000 open opportunities on PostgreSQL, and one new opportunity against all.

    .venv/bin/python bench/matching.py [--businesses 20000] [--opportunities 2000] [--runs 3]

A fresh database ``bench_matching`` gets the four demo partners, 20,000 verified
businesses with profiles and CPV codes and 2,000 published opportunities (the
synthetic network of ``bench/matching_data.py``), loaded as the table owner.
Then, as the app role under row-level security, each run committed:
  1. full, first: ``portal.matching.services.refresh_network`` into an empty match
     table (the table owner truncates it before each run): read every profile and
     opportunity, score, write every match;
  2. full, nothing changed: the same again over the stored matches (what a quiet
     night does: it compares and writes nothing);
  3. full, 1% changed: before each run the owner edits 1% of the profiles (a new
     size band, district and description each, a different 1% every run), with the
     text weights kept from the first run (a night); then the same re-learning them
     (the weekly run, which rewrites every score the new weights move);
  4. one new opportunity: publish one more and ``rematch_opportunity`` it, in three
     states of the worker: warm (nothing changed since it last prepared the businesses;
     a full run leaves them prepared), after one profile changed (it prepares that one
     business again), and fresh (a worker process that has prepared nothing yet:
     every cache of the matching code emptied);
  5. scoring alone, no database: prepare the businesses and score every pair,
     with the reasons of the kept ones (what the full run does between reading and writing);
  6. baselines in the same run: the bare TF-IDF part alone (fit on the businesses,
     the sparse businesses x opportunities product, no other part, nothing read or
     written), and a naive per-pair Python loop over the same five parts on a
     200 x 200 sample, extrapolated;
  7. match quality on the labelled sample the tests keep.
Goals: full under 10 s, one opportunity under 200 ms.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from benchdb import demo_network, fresh_app, machine
from matching_data import generate


def _open_network(conn, partner_ids, network_id) -> None:
    """Open the network's partners and businesses for this transaction, signed as the app signs (tenants/rls.py)."""
    from portal.config import derived_scope_key
    from tenants import TenantScope, rls

    scope = TenantScope(tuple(partner_ids), None, "benchmark", business_network_ids=(network_id,))
    rls.sign_transaction(conn, scope, key=derived_scope_key("bench"))  # benchdb.fresh_app's SECRET_KEY

def load(owner_url: str, network_id: int, partner_ids: list[int], businesses, opportunities) -> None:
    """Bulk-insert the synthetic network as the table owner."""
    from sqlalchemy import create_engine, insert

    from portal.opportunities.models import Opportunity, OpportunityCategory
    from portal.smes.models import SmeCategory, SmeProfile
    from tenants.businesses import Business
    from tenants.models import User

    now = datetime.now(UTC)
    closing = date.today() + timedelta(days=60)
    engine = create_engine(owner_url)
    with engine.begin() as conn:
        # The tables FORCE row-level security, on their owner too: open the network for this load.
        _open_network(conn, partner_ids, network_id)
        conn.execute(insert(Business.__table__), [{"id": b.business_id, "network_id": network_id, "name": f"Firm {b.business_id}"} for b in businesses])
        conn.execute(insert(User.__table__), [
            {"email": f"owner{b.business_id}@firm.example", "name": f"Owner {b.business_id}", "password_hash": None,
             "business_id": b.business_id, "email_verified_at": now} for b in businesses])
        conn.execute(insert(SmeProfile.__table__), [
            {"business_id": b.business_id, "network_id": network_id, "postcode": f"{b.district} 1AA",
             "postcode_district": b.district, "is_local": b.is_local, "size_band": b.size_band, "what_we_do": b.what_we_do,
             "living_wage_accredited": b.living_wage, "charity": b.vcse, "employee_owned": b.employee_owned,
             "cooperative": b.cooperative} for b in businesses])
        conn.execute(insert(SmeCategory.__table__), [
            {"business_id": b.business_id, "network_id": network_id, "cpv_code": c} for b in businesses for c in b.cpv_codes])
        conn.execute(insert(Opportunity.__table__), [
            {"id": o.opportunity_id, "organisation_id": partner_ids[o.opportunity_id % len(partner_ids)], "title": o.text[:60],
             "description": o.text, "status": "published", "value_band": o.value_band, "delivery_districts": list(o.districts),
             "suitable_for_sme": o.suitable_for_sme, "suitable_for_vcse": o.suitable_for_vcse, "closing_date": closing,
             "published_at": now} for o in opportunities])
        conn.execute(insert(OpportunityCategory.__table__), [
            {"opportunity_id": o.opportunity_id, "organisation_id": partner_ids[o.opportunity_id % len(partner_ids)],
             "cpv_code": c} for o in opportunities for c in o.cpv_codes])
        for table in ("businesses", "opportunities"):
            conn.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        conn.exec_driver_sql("ANALYZE")
    engine.dispose()


def edit_one_percent(owner, network_id: int, partner_ids: list[int], businesses, n: int) -> None:
    """As the owner: 1% of the profiles (a different 1% for each ``n``) move, grow and describe themselves anew."""
    from matching_data import LOCAL
    from sqlalchemy import text

    step = 100
    edits = [
        {"b": b.business_id, "district": LOCAL[(k + n) % len(LOCAL)],
         "size": ("micro", "small", "medium", "large")[(k + n) % 4],
         "words": businesses[(i + 1) % len(businesses)].what_we_do}
        for k, (i, b) in enumerate((i, businesses[i]) for i in range(n, len(businesses), step))
    ]
    with owner.begin() as conn:
        _open_network(conn, partner_ids, network_id)
        conn.execute(text("UPDATE sme_profiles SET postcode_district = :district, is_local = true, size_band = :size,"
                          " what_we_do = :words, updated_at = now() WHERE business_id = :b"), edits)


def score_only(businesses, opportunities) -> float:
    """The full run's scoring between reading and writing: prepare the businesses, score, build every kept match."""
    from portal.matching.scoring import BusinessSide, Scorer

    start = time.perf_counter()
    kept = sum(1 for _ in Scorer(BusinessSide(businesses), opportunities).matches())
    assert kept
    return time.perf_counter() - start


def tfidf_only(businesses, opportunities) -> float:
    """The baseline: the text part alone, as bare as scikit-learn makes it."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    start = time.perf_counter()
    vectorizer = TfidfVectorizer(stop_words="english", sublinear_tf=True)
    left = vectorizer.fit_transform([b.what_we_do for b in businesses])
    right = vectorizer.transform([o.text for o in opportunities])
    product = left @ right.T
    assert product.shape == (len(businesses), len(opportunities))
    return time.perf_counter() - start


def naive_per_pair(businesses, opportunities, sample: int = 200) -> float:
    """The same five parts pair by pair in plain Python on a sample, extrapolated to the whole grid."""
    from portal import cpv
    from portal.matching import scoring
    from portal.opportunities.models import VALUE_BANDS
    from portal.smes.models import SIZE_BANDS

    text = scoring.TextModel([b.what_we_do for b in businesses])
    bs, os_ = businesses[:sample], opportunities[:sample]
    opp_vectors = text.opportunities([o.text for o in os_])
    start = time.perf_counter()
    kept = 0
    for i, b in enumerate(bs):
        row = text.businesses[i]
        for j, o in enumerate(os_):
            levels = max((cpv.shared_levels(x, y) for x in b.cpv_codes for y in o.cpv_codes), default=0)
            same = bool(set(b.cpv_codes) & set(o.cpv_codes))
            category = 1.0 if same else float(scoring.CATEGORY_BY_LEVELS[levels])
            cosine = float(row.multiply(opp_vectors[j]).sum())
            locality = 1.0 if b.district in o.districts else (0.7 if b.is_local else 0.0)
            size = float(scoring.SIZE_FIT[SIZE_BANDS.index(b.size_band), list(VALUE_BANDS).index(o.value_band)])
            accreditations = min(1.0, 0.5 * b.living_wage + 0.3 * (b.employee_owned or b.cooperative) + 0.5 * (b.vcse and o.suitable_for_vcse))
            score = (0.35 * category + 0.25 * min(1.0, cosine / scoring.TEXT_FULL_AT) + 0.15 * locality + 0.15 * size
                     + 0.10 * accreditations)
            kept += (levels > 0 or cosine >= scoring.TEXT_ALONE) and score >= scoring.THRESHOLD
    elapsed = time.perf_counter() - start
    return elapsed * (len(businesses) * len(opportunities)) / (len(bs) * len(os_))


def forget_everything_prepared() -> None:
    """As a worker process that has just started: no network's businesses prepared, no CPV code looked up."""
    from portal.matching import scoring, services

    services._sides.clear()
    for cached in (scoring.prefix_sets, scoring._ancestors, scoring._describe):
        cached.cache_clear()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--businesses", type=int, default=20_000)
    parser.add_argument("--opportunities", type=int, default=2_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    from sqlalchemy import create_engine, func, select, text

    from portal.extensions import db
    from portal.matching import services
    from portal.matching.models import OpportunityMatch
    from portal.matching.quality import measure
    from portal.opportunities.models import Opportunity, OpportunityCategory
    from tenants import tenant_context

    print(machine())
    businesses, opportunities = generate(args.businesses, args.opportunities)
    with tempfile.TemporaryDirectory() as instance:
        app, owner_url, _ = fresh_app("bench_matching", Path(instance))
        with app.app_context():
            network, partners = demo_network(db.session)
            partner_ids = sorted(p.id for p in partners.values())
            network_id = network.id
            load(owner_url, network_id, partner_ids, businesses, opportunities)
            print(f"loaded {len(businesses):,} businesses and {len(opportunities):,} opportunities")

            owner = create_engine(owner_url)

            def timed_run(relearn="when stale"):
                start = time.perf_counter()
                changes = services.refresh_network(db.session, network_id, relearn=relearn)
                db.session.commit()
                return time.perf_counter() - start, changes

            first, unchanged, changed, relearnt = [], [], [], []
            for _ in range(args.runs):
                with owner.begin() as conn:
                    conn.exec_driver_sql("TRUNCATE opportunity_matches, matching_text_weights")
                first.append(timed_run())
            for _ in range(args.runs):
                unchanged.append(timed_run())
            for n in range(args.runs):
                edit_one_percent(owner, network_id, partner_ids, businesses, n)
                changed.append(timed_run())
            for n in range(args.runs):
                edit_one_percent(owner, network_id, partner_ids, businesses, args.runs + n)
                relearnt.append(timed_run(relearn="now"))
            owner.dispose()
            kept = first[-1][1].kept
            with services.opened_network(db.session, network_id):
                stored = db.session.scalar(select(func.count()).select_from(OpportunityMatch))
            db.session.rollback()

            def publish_and_rematch(n: int) -> float:
                with tenant_context(partner_ids[0]):
                    opportunity = Opportunity(title=f"New roofing work {n}", description=opportunities[n].text,
                                              status="published", value_band="10k_to_50k", delivery_districts=["S60"],
                                              closing_date=date.today() + timedelta(days=30))
                    opportunity.categories = [OpportunityCategory(cpv_code=c) for c in opportunities[n].cpv_codes]
                    db.session.add(opportunity)
                    db.session.commit()
                    new_id = opportunity.id
                start = time.perf_counter()
                services.rematch_opportunity(db.session, new_id)
                db.session.commit()
                return time.perf_counter() - start

            owner = create_engine(owner_url)
            warm, after_change, fresh = [], [], []
            for n in range(args.runs):
                warm.append(publish_and_rematch(n))
                with owner.begin() as conn:  # one business describes itself anew
                    _open_network(conn, (), network_id)
                    conn.execute(text("UPDATE sme_profiles SET what_we_do = :words, updated_at = now()"
                                      " WHERE business_id = :b"), {"words": f"Slate roofing {n}", "b": businesses[n].business_id})
                after_change.append(publish_and_rematch(args.runs + n))
                forget_everything_prepared()
                fresh.append(publish_and_rematch(2 * args.runs + n))
            owner.dispose()

        scoring = min(score_only(businesses, opportunities) for _ in range(args.runs))
        bare = min(tfidf_only(businesses, opportunities) for _ in range(args.runs))
        naive = naive_per_pair(businesses, opportunities)
        quality = measure(Path(__file__).resolve().parents[1] / "tests" / "matching" / "labelled_sample.json")

    best = min(t for t, _ in first)
    for name, runs in (("first, into an empty table", first), ("re-run, nothing changed", unchanged),
                       ("re-run after 1% of profiles changed (the nightly run, text weights kept)", changed),
                       ("re-run after 1% changed, re-learning the text weights (weekly)", relearnt)):
        times = [t for t, _ in runs]
        written = ", ".join(f"{c.inserted:,} inserted, {c.updated:,} updated, {c.deleted:,} deleted" for _, c in runs)
        print(f"full match, {name}: best {min(times):.2f} s, median {statistics.median(times):.2f} s over {len(runs)} "
              f"({written}); goal under 10 s")
    print(f"  {kept:,} matches kept, {stored:,} stored; {kept / len(businesses):.1f} per business")
    print(f"  scoring alone (prepare the businesses, score every pair, reasons of the kept; no database): {scoring:.2f} s")
    print(f"  baseline, bare TF-IDF product (no other part, no database): {bare:.2f} s -> ratio {best / bare:.1f}x")
    print(f"  baseline, naive per-pair Python loop (200 x 200, extrapolated): {naive:.0f} s -> ratio {best / naive:.3f}x")
    print(f"one new opportunity: warm {min(warm) * 1000:.0f} ms, after one profile changed {min(after_change) * 1000:.0f} ms, "
          f"in a fresh worker {min(fresh) * 1000:.0f} ms (best of {args.runs}; medians {statistics.median(warm) * 1000:.0f}, "
          f"{statistics.median(after_change) * 1000:.0f}, {statistics.median(fresh) * 1000:.0f} ms); goal under 200 ms")
    print(f"  baseline, naive loop for one opportunity (extrapolated): {naive / len(opportunities) * 1000:.0f} ms "
          f"-> ratio {min(warm) / (naive / len(opportunities)):.2f}x")
    print(f"match quality on the labelled sample: precision of the top 10 {quality.precision_at_10:.2f}, "
          f"recall {quality.recall:.2f} ({quality.shown} shown, {quality.labelled} labelled pairs)")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
