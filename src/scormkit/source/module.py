"""module.yaml and quiz.yaml: schema, Markdown fields and the rules that span both files."""

from __future__ import annotations

import difflib
import os
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from pydantic import ValidationError
from ruamel.yaml.scalarstring import LiteralScalarString

from scormkit.diagnostics import Report
from scormkit.model import ModuleConfig, QuizFile, QuizItem, is_safe_relative
from scormkit.source.assets import check_image, check_theme_file
from scormkit.source.itemrules import report_hidden_item_rules
from scormkit.source.markdown import images, raw_html
from scormkit.source.paths import broken_link, inside, shown
from scormkit.source.quizdoc import QUIZ_SUFFIXES, load_quiz_doc
from scormkit.source.yamlfile import YamlDoc, load_yaml, validation_diagnostics


@dataclass
class Sources:
    """What the YAML files gave, valid or not; `config` / `items` are None when they did not validate."""

    module_doc: YamlDoc | None = None
    quiz_doc: YamlDoc | None = None
    config: ModuleConfig | None = None
    items: list[QuizItem] | None = None
    has_quiz: bool = False
    # slides.file resolved inside the module folder (None when it escapes it), and where it was set.
    slides_file: str = "slides.pdf"
    slides_path: Path | None = None
    slides_line: int | None = None
    # Images of the Markdown fields: package path (as written, under assets/) -> file in the module folder.
    images: dict[str, Path] = field(default_factory=dict)


#: Reported by check_references, with the lines of both objectives.
_REPORTED_WITH_LINES = frozenset({"module.duplicate-objective"})


def read_sources(src: Path, report: Report) -> Sources | None:
    """Load and check module.yaml and quiz.yaml; None when there is no module.yaml to start from."""
    module_path = src / "module.yaml"
    if broken_link(module_path):
        report.error(
            shown(module_path),
            None,
            "source.broken-link",
            "module.yaml is a symbolic link that leads nowhere (dangling or a loop); replace it with the file",
        )
        return None
    if module_path.exists() and inside(src, "module.yaml") is None:
        # Its values would ship, and its keys be echoed in errors (CI logs), from a file the module does not own.
        report.error(
            shown(module_path),
            None,
            "source.outside-module",
            f"module.yaml is a link to a file outside {shown(src)}; copy the file into the module folder",
        )
        return None
    if not module_path.exists():  # a FIFO or a folder named module.yaml is refused by load_yaml, never opened
        where = shown(src)
        if not src.is_dir():
            report.error(where, None, "source.missing", f"module folder {where} not found; check the path")
        else:
            report.error(
                shown(module_path),
                None,
                "source.missing",
                f"module.yaml not found in {where}; create it (see docs/source-format.md)",
            )
        return None
    sources = Sources()
    doc = load_yaml(module_path, shown(module_path), report)
    sources.module_doc = doc
    if doc is None:
        # quiz.file is unknown, but the usual quiz.yaml can still be checked so all errors come out at once;
        # only if it is the module's own file (a link leading outside would have its keys echoed in the errors).
        quiz_path = inside(src, "quiz.yaml")
        if quiz_path is not None and quiz_path.is_file():
            _load_quiz(src, quiz_path, sources, report)
        return sources
    if not _is_mapping(
        doc, report, "module.yaml", "write one key per line (id: ..., title: ...), see docs/source-format.md"
    ):
        return sources
    try:
        sources.config = ModuleConfig.model_validate(doc.data)
    except ValidationError as exc:
        validation_diagnostics(doc, ModuleConfig, exc, report, skip=_REPORTED_WITH_LINES)
    _check_markdown(src, doc, ("description",), sources, report)
    _check_theme(src, doc, sources, report)
    _locate_slides(src, doc, sources, report)
    _read_quiz(src, doc, sources, report)
    check_references(sources, report)
    return sources


def _locate_slides(src: Path, doc: YamlDoc, sources: Sources, report: Report) -> None:
    name = doc.get("slides", "file")
    sources.slides_line = doc.line_of("slides", "file") or doc.line_of("slides")
    if isinstance(name, str) and name.strip():
        sources.slides_file = name.strip()
    # else: the default, or a wrong type that is already a schema error (the default is checked instead)
    path = inside(src, sources.slides_file)
    if path is None and is_safe_relative(sources.slides_file) and broken_link(src / sources.slides_file):
        report.error(
            doc.name,
            sources.slides_line,
            "source.broken-link",
            f"slides.file {sources.slides_file!r} is a symbolic link that leads nowhere (dangling or a loop); "
            "replace it with the PDF",
        )
        sources.slides_file = ""
    elif path is None:
        report.error(
            doc.name,
            sources.slides_line,
            "source.outside-module",
            f"slides.file {sources.slides_file!r} is outside the module folder; "
            f"put the PDF in {shown(src)} and give a relative path such as slides.pdf",
        )
        sources.slides_file = ""
    sources.slides_path = path  # opened, probed and checked for active content by slides.open_deck


def _read_quiz(src: Path, doc: YamlDoc, sources: Sources, report: Report) -> None:
    quiz = doc.get("quiz")
    if quiz is None:
        return
    sources.has_quiz = True
    name = doc.get("quiz", "file")
    name = name.strip() if isinstance(name, str) and name.strip() else "quiz.yaml"
    line = doc.line_of("quiz", "file") or doc.line_of("quiz")
    path = inside(src, name)
    if path is None and is_safe_relative(name) and broken_link(src / name):
        report.error(
            doc.name,
            line,
            "source.broken-link",
            f"quiz file {name!r} is a symbolic link that leads nowhere (dangling or a loop); replace it with the file",
        )
        return
    if path is None:
        report.error(
            doc.name,
            line,
            "source.outside-module",
            f"quiz.file {name!r} is outside the module folder; "
            f"put it in {shown(src)} and give a relative path such as quiz.yaml",
        )
        return
    if path.suffix.lower() not in QUIZ_SUFFIXES:
        report.error(
            doc.name,
            line,
            "quiz.format",
            f"quiz.file {name!r} is not a quiz file scormkit reads; write the items in quiz.yaml, a Moodle "
            "GIFT file (.gift) or an Aiken file (.txt) (see docs/source-format.md)",
        )
        return
    if not path.exists():
        report.error(
            doc.name, line, "quiz.missing", f"quiz file {name!r} not found in {shown(src)}; create it or set quiz.file"
        )
        return
    _load_quiz(src, path, sources, report)


def _is_mapping(doc: YamlDoc, report: Report, name: str, fix: str) -> bool:
    """True when the document is a mapping of keys; else an error at line 1 saying what it is instead."""
    if isinstance(doc.data, dict):
        return True
    kind = "empty" if doc.data is None else f"a {type(doc.data).__name__}, not a mapping"
    report.error(doc.name, 1, "schema.invalid", f"{name} is {kind}; {fix}")
    return False


#: What to do about an id used twice, by diagnostic code.
_TWICE_FIXES = {
    "module.duplicate-objective": "give each objective its own id",
    "quiz.duplicate-id": "give each item its own id, it becomes the LMS interaction id",
}


def _used_twice(report: Report, doc: YamlDoc, line: int | None, code: str, what: str, first: int | None) -> None:
    report.error(doc.name, line, code, f"{what} is used twice (first at line {first}); {_TWICE_FIXES[code]}")


def _load_quiz(src: Path, path: Path, sources: Sources, report: Report) -> None:
    quiz_doc = load_quiz_doc(path, shown(path), report)  # quiz.yaml, GIFT or Aiken
    sources.quiz_doc = quiz_doc
    if quiz_doc is None:
        return
    if not _is_mapping(
        quiz_doc, report, path.name, "it needs a key 'items' with a list of items (see docs/source-format.md)"
    ):
        return
    try:
        sources.items = list(QuizFile.model_validate(quiz_doc.data).items)
    except ValidationError as exc:
        validation_diagnostics(quiz_doc, QuizFile, exc, report)
        report_hidden_item_rules(quiz_doc, exc, report)  # e.g. "no correct choice" beside a typo, in one run
    for index in range(len(_raw_items(quiz_doc))):
        _check_markdown(src, quiz_doc, ("items", index, "prompt"), sources, report)


def _raw_items(doc: YamlDoc | None) -> list[dict]:
    items = doc.get("items") if doc is not None else None
    return [i if isinstance(i, dict) else {} for i in items] if isinstance(items, list) else []


IMAGE_TYPES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg")


def _check_markdown(src: Path, doc: YamlDoc, loc: tuple, sources: Sources, report: Report) -> None:
    """Descriptions and prompts are Markdown without raw HTML (the player renders them with HTML off), and their
    images are files of the module folder under assets/, each with a text alternative: they are shipped at the
    same path, and the player requests nothing from any other host."""
    text = doc.get(*loc)
    if not isinstance(text, str):
        return
    what = f"the prompt of item {doc.get('items', loc[1], 'id')!r}" if loc[0] == "items" else "description"
    found = raw_html(text)
    if found:
        offset, snippet = found[0]
        report.error(
            doc.name,
            _line(doc, loc, offset),
            "markdown.raw-html",
            f"{what} contains raw HTML {snippet!r}; write Markdown instead (e.g. **bold**, *italic*, "
            "a blank line between paragraphs)",
        )
    for offset, src_attr, alt in images(text):
        line = _line(doc, loc, offset)
        # markdown-it percent-encodes the link (spaces, accents); the package path is the decoded name, which the
        # browser asks for when it follows the encoded src.
        target = unquote(src_attr)
        if re.match(r"^([a-zA-Z][a-zA-Z0-9+.-]*:|//)", target):
            report.error(
                doc.name,
                line,
                "markdown.remote-image",
                f"{what} shows the image {target!r} from another host, which the player never contacts; "
                f"save it under assets/ in {shown(src)} and write ![{alt or 'what it shows'}](assets/...)",
            )
            continue
        path = inside(src, target)
        canonical = posixpath.normpath(target.replace("\\", "/"))
        if path is None or not target.startswith("assets/"):
            report.error(
                doc.name,
                line,
                "markdown.image-path",
                f"{what} shows the image {target!r}, which is not under assets/ in the module folder; "
                f"move it to {shown(src / 'assets')} and write ![...](assets/<name>)",
            )
        elif canonical != target or target.endswith("/"):
            # `assets//x`, `assets/./x` or `assets\x` name the same file as `assets/x` on disk, but not in a zip.
            report.error(
                doc.name,
                line,
                "markdown.image-path",
                f"{what} shows the image {target!r}; write the path as {canonical!r}",
            )
        elif path.suffix.lower() not in IMAGE_TYPES:
            report.error(
                doc.name,
                line,
                "markdown.image-format",
                f"{what} shows {target!r}, which is not an image every browser shows; "
                f"use {', '.join(t.lstrip('.').upper() for t in IMAGE_TYPES)}",
            )
        elif not path.is_file():
            report.error(
                doc.name,
                line,
                "markdown.image-missing",
                f"{what} shows the image {target!r}, not found in {shown(src)}; add the file or correct the path",
            )
        elif (real := _real_case(src, target)) != target:
            report.error(
                doc.name,
                line,
                "markdown.image-case",
                f"{what} shows the image {target!r} but the file is {real!r}; write the name with the "
                "same letter case (Linux servers and zips tell them apart; docs/lms-pitfalls.md rule 12)",
            )
        elif (other := _case_twin(sources.images, target)) is not None:
            report.error(
                doc.name,
                line,
                "markdown.image-case",
                f"{what} shows the image {target!r}, which differs from {other!r} only in letter case; "
                "the two would collide on Windows and macOS: rename one (docs/lms-pitfalls.md rule 12)",
            )
        elif check_image(path, target, doc.name, line, report):
            sources.images[target] = path
        if not alt:
            report.error(
                doc.name,
                line,
                "markdown.image-alt",
                f"{what} shows the image {target!r} without a text alternative; write what it shows "
                "between the brackets: ![text](...) (WCAG 1.1.1)",
            )


def _check_theme(src: Path, doc: YamlDoc, sources: Sources, report: Report) -> None:
    """The theme's logo, cover and font ship like the description's images (sources.images), once checked; a path
    or type the model refused is already reported at its line."""
    if sources.config is None:
        return
    theme = sources.config.theme
    for key, target in (("logo", theme.logo), ("cover", theme.cover), ("font", theme.font)):
        if target is None:
            continue
        line = doc.line_of("theme", key)
        path = inside(src, target)
        if path is None:
            report.error(
                doc.name,
                line,
                "source.outside-module",
                f"theme.{key} {target!r} leads outside the module folder; copy the file into {shown(src / 'assets')}",
            )
        elif path.is_file() and (real := _real_case(src, target)) != target:
            report.error(
                doc.name,
                line,
                "theme.file-case",
                f"theme.{key} is {target!r} but the file is {real!r}; write the name with the same letter case "
                "(Linux servers and zips tell them apart; docs/lms-pitfalls.md rule 12)",
            )
        elif check_theme_file(path, key, target, doc.name, line, report):
            sources.images[target] = path


def _real_case(src: Path, relative: str) -> str:
    """`relative` spelled as the folder listing spells it (a case-insensitive disk finds `Logo.PNG` as `logo.png`)."""
    parts, folder = [], src
    for part in relative.split("/"):
        try:
            names = os.listdir(folder)
        except OSError:
            return relative
        real = part if part in names else next((n for n in names if n.casefold() == part.casefold()), part)
        parts.append(real)
        folder = folder / real
    return "/".join(parts)


def _case_twin(images: dict[str, Path], target: str) -> str | None:
    return next((name for name in images if name != target and name.casefold() == target.casefold()), None)


def _line(doc: YamlDoc, loc: tuple, offset: int) -> int | None:
    """The file line of line `offset` of a text field; in a literal block (`key: |`) the text starts on the next
    line and keeps its line breaks, otherwise the key's line is the best there is."""
    line = doc.line_of(*loc)
    node = doc.raw
    for part in loc:
        node = node[part]
    if isinstance(node, LiteralScalarString) and line is not None:
        line += 1 + offset
    return line


def check_references(sources: Sources, report: Report) -> None:
    """Rules across files: unique ids, objectives used and defined, draw within the item count."""
    doc, quiz_doc = sources.module_doc, sources.quiz_doc
    assert doc is not None
    objectives: dict[str, int | None] = {}
    raw_objectives = doc.get("objectives")
    for index, objective in enumerate(raw_objectives if isinstance(raw_objectives, list) else []):
        oid = objective.get("id") if isinstance(objective, dict) else None
        if not isinstance(oid, str):
            continue
        line = doc.line_of("objectives", index, "id")
        if oid in objectives:
            _used_twice(report, doc, line, "module.duplicate-objective", f"objective id {oid!r}", objectives[oid])
            continue
        objectives[oid] = line

    tracking = doc.get("tracking")
    if not sources.has_quiz and isinstance(tracking, dict):
        for key, needs in (("completion", ("quiz", "slides_and_quiz")), ("success", ("quiz",))):
            if tracking.get(key) in needs:
                report.error(
                    doc.name,
                    doc.line_of("tracking", key),
                    "tracking.needs-quiz",
                    f"tracking.{key} is {tracking[key]!r} but the module has no quiz; "
                    "add a quiz section or set "
                    + ("tracking.completion: slides" if key == "completion" else "tracking.success: none"),
                )

    if quiz_doc is None or not isinstance(quiz_doc.data, dict):
        return  # no quiz, or it could not be read: objective use cannot be judged
    items = _raw_items(quiz_doc)
    seen: dict[str, int | None] = {}
    used: set[str] = set()
    for index, item in enumerate(items):
        iid = item.get("id")
        if isinstance(iid, str):
            line = quiz_doc.line_of("items", index, "id")
            if iid in seen:
                _used_twice(report, quiz_doc, line, "quiz.duplicate-id", f"item id {iid!r}", seen[iid])
            else:
                seen[iid] = line
        objective = item.get("objective")
        if not isinstance(objective, str):
            continue
        used.add(objective)
        if objective not in objectives:
            close = difflib.get_close_matches(objective, list(objectives), n=1, cutoff=0.6)
            hint = (
                f"did you mean {close[0]!r}?"
                if close
                else f"use one of: {', '.join(objectives)}, or add it to objectives in module.yaml"
            )
            report.error(
                quiz_doc.name,
                quiz_doc.line_of("items", index, "objective"),
                "quiz.unknown-objective",
                f"item {iid!r} names objective {objective!r}, which module.yaml does not define; {hint}",
            )
    # Without one readable item, "not assessed" would only repeat the quiz.yaml errors.
    judged = any(item for item in items)
    for oid, line in objectives.items():
        if judged and oid not in used:
            # A warning: a module may teach what its quiz does not test (issue 12).
            report.warning(
                doc.name,
                line,
                "quiz.unused-objective",
                f"objective {oid!r} is not assessed by any quiz item; "
                f"tag an item with objective: {oid} if the quiz should test it",
            )
    draw = doc.get("quiz", "draw")
    if isinstance(draw, int) and not isinstance(draw, bool) and items and draw > len(items):
        report.error(
            doc.name,
            doc.line_of("quiz", "draw"),
            "quiz.draw-too-large",
            f"quiz.draw is {draw} but {quiz_doc.path.name} has only {len(items)} items; "
            f"lower draw to {len(items)} or less, or add items",
        )


def check_objective_slides(doc: YamlDoc, pages: int, pdf: str, report: Report) -> None:
    """Every slide an objective lists is a page of the deck (1..pages): the results screen links to it.

    Read from the file as written, so a wrong number is reported even when module.yaml has other errors; what is
    not a number from 1 is the model's to report (model.Objective)."""
    raw = doc.get("objectives")
    for index, objective in enumerate(raw if isinstance(raw, list) else []):
        numbers = objective.get("slides") if isinstance(objective, dict) else None
        if not isinstance(numbers, list):
            continue
        oid = objective.get("id")
        what = f"objective {oid!r}" if isinstance(oid, str) else f"objectives[{index}]"
        for position, number in enumerate(numbers):
            if isinstance(number, bool) or not isinstance(number, int) or number <= pages:
                continue  # a slide of the deck, or not a number from 1 (the model's to report)
            line = doc.line_of("objectives", index, "slides", position) or doc.line_of("objectives", index, "slides")
            deck, valid = (f"{pages} pages", f"a slide from 1 to {pages}") if pages > 1 else ("1 page", "slide 1")
            report.error(
                doc.name,
                line,
                "module.objective-slide",
                f"{what} lists slide {number}, but {pdf} has only {deck}; write the number of {valid} "
                "(its page number in the PDF), or remove it",
            )
