"""The one family of user-facing errors, and the exit codes they map to.

Domain code raises these; only ``cli`` turns them into a message and an exit code, so
every failure a user can cause reads the same way and no traceback reaches them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum

from cskpi.i18n import Lang, label, message


class ExitCode(IntEnum):
    """Stable, documented exit codes (README "Exit codes"); cron jobs depend on them."""

    OK = 0
    STANDARD_FAILED = 1
    USAGE = 2
    INPUT = 3
    OUTPUT = 4
    INCOMPLETE = 5  # no failure, but a required standard has no result: never a pass
    TEMPFAIL = 75  # EX_TEMPFAIL: input still being written, or another run holds the lock


@dataclass(frozen=True)
class Problem:
    """One located problem: where it is (file, sheet, row, column, YAML line) and what."""

    key: str
    params: dict[str, object] = field(default_factory=dict)

    def render(self, lang: Lang, *, redact: bool = False) -> str:
        """The message; ``redact`` hides cell contents (for log files)."""
        params = {k: ("***" if redact and k == "value" else v) for k, v in self.params.items()}
        return message(self.key, lang, **params)


class CskpiError(Exception):
    """Base of every error a user can cause; carries translatable problems."""

    exit_code: ExitCode = ExitCode.OUTPUT

    def __init__(self, key: str, /, **params: object) -> None:
        self.problems: list[Problem] = [Problem(key, params)]
        super().__init__(self.render("en"))

    @classmethod
    def of(cls, problems: list[Problem]) -> CskpiError:
        """Build one error that reports several problems at once (e.g. a whole rulebook)."""
        err = cls(problems[0].key, **problems[0].params)
        err.problems = list(problems)
        err.args = (err.render("en"),)
        return err

    def render(self, lang: Lang, *, redact: bool = False) -> str:
        return "\n".join(p.render(lang, redact=redact) for p in self.problems)


def render_error(exc: CskpiError, lang: Lang) -> str:
    """The lines a user sees for an error, each behind the localised 'error:' prefix."""
    prefix = label("error.prefix", lang)
    return "\n".join(f"{prefix}: {line}" for line in exc.render(lang).splitlines())


class UsageError(CskpiError):
    """Bad command-line arguments (exit 2)."""

    exit_code = ExitCode.USAGE


class RulebookError(CskpiError):
    """A rulebook that cannot be loaded or validated (exit 2)."""

    exit_code = ExitCode.USAGE


class InputError(CskpiError):
    """Input data that cannot be read: missing file, sheet, column, bad values (exit 3)."""

    exit_code = ExitCode.INPUT


class NotReadyError(CskpiError):
    """An input still being written or open in Excel, or a busy history (exit 75: retry)."""

    exit_code = ExitCode.TEMPFAIL


class OutputError(CskpiError):
    """An output that cannot be written (exit 4)."""

    exit_code = ExitCode.OUTPUT
