"""`scormkit preview`: build a module into a temporary folder and run it in the local LMS, rebuilding on every save.

The build goes to a temporary folder (never dist/, never the source folder) and is served by scormkit.lms on
127.0.0.1. A watcher polls the source folder (no extra dependency, works on every file system); a change rebuilds,
and the page relaunches the content with the learner's stored data. A failed rebuild shows its diagnostics in the
page and the terminal while the last good build stays served. A zip is previewed as it is, reloaded when it changes.
"""

from __future__ import annotations

import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from scormkit.diagnostics import Diagnostic, ScormkitError
from scormkit.lms import LaunchError, LocalLms

POLL_SECONDS = 0.4
DEFAULT_TARGET = "scorm12"


def _snapshot(root: Path) -> dict[str, tuple[int, int]]:
    """(mtime, size) of every file under root, hidden files and folders left out (editors' swap files, .git)."""
    if root.is_file():
        stat = root.stat()
        return {root.name: (stat.st_mtime_ns, stat.st_size)}
    found: dict[str, tuple[int, int]] = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if any(part.startswith(".") or part == "__pycache__" for part in rel.parts) or path.name.endswith("~"):
            continue
        try:
            if path.is_file():
                stat = path.stat()
                found[rel.as_posix()] = (stat.st_mtime_ns, stat.st_size)
        except OSError:  # deleted while walking: the next poll sees it
            continue
    return found


def _problem_dict(d: Diagnostic, src: Path) -> dict[str, Any]:
    """A diagnostic for the page, its file named from the module folder (module_src/module.yaml), not absolute."""
    file = d.file
    for base in (src.resolve(), src):
        try:
            file = (Path(src.name) / Path(d.file).relative_to(base)).as_posix()
            break
        except ValueError:
            continue
    return {"file": file, "line": d.line, "severity": d.severity.value, "code": d.code, "message": d.message}


class Preview:
    """One preview: the local LMS, the temporary build folder and the watcher thread."""

    def __init__(
        self,
        src: Path,
        *,
        target: str | None = None,
        edition: str | None = None,
        port: int = 0,
        profile: str = "moodle",
        say: Callable[[str], None] = print,
    ):
        self.src = Path(src)
        self.is_zip = self.src.is_file()
        if not self.src.exists():
            raise FileNotFoundError(f"{self.src} does not exist; pass a module folder (module.yaml) or a package zip")
        if self.is_zip and (target or edition):
            raise ValueError("--target and --edition apply to a module folder; a zip is previewed as it was built")
        self.target = target or DEFAULT_TARGET
        self.edition = edition
        self.say = say
        self.lms = LocalLms(port=port, profile=profile)  # first: a taken port leaves nothing behind
        self.tmp = Path(tempfile.mkdtemp(prefix="scormkit-preview-"))
        self.builds = 0
        self._stop = threading.Event()
        self._watcher: threading.Thread | None = None
        self._seen = _snapshot(self.src)

    @property
    def url(self) -> str:
        return self.lms.url

    def start(self) -> bool:
        """First build and serve, then watch. True when the first build succeeded."""
        ok = self.rebuild()
        self._watcher = threading.Thread(target=self._watch, name="scormkit-preview-watch", daemon=True)
        self._watcher.start()
        return ok

    def rebuild(self) -> bool:
        """Build (or re-read the zip) and serve it; on failure report the problems and keep the last good build."""
        started = time.monotonic()
        try:
            package = self.src if self.is_zip else self._build()
            info = self.lms.serve(package)
        except ScormkitError as problem:
            diagnostics = problem.report.sorted()
            self.lms.report_problems([_problem_dict(d, self.src) for d in diagnostics])
            kept = " (the last good build stays)" if self.lms.generation else ""
            self.say(f"build failed{kept}:\n" + "\n".join(f"  {d}" for d in diagnostics))
            return False
        except (LaunchError, FileNotFoundError, OSError) as problem:
            self.lms.report_problems(
                [
                    {
                        "file": str(self.src),
                        "line": None,
                        "severity": "error",
                        "code": "preview.cannot-launch",
                        "message": str(problem),
                    }
                ]
            )
            self.say(f"cannot launch {self.src}: {problem}")
            return False
        seconds = time.monotonic() - started
        what = "read" if self.is_zip else f"built {info.standard}"
        self.say(f"{what} in {seconds:.1f} s (build {self.lms.generation})")
        return True

    def _build(self) -> Path:
        from scormkit.api import pack

        (result,) = pack(self.src, targets=[self.target], out=self.tmp, edition=self.edition)
        # Each build gets its own name: the server may still be reading the previous zip. The slide cache
        # (tmp/.cache) is shared, so a rebuild renders only the slides that changed.
        self.builds += 1
        kept = self.tmp / f"build-{self.builds}-{result.path.name}"
        result.path.replace(kept)
        for old in self.tmp.glob("build-*.zip"):
            if old != kept and old.name != self._served_name():
                old.unlink(missing_ok=True)
        return kept

    def _served_name(self) -> str:
        return self.lms.package_path.name if self.lms.package_path else ""

    def _watch(self) -> None:
        while not self._stop.wait(POLL_SECONDS):
            try:
                now = _snapshot(self.src)
            except OSError:
                continue
            if now == self._seen:
                continue
            # Wait until the editor has finished writing (two equal polls), then rebuild once.
            while not self._stop.wait(POLL_SECONDS):
                again = _snapshot(self.src)
                if again == now:
                    break
                now = again
            changed = sorted(
                set(now) ^ set(self._seen) | {k for k in now if k in self._seen and now[k] != self._seen[k]}
            )
            self._seen = now
            if self._stop.is_set():
                return
            self.say(f"changed: {', '.join(changed[:5])}{' …' if len(changed) > 5 else ''}; rebuilding")
            self.rebuild()

    def close(self) -> None:
        self._stop.set()
        if self._watcher is not None:
            self._watcher.join(timeout=5)
        self.lms.close()
        shutil.rmtree(self.tmp, ignore_errors=True)


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def run_preview(
    src: Path,
    *,
    target: str | None = None,
    edition: str | None = None,
    port: int = 0,
    profile: str = "moodle",
    open_browser: bool = False,
    say: Callable[[str], None] = print,
    ready: Callable[[Preview], None] | None = None,
) -> None:
    """Serve until Ctrl-C, then stop the server and remove the temporary build folder."""
    session = Preview(src, target=target, edition=edition, port=port, profile=profile, say=say)
    if threading.current_thread() is threading.main_thread():
        # `kill` (SIGTERM) stops it as cleanly as Ctrl-C: server closed, temporary build removed.
        signal.signal(signal.SIGTERM, _interrupt)
    try:
        session.start()
        what = "zip" if session.is_zip else f"{session.target} build"
        say(
            f"Previewing {src} ({what}, LMS {'like Moodle' if profile == 'moodle' else 'lenient'}) at {session.url}\n"
            "Edit and save the source to rebuild; Ctrl-C stops."
        )
        if open_browser:
            import webbrowser

            webbrowser.open(session.url)
        if ready is not None:
            ready(session)
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        say("stopped")
    finally:
        session.close()
