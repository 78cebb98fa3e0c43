"""Apps built with other settings than the suite's (another database, broker or queue layout)."""
from __future__ import annotations

import pytest

from portal import create_app


@pytest.fixture
def other_app(app, app_settings, tmp_path):
    """``other_app(**settings)``: the suite's settings with these changed, and a fresh instance folder
    (so its worker heartbeats are its own); the suite's Celery app is current again afterwards."""
    made = []

    def make(**changes):
        settings = {**app_settings, "INSTANCE_DIR": str(tmp_path / f"instance-{len(made)}"),
                    "CELERY": {"broker_url": f"sqla+sqlite:///{tmp_path}/broker-{len(made)}.db",
                               "result_backend": f"db+sqlite:///{tmp_path}/results-{len(made)}.db"},
                    **changes}
        application = create_app(settings)
        made.append(application)
        return application

    yield make
    main = app.extensions["celery"]
    main.set_current()
    main.set_default()
