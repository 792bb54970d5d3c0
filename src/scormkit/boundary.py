"""The CLI's one error boundary: whatever goes wrong ends as one line per problem and exit 1, never a traceback.

Every verb runs inside `ErrorBoundaryGroup.invoke`: a ScormkitError prints its diagnostics; an OSError (no
permission, read-only or full disk, a file where a folder is expected) prints the file, what happened and what to
do; anything else is a scormkit bug, said in one line with how to report it (`SCORMKIT_DEBUG=1` shows the
traceback). Library warnings (pypdf's logging, Python warnings) are kept off stderr so each line of the output
stays one problem. And text from the input never reaches the terminal raw: control characters (ANSI escapes)
are shown escaped by `printable` (scormkit.terminal).
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import warnings
from collections.abc import Iterable, Iterator
from typing import Any

import typer
import typer.core

from scormkit.diagnostics import Diagnostic, ScormkitError
from scormkit.terminal import printable

DEBUG_ENV = "SCORMKIT_DEBUG"


def debugging() -> bool:
    return os.environ.get(DEBUG_ENV, "").strip().lower() in {"1", "true", "yes"}


_OS_FIXES = {
    errno.EACCES: "check the permissions, or choose another folder with --out",
    errno.EPERM: "check the permissions, or choose another folder with --out",
    errno.EROFS: "the file system is read-only: choose another folder with --out",
    errno.ENOSPC: "the disk is full: free some space or choose another folder with --out",
    errno.EDQUOT: "the disk quota is exceeded: free some space or choose another folder with --out",
    errno.EEXIST: "a file has the name of a folder scormkit needs: move it, or choose another folder with --out",
    errno.ENOTDIR: "a file has the name of a folder scormkit needs: move it, or choose another folder with --out",
    errno.EISDIR: "a folder has the name of a file scormkit needs: give a file instead",
    errno.ENOENT: "check the path",
    errno.ELOOP: "a symbolic link loops: replace it with the file",
    errno.ENAMETOOLONG: "use a shorter path",
    errno.EMFILE: "too many open files: raise the limit (ulimit -n) and try again",
}


def os_error_line(exc: OSError) -> str:
    """One diagnostic line for a failed file operation: the file, what the system said, and what to do."""
    where = exc.filename if exc.filename is not None else "scormkit"
    name = errno.errorcode.get(exc.errno or 0, "oserror").lower()
    what = exc.strerror or str(exc)
    fix = _OS_FIXES.get(exc.errno or 0, "check the path and try again")
    return printable(f"{os.fsdecode(where)}: error[io.{name}] {what}; {fix}")


def _say(line: str) -> None:
    typer.echo(line, err=True)


def print_diagnostics(diagnostics: Iterable[Diagnostic]) -> None:
    """Each diagnostic as its one line on stderr, with text from the input made printable."""
    for diagnostic in diagnostics:
        _say(printable(str(diagnostic)))


def _cli_control(exc: BaseException) -> bool:
    """typer.Exit, ^C (Abort) and usage errors (exit 2): click's own exceptions, which click turns into exit codes.

    Recognised by module, as typer may bring its own copy of click (typer._click) or use the click package.
    """
    return any(cls.__module__.split(".")[0] in ("click", "typer") for cls in type(exc).__mro__[:-2])


@contextlib.contextmanager
def quiet_libraries() -> Iterator[None]:
    """Keep library warnings and log records off stderr (unless debugging): our diagnostics say what matters."""
    if debugging():
        yield
        return
    root = logging.getLogger()
    handler = logging.NullHandler()  # with a handler in place, logging's last-resort printer stays silent
    root.addHandler(handler)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        root.removeHandler(handler)


class ErrorBoundaryGroup(typer.core.TyperGroup):
    """The click group of `scormkit`: runs a verb and turns every failure into a diagnostic line and exit 1."""

    #: The verbs that write files; they write all or nothing, so a failed one says that nothing was written.
    writing_verbs = frozenset({"pack", "preview"})

    def invoke(self, ctx: Any) -> Any:
        try:
            with quiet_libraries():
                return super().invoke(ctx)
        except ScormkitError as problem:
            report = problem.report
            print_diagnostics(report.sorted())
            if not ctx.params.get("quiet"):  # --quiet: the errors only
                tail = "; nothing was written." if ctx.invoked_subcommand in self.writing_verbs else "."
                _say(f"{len(report.errors)} error(s), {len(report.warnings)} warning(s){tail}")
        except OSError as exc:
            if debugging():
                raise
            _say(os_error_line(exc))
        except MemoryError:
            if debugging():
                raise
            _say(
                "scormkit: error[limit.memory] ran out of memory; the input is larger than scormkit can handle "
                "(docs/limits.md)"
            )
        except RecursionError:
            if debugging():
                raise
            _say("scormkit: error[limit.depth] the input nests too deep to process (docs/limits.md)")
        except Exception as exc:
            if debugging() or _cli_control(exc):
                raise
            _say(
                printable(
                    f"scormkit: error[internal] scormkit bug: {type(exc).__name__}: {exc}; please report it "
                    f"with the input that caused it ({DEBUG_ENV}=1 shows the traceback)"
                )
            )
        raise typer.Exit(1)
