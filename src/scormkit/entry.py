"""The `scormkit` console script: a `pack` with nothing to do is answered before the CLI is loaded.

Loading the CLI (typer, rich, and pydantic through typer's parameter coercion) costs several times what checking the
build manifest does, and an unchanged module is what a CI job or a catalogue rebuild packs most often. So `main`
first reads the command line itself; when it is a plain `pack` of one module folder and the build manifest shows
nothing changed (scormkit.builds), it prints which zips are up to date and exits 0, with the standard library only.
Anything else, or any doubt (an option it does not know, a recorded warning to print, JSON output), goes to the full
CLI, which runs the same check and everything else.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from scormkit.terminal import human_size, printable

# The values of `pack`'s options that the no-op check needs; every other option sends the command to the full CLI.
_VALUED = {
    "-t": "target",
    "--target": "target",
    "-o": "out",
    "--out": "out",
    "--edition": "edition",
    "--iri-base": "iri_base",
    "--cache-dir": "cache_dir",
    "-j": "jobs",
    "--jobs": "jobs",
}
_EDITIONS = ("2nd", "3rd", "4th")


def main() -> None:
    if not _answered_unchanged(sys.argv[1:]):
        from scormkit.cli import app

        app(prog_name="scormkit")


def parse_plain_pack(argv: list[str]) -> dict | None:
    """The options of `[-q] pack [SRC] [options]` as `api.pack` takes them, or None for any other command line."""
    quiet = False
    while argv and argv[0] in ("-q", "--quiet"):
        quiet, argv = True, argv[1:]
    if not argv or argv[0] != "pack":
        return None
    values: dict[str, list[str]] = {}
    sources: list[str] = []
    rest = iter(argv[1:])
    for token in rest:
        name, given = token.split("=", 1) if token.startswith("--") and "=" in token else (token, None)
        if name in _VALUED:
            value = given if given is not None else next(rest, None)
            if value is None:
                return None
            values.setdefault(_VALUED[name], []).append(value)
        elif token.startswith("-"):
            return None  # --format, --handoff, --help, -v...: the full CLI
        else:
            sources.append(token)
    single = {key: found[-1] for key, found in values.items() if key != "target"}
    if len(sources) > 1 or single.get("edition", "3rd") not in _EDITIONS:
        return None
    if "jobs" in single and not (single["jobs"].isdigit() and int(single["jobs"]) >= 1):
        return None
    out = Path(single.get("out", "dist"))
    return {
        "src": Path(sources[0] if sources else "module_src"),
        "targets": tuple(values.get("target", ())),
        "out": out,
        "options": {"edition": single.get("edition"), "iri_base": single.get("iri_base")},
        "cache_root": Path(single["cache_dir"]) if "cache_dir" in single else out / ".cache",
        "quiet": quiet,
    }


def _answered_unchanged(argv: list[str]) -> bool:
    """Print the up-to-date zips and return True when `argv` is a plain pack whose recorded build is intact."""
    request = parse_plain_pack(argv)
    if request is None:
        return False
    from scormkit.builds import DEFAULT_TARGETS, build_key, intact_outputs
    from scormkit.source.cache import RenderCache

    targets = request["targets"] or DEFAULT_TARGETS
    try:
        key = build_key(request["src"], targets, request["options"], request["out"], request["cache_root"])
        record = RenderCache(request["cache_root"]).build(key) if key is not None else None
    except (OSError, ValueError):
        return False
    entries = intact_outputs(record, request["out"])
    if not entries or any(entry.get("warnings") for entry in entries):
        return False  # the full CLI prints recorded warnings the way every other command does
    if not request["quiet"]:
        rows = [
            (entry["target"], str(request["out"] / entry["path"]), human_size(entry["size"]), entry)
            for entry in entries
        ]
        widths = [max(len(row[column]) for row in rows) for column in range(3)]
        lines = [f"Nothing changed in {request['src']} since it was packed; no zip was touched:"] + [
            f"  {target:<{widths[0]}}  {path:<{widths[1]}}  {size:>{widths[2]}}"
            f"  {entry['slides']} slides  {entry['items']} items"
            for target, path, size, entry in rows
        ]
        _say("".join(printable(line) + "\n" for line in lines))
    return True


def _say(text: str) -> None:
    """Write to stdout; a reader that has gone (`| head -1`) is not an error: the zips are up to date either way."""
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so the flush at exit does not fail again
