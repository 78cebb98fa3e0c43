"""Do the mail and network modules import without a circle, each first in a fresh interpreter, and
with every import at the top (none hidden inside a function to dodge one)? Issue 18, item 9."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PORTAL = Path(__file__).resolve().parent.parent / "portal"
UNTIED = ["mail/services.py", "mail/sending.py", "mail/tasks.py", "mail/messages.py", "mail/models.py",
          "network/views.py", "network/blueprint.py"]


@pytest.mark.parametrize("path", UNTIED)
def test_no_import_is_hidden_in_a_function_or_below_the_code(path):
    tree = ast.parse((PORTAL / path).read_text())
    nested = [node.lineno for function in ast.walk(tree) if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef))
              for node in ast.walk(function) if isinstance(node, (ast.Import, ast.ImportFrom))]
    assert nested == [], f"{path}: imports inside a function at lines {nested}"
    first_code = next((node.lineno for node in tree.body if not isinstance(node, (ast.Import, ast.ImportFrom, ast.Expr))), None)
    late = [node.lineno for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))
            and first_code is not None and node.lineno > first_code]
    assert late == [], f"{path}: imports below the code at lines {late}"


@pytest.mark.parametrize("module", ["portal.mail.services", "portal.mail.tasks", "portal.mail.sending",
                                    "portal.network.views", "portal.network.partner_lines",
                                    "portal.gaps.views", "portal.social_value.views"])
def test_each_module_imports_first_in_a_fresh_interpreter(module):
    # Which module is imported first decides whether a circle bites: each gets its turn.
    result = subprocess.run([sys.executable, "-c", f"import {module}"], check=False, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
