"""docs/architecture.md's public API table names real functions with their real signatures (issue 10 item 12).

Each row is `| scormkit.module.name | (signature) -> return |`; the test imports the name and renders its signature
the way the table writes it, so a changed signature fails here until the table says the same.
"""

from __future__ import annotations

import importlib
import inspect
import re
from pathlib import Path, PurePath

DOC = Path(__file__).resolve().parents[1] / "docs" / "architecture.md"
ROW = re.compile(r"^\| `(scormkit\.[\w.]+)` \| `(.*)` \|$")


def resolve(dotted: str) -> object:
    """The object a dotted name points at: the longest importable module prefix, then attributes."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj: object = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for attr in parts[cut:]:
            obj = getattr(obj, attr)
        return obj
    raise LookupError(dotted)


def literal(value: object) -> str:
    """A default as the table writes it: Python literals as themselves, a path as Path('...'), anything else as ..."""
    if isinstance(value, PurePath):
        return f"Path({str(value)!r})"
    if value is None or isinstance(value, bool | int | float | str | tuple):
        return repr(value)
    return "..."


def render(obj: object) -> str:
    """A signature as the table writes it: annotations as written in the source, defaults as Python literals."""
    target = obj.__init__ if inspect.isclass(obj) else obj  # type: ignore[misc]
    sig = inspect.signature(target)
    params, star_done = [], False
    for p in sig.parameters.values():
        if p.name == "self":
            continue
        if p.kind is p.KEYWORD_ONLY and not star_done:
            params.append("*")
            star_done = True
        if p.kind is p.VAR_POSITIONAL:
            star_done = True
        prefix = {p.VAR_POSITIONAL: "*", p.VAR_KEYWORD: "**"}.get(p.kind, "")
        text = prefix + p.name
        if p.annotation is not p.empty:
            text += f": {p.annotation}"
        if p.default is not p.empty:
            text += f" = {literal(p.default)}"
        params.append(text)
    out = f"({', '.join(params)})"
    if sig.return_annotation is not sig.empty and not inspect.isclass(obj):
        out += f" -> {sig.return_annotation}"
    return out


def table_rows() -> list[tuple[str, str]]:
    rows = [ROW.match(line) for line in DOC.read_text(encoding="utf-8").splitlines()]
    return [(m.group(1), m.group(2).replace("\\|", "|")) for m in rows if m]


def test_the_table_lists_the_pipeline() -> None:
    names = {name for name, _ in table_rows()}
    for needed in (
        "scormkit.api.pack",
        "scormkit.api.validate",
        "scormkit.source.read_module",
        "scormkit.player.build_player",
        "scormkit.targets.get_target",
        "scormkit.package.write_packages",
        "scormkit.validate.validate_path",
        "scormkit.diagnostics.Diagnostic",
    ):
        assert needed in names, f"docs/architecture.md's public API table has no row for {needed}"


def test_every_signature_in_the_table_is_the_code_s() -> None:
    wrong = [
        f"{name}: the table says {said}, the code is {render(resolve(name))}"
        for name, said in table_rows()
        if render(resolve(name)) != said
    ]
    assert not wrong, "\n".join(wrong)
