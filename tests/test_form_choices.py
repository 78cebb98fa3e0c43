"""Are a form's choices given the way current WTForms takes them (SelectChoice), never as tuples?

WTForms 3.3 warns only when tuples are passed to a field's constructor (pyproject turns that
warning into an error); tuples assigned to ``field.choices`` in a view pass silently until the
release that drops them. This reads the code for both.
"""
from __future__ import annotations

import ast
from pathlib import Path

from wtforms import SelectChoice, SelectField
from wtforms.form import BaseForm

from portal.choices import labelled, offered

PORTAL = Path(__file__).resolve().parent.parent / "portal"


def _tuples_listed(node) -> bool:
    """A list (or list comprehension, or list + list) of tuple literals."""
    if isinstance(node, ast.BinOp):
        return _tuples_listed(node.left) or _tuples_listed(node.right)
    if isinstance(node, ast.List):
        return any(isinstance(e, ast.Tuple) or (isinstance(e, ast.Starred) and _tuples_listed(e.value)) for e in node.elts)
    if isinstance(node, (ast.ListComp, ast.GeneratorExp)):
        return isinstance(node.elt, ast.Tuple)
    if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "list":  # list(LABELS.items())
        return any(isinstance(a, ast.Call) and getattr(a.func, "attr", None) == "items" for a in node.args)
    return False


def test_no_choices_are_given_as_tuples():
    found = []
    for path in PORTAL.rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.keyword) and node.arg == "choices" and _tuples_listed(node.value):
                found.append(f"{path.relative_to(PORTAL)}:{node.value.lineno}")
            elif isinstance(node, ast.Assign) and any(isinstance(t, ast.Attribute) and t.attr == "choices" for t in node.targets) \
                    and _tuples_listed(node.value):
                found.append(f"{path.relative_to(PORTAL)}:{node.lineno}")
    assert found == []


def test_labelled_choices_keep_their_order_and_read_back_by_value():
    choices = labelled({"yes": "Yes", "no": "No"})
    assert choices == [SelectChoice("yes", "Yes"), SelectChoice("no", "No")]
    assert labelled([("", "Choose"), ("a", "A")]) == [SelectChoice("", "Choose"), SelectChoice("a", "A")]
    form = BaseForm({"answer": SelectField(choices=choices)})
    form.process()
    assert offered(form["answer"]) == {"yes", "no"}
    assert [(c.value, c.label, c.selected) for c in form["answer"].iter_choices()] == [("yes", "Yes", False), ("no", "No", False)]
