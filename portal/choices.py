"""Choices for select, radio and checkbox fields, in the shape WTForms takes from 3.3 on.

WTForms 3.3 deprecates (value, label) tuples as choices and 3.4 removes them: a
field's choices are ``SelectChoice`` objects, and code that reads them back reads
``choice.value`` (a ``SelectChoice`` unpacks to four items, not two).
"""
from collections.abc import Iterable, Mapping

from wtforms import SelectChoice


def labelled(labels: Mapping | Iterable[tuple]) -> list[SelectChoice]:
    """One choice per value, labelled, in order: from a dict of labels by value, or (value, label) pairs."""
    pairs = labels.items() if isinstance(labels, Mapping) else labels
    return [SelectChoice(value, label) for value, label in pairs]


def offered(field) -> set:
    """The values a choice field offers, the empty "Choose…" one included."""
    return {choice.value for choice in field.choices}
