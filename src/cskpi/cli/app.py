"""The command line's application: every command registered on the one typer app.

Importing this module imports each command module, in the order ``cskpi --help`` lists them;
:func:`cskpi.cli.main` runs :data:`app`. The app and its shared options live in
:mod:`cskpi.cli.base`, so no command module imports this one (no import circle).
"""

from __future__ import annotations

# isort: off
from cskpi.cli.base import app
from cskpi.cli import evaluate, history, rules, project

# isort: on

__all__ = ["app", "evaluate", "history", "project", "rules"]
