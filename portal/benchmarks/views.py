"""The lead's page of benchmarks: add, change and delete other places' published figures (404 to anyone else)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import login_required

from portal.extensions import db
from portal.network.blueprint import led_network_or_404
from portal.social_value.views.common import lead_audit
from portal.spend.queries import over_the_network

from . import records
from .definitions import DEFINITIONS
from .forms import BenchmarkForm, DeleteBenchmarkForm

bp = Blueprint("benchmarks", __name__)


def _scope(network):
    """The network's rows are read and written in a scope over its partners (row-level security, "network")."""
    return over_the_network(db.session, network.id, "the lead's benchmarks")


def _save(network, form: BenchmarkForm, benchmark=None):
    """Add or change from the form; the problem goes on its field. None when refused."""
    try:
        with _scope(network):
            if benchmark is None:
                benchmark = records.add(db.session, network, form.given())
            else:
                records.change(db.session, benchmark, form.given())
    except records.BenchmarkProblem as problem:
        db.session.rollback()
        field = getattr(form, problem.field)
        field.errors = [*field.errors, str(problem)]
        return None
    return benchmark


@bp.route("/network/<int:network_id>/benchmarks", methods=["GET", "POST"])
@login_required
def benchmarks(network_id: int):
    network = led_network_or_404(network_id)
    form = BenchmarkForm()
    if form.validate_on_submit():
        benchmark = _save(network, form)
        if benchmark is not None:
            lead_audit(network, "report.benchmark_added", benchmark_id=benchmark.id, place=benchmark.place, year=benchmark.year)
            db.session.commit()
            flash(f"Benchmark for {benchmark.place} saved.", "success")
            return redirect(url_for("benchmarks.benchmarks", network_id=network.id))
    with _scope(network):
        recorded = records.benchmarks(db.session, network)
    return render_template("benchmarks/list.html", network=network, form=form, recorded=recorded,
                           definitions=DEFINITIONS), (400 if form.errors else 200)


def _benchmark_or_404(network, benchmark_id: int):
    with _scope(network):
        benchmark = records.find(db.session, network, benchmark_id)
    if benchmark is None:
        abort(404)
    return benchmark


@bp.route("/network/<int:network_id>/benchmarks/<int:benchmark_id>", methods=["GET", "POST"])
@login_required
def edit_benchmark(network_id: int, benchmark_id: int):
    """:raise 404: unless the user leads the network and the benchmark is the network's."""
    network = led_network_or_404(network_id)
    benchmark = _benchmark_or_404(network, benchmark_id)
    form = BenchmarkForm()
    if form.validate_on_submit():
        if _save(network, form, benchmark) is not None:
            lead_audit(network, "report.benchmark_changed", benchmark_id=benchmark.id, place=benchmark.place, year=benchmark.year)
            db.session.commit()
            flash(f"Benchmark for {benchmark.place} saved.", "success")
            return redirect(url_for("benchmarks.benchmarks", network_id=network.id))
    elif not form.is_submitted():
        form.fill(benchmark)
    return render_template("benchmarks/edit.html", network=network, form=form, benchmark=benchmark), \
        (400 if form.errors else 200)


@bp.route("/network/<int:network_id>/benchmarks/<int:benchmark_id>/delete", methods=["GET", "POST"])
@login_required
def delete_benchmark(network_id: int, benchmark_id: int):
    """Asks first; deletes on the POST. :raise 404: as edit_benchmark."""
    network = led_network_or_404(network_id)
    benchmark = _benchmark_or_404(network, benchmark_id)
    form = DeleteBenchmarkForm()
    if form.validate_on_submit():
        place, year = benchmark.place, benchmark.year
        with _scope(network):
            records.delete(db.session, benchmark)
        lead_audit(network, "report.benchmark_deleted", benchmark_id=benchmark_id, place=place, year=year)
        db.session.commit()
        flash(f"Benchmark for {place} deleted.", "success")
        return redirect(url_for("benchmarks.benchmarks", network_id=network.id))
    return render_template("benchmarks/delete.html", network=network, form=form, benchmark=benchmark)
