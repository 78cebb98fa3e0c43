"""Tasks are sent after the outermost commit only, and never for work a savepoint rolled back."""
from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from workers import queueing


class Task:
    name = "spy"

    def __init__(self):
        self.sent = []

    def apply_async(self, args, kwargs):
        self.sent.append(args)


class PlainSession(Session):
    """A session class of its own, so these listeners stay off the app's sessions."""


queueing.install(PlainSession)


@pytest.fixture
def session():
    engine = create_engine("sqlite://")
    with PlainSession(engine) as session:
        session.execute(text("SELECT 1"))
        yield session
    engine.dispose()


def test_a_released_savepoint_sends_nothing_before_the_outer_commit(session):
    task = Task()
    queueing.enqueue_after_commit(session, task, "before")
    with session.begin_nested():
        queueing.enqueue_after_commit(session, task, "inside")
    assert task.sent == []
    session.commit()
    assert task.sent == [("before",), ("inside",)]


def test_a_savepoint_rolled_back_drops_only_the_tasks_queued_inside_it(session):
    task = Task()
    queueing.enqueue_after_commit(session, task, "kept")
    with pytest.raises(ValueError):
        with session.begin_nested():
            queueing.enqueue_after_commit(session, task, "dropped")
            with session.begin_nested():
                queueing.enqueue_after_commit(session, task, "dropped too")
            raise ValueError
    with session.begin_nested():
        queueing.enqueue_after_commit(session, task, "after")
    session.commit()
    assert task.sent == [("kept",), ("after",)]


def test_a_rollback_drops_everything(session):
    task = Task()
    queueing.enqueue_after_commit(session, task, "gone")
    with session.begin_nested():
        queueing.enqueue_after_commit(session, task, "gone too")
    session.rollback()
    session.commit()
    assert task.sent == []
