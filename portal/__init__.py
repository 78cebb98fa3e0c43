"""The Anchor Network Social Value Portal: the app factory."""
from __future__ import annotations

from flask import Flask
from jinja2 import ChoiceLoader, PackageLoader, PrefixLoader


def create_app(overrides: dict | None = None) -> Flask:
    """Build the web app. Opens no connection: nothing runs until a request or command."""
    import tenants
    import tenants.audit
    import tenants.web
    import workers
    import workers.queueing

    from . import assets, cli, errors, formatting, operations, query_args, security, sqlite, tables  # noqa: F401  (sqlite: engine settings)
    from .accounts import people_cli, people_views
    from .api import token_views as api_tokens
    from .api import views as api
    from .accounts import views as accounts
    from .audit import views as audit
    from .benchmarks import views as benchmarks
    from .config import load_settings
    from .contract_registers import cli as contract_registers_cli
    from .contract_registers import views as contract_registers
    from .cpv import cli as cpv_cli
    from .dashboard import views as dashboard
    from .extensions import csrf, db, limiter, login_manager, migrate
    from .funnel import views as funnel_views
    from .gaps import views as gaps
    from .grants import views as grants
    from .home import views as home
    from .matching import views as matching
    from .network import views as network
    from .opportunities import views as opportunities
    from .partner import views as partner
    from .public_url import refuse_untrusted_hosts
    from .registers import cli as registers_cli
    from .registers import lookup_cli
    from .registers import lookup_views as companies_house
    from .registers import review_views as register_matches
    from .registers import views as registers
    from .reports import views as reports
    from .smes import views as smes
    from .social_value import report_views as sv_report
    from .social_value import views as social_value
    from .spend import views as spend
    from .support import conduit as support_conduit
    from .support import views as support

    app = Flask(__name__, instance_relative_config=False)
    app.config.update(load_settings(overrides))
    app.instance_path = app.config["INSTANCE_DIR"]

    app.jinja_loader = ChoiceLoader(
        [
            PackageLoader("portal"),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    tenants.install_isolation()
    tenants.audit.install_once()
    workers.queueing.install()
    db.init_app(app)
    migrate.init_app(app, db, directory=str(_migrations_dir()))
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)

    operations.init_app(app)  # first of the request hooks: the request id and the timer start before the rest
    security.init_app(app)
    query_args.init_app(app)  # before any route: it bounds <int:...>
    refuse_untrusted_hosts(app)
    _trust_proxies(app)  # outermost: the client's address is known before anything reads it
    accounts.init_app(app)
    tenants.web.init_app(app)
    support_conduit.init_app(app)
    assets.init_app(app)
    errors.init_app(app)
    cli.init_app(app)
    people_cli.init_app(app)
    cpv_cli.init_app(app)
    lookup_cli.init_app(app)
    registers_cli.init_app(app)
    contract_registers_cli.init_app(app)
    app.register_blueprint(home.bp)
    app.register_blueprint(smes.bp)
    app.register_blueprint(network.bp)
    app.register_blueprint(partner.bp)
    app.register_blueprint(audit.bp)
    app.register_blueprint(people_views.bp)
    app.register_blueprint(spend.bp)
    app.register_blueprint(contract_registers.bp)
    app.register_blueprint(dashboard.bp)
    app.register_blueprint(social_value.bp)
    app.register_blueprint(sv_report.bp)
    app.register_blueprint(reports.bp)
    app.register_blueprint(benchmarks.bp)
    app.register_blueprint(opportunities.bp)
    app.register_blueprint(funnel_views.bp)
    app.register_blueprint(gaps.bp)
    app.register_blueprint(matching.bp)
    app.register_blueprint(support.bp)
    app.register_blueprint(grants.bp)
    app.register_blueprint(companies_house.bp)
    app.register_blueprint(register_matches.bp)
    app.register_blueprint(registers.bp)
    app.register_blueprint(api_tokens.bp)
    api.init_app(app)
    formatting.init_app(app)
    tables.init_app(app)
    workers.celery_init_app(app)
    _import_features()
    return app


def _trust_proxies(app: Flask) -> None:
    """Behind PROXY_FIX_HOPS reverse proxies, take the client's address and scheme from their X-Forwarded-* headers."""
    hops = app.config.get("PROXY_FIX_HOPS", 0)
    if hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)


def _migrations_dir():
    from pathlib import Path

    return Path(__file__).resolve().parent.parent / "migrations"


def _import_features() -> None:
    """Every model and task module: metadata complete for migrations, tasks known to workers."""
    import portal.api.models
    import portal.benchmarks.models
    import portal.contract_registers.models
    import portal.contract_registers.tasks
    import portal.gaps.tasks
    import portal.grants.models
    import portal.mail.models
    import portal.mail.tasks
    import portal.matching.models
    import portal.matching.tasks
    import portal.opportunities.models
    import portal.registers.lookup_tasks
    import portal.registers.models
    import portal.registers.placing_tasks
    import portal.registers.tasks
    import portal.reports.models
    import portal.smes.models
    import portal.smes.tasks
    import portal.social_value.models
    import portal.social_value.tasks
    import portal.spend.models
    import portal.spend.tasks
    import portal.suppliers.models
    import portal.support.models  # noqa: F401  (every model module, for its tables)
    import tenants.models  # noqa: F401
