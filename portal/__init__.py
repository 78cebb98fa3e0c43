"""The Anchor Network Social Value Portal: the app factory."""
from __future__ import annotations

from flask import Flask
from jinja2 import ChoiceLoader, PackageLoader, PrefixLoader


def create_app(overrides: dict | None = None) -> Flask:
    """Build the web app. Opens no connection: nothing runs until a request or command."""
    from . import assets, cli, errors, formatting, query_args, security, sqlite  # noqa: F401  (sqlite: engine settings)
    from .accounts import people_cli, people_views
    from .accounts import views as accounts
    from .audit import views as audit
    from .config import load_settings
    from .public_url import refuse_untrusted_hosts
    from .cpv import cli as cpv_cli
    from .registers import lookup_cli
    from .registers import lookup_views as companies_house
    from .registers import cli as registers_cli
    from .contract_registers import cli as contract_registers_cli
    from .registers import views as registers
    from .dashboard import views as dashboard
    from .extensions import csrf, db, limiter, login_manager, migrate
    from .gaps import views as gaps
    from .home import views as home
    from .matching import views as matching
    from .smes import views as smes
    from .network import views as network
    from .opportunities import views as opportunities
    from .funnel import views as funnel_views
    from .partner import views as partner
    from .registers import review_views as register_matches
    from .reports import views as reports
    from .social_value import report_views as sv_report
    from .social_value import views as social_value
    from .spend import views as spend
    from .contract_registers import views as contract_registers
    import tenants
    import tenants.audit
    import tenants.web
    import workers
    import workers.queueing

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

    security.init_app(app)
    query_args.init_app(app)  # before any route: it bounds <int:...>
    refuse_untrusted_hosts(app)
    accounts.init_app(app)
    tenants.web.init_app(app)
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
    app.register_blueprint(opportunities.bp)
    app.register_blueprint(funnel_views.bp)
    app.register_blueprint(gaps.bp)
    app.register_blueprint(matching.bp)
    app.register_blueprint(companies_house.bp)
    app.register_blueprint(register_matches.bp)
    app.register_blueprint(registers.bp)
    formatting.init_app(app)
    workers.celery_init_app(app)
    _import_features()
    return app


def _migrations_dir():
    from pathlib import Path

    return Path(__file__).resolve().parent.parent / "migrations"


def _import_features() -> None:
    """Every model and task module: metadata complete for migrations, tasks known to workers."""
    import portal.mail.models  # noqa: F401
    import portal.mail.tasks  # noqa: F401
    import portal.spend.models  # noqa: F401
    import portal.spend.tasks  # noqa: F401
    import portal.social_value.models  # noqa: F401
    import portal.social_value.tasks  # noqa: F401
    import portal.contract_registers.models  # noqa: F401
    import portal.contract_registers.tasks  # noqa: F401
    import portal.suppliers.models  # noqa: F401
    import portal.registers.models  # noqa: F401
    import portal.registers.placing_tasks  # noqa: F401
    import portal.registers.lookup_tasks  # noqa: F401
    import portal.registers.tasks  # noqa: F401
    import portal.smes.models  # noqa: F401
    import portal.smes.tasks  # noqa: F401
    import portal.opportunities.models  # noqa: F401
    import portal.matching.models  # noqa: F401
    import portal.matching.tasks  # noqa: F401
    import portal.reports.models  # noqa: F401
    import portal.gaps.tasks  # noqa: F401
    import tenants.models  # noqa: F401
