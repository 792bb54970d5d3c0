"""What every target shares: the build pipeline (player files + manifest), identifiers and manifest checks.

A target is a small class, one per standard (Sphinx builder style): class variables say what it is, and one method
per packaging file writes that file. `build()` gets every package file but the manifest from the player, then adds
the manifest, which lists them all and is validated against the vendored XSDs before it is returned.
"""

from __future__ import annotations

import abc
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar

from lxml import etree

from scormkit.diagnostics import Diagnostic, Report, ScormkitError, Severity
from scormkit.fileasset import Asset, asset_size
from scormkit.model import Module
from scormkit.player import UnsupportedModule, worst_case_state_length
from scormkit.schemas import schema_dir, validate_xml
from scormkit.standards import MAX_MANIFEST_VERSION, PACKAGE_SIZE_WARNING_BYTES, SERVER_SIDE_SUFFIXES, XML_NS, XSI

__all__ = ["XML_NS", "XSI"]  # re-exported for the targets

#: The launch file of the single SCO; the player writes it (docs/architecture.md).
LAUNCH_FILE = "index.html"


#: The licence notice of the shipped control documents (listed in the SCO resource like any package file).
CONTROL_NOTICE = "schemas-NOTICE.txt"


def control_notice(schema_set: str) -> bytes:
    """Attribution and licence of the shipped control documents (schemas/PROVENANCE.md says where each comes from)."""
    if schema_set == "scorm2004-4th":
        licence = (schema_dir() / "LICENSES" / "Apache-2.0.txt").read_text(encoding="utf-8")
        text = (
            "The XSD and DTD files at the root of this package are the control documents of ADL's SCORM 2004 4th "
            "Edition Conformance Test Suite, Copyright 2014 Advanced Distributed Learning (ADL), redistributed "
            "unchanged under the Apache License, Version 2.0, whose text follows.\n\n" + licence
        )
    else:
        text = (
            "The XSD and DTD files at the root of this package are the SCORM control documents of Advanced "
            "Distributed Learning (ADL), IMS Global Learning Consortium and IEEE LTSC, as redistributed by Rustici "
            'Software LLC in its "Golf Explained" SCORM examples, shared unchanged under the Creative Commons '
            "Attribution 3.0 licence (CC BY 3.0, https://creativecommons.org/licenses/by/3.0/).\n"
        )
    return text.encode("utf-8")


class TargetError(ScormkitError):
    """A target or an option the user asked for does not exist (shown by the CLI, exit code 1)."""

    def __init__(self, code: str, message: str):
        report = Report()
        report.error("<command line>", None, code, message)
        super().__init__(report)
        self.message = message


class OptionError(ValueError):
    """A value a target refuses for one of its options (e.g. an IRI base that cannot make absolute IRIs)."""

    #: The option refused, set by the target that checked it (the check itself does not know the name).
    option: str | None = None


@dataclass(frozen=True)
class TargetOption:
    """An option a target declares: `get_target(name, <name>=value)`, `scormkit pack --<name with dashes>`."""

    name: str
    #: What the option sets, in the plural, for "only scorm2004 has editions".
    things: str
    #: The values it takes (empty: any value `check` accepts).
    choices: tuple[str, ...] = ()
    #: Returns the value to use, or raises OptionError.
    check: Callable[[str], str] | None = None

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")


class ManifestError(RuntimeError):
    """A manifest scormkit wrote is wrong (XSD error, unlisted or unsafe file): a scormkit bug, never the user's."""


@dataclass(frozen=True)
class Identifiers:
    """The XML identifiers of one module's manifest.

    Derived from the module id only, so they stay the same across releases (docs/lms-pitfalls.md rule 13: LMSs key
    learner records and resume data on them), and prefixed so none starts with a digit (rule 12; xsd:ID).
    """

    manifest: str
    organization: str
    item: str
    resource: str

    @classmethod
    def of(cls, module: Module) -> Identifiers:
        module_id = module.config.id
        return cls(
            manifest=f"MANIFEST-{module_id}",
            organization=f"ORG-{module_id}",
            item=f"ITEM-{module_id}",
            resource=f"RES-{module_id}",
        )


def success_from_quiz(module: Module) -> bool:
    """True when the quiz decides passed/failed, so the LMS gets a mastery score (docs/lms-pitfalls.md rule 6)."""
    if module.config.quiz is None:
        return False
    return (module.config.tracking.success or "quiz") == "quiz"


def mastery_percent(module: Module) -> int:
    """The passing score as the integer 0-100 SCORM 1.2 `adlcp:masteryscore` expects.

    A fractional passing score is rounded up, so an LMS that grades from the mastery score (docs/lms-pitfalls.md rule 6)
    never passes a learner the player would fail.
    """
    assert module.config.quiz is not None
    return min(100, math.ceil(module.config.quiz.passing_score - 1e-9))


class Target(abc.ABC):
    """One packaging standard. Subclasses set the class variables and write their manifest."""

    #: Registry key and `scormkit pack --target` value.
    name: ClassVar[str]
    #: What messages call the target ("the suspend_data limit of SCORM 1.2").
    label: ClassVar[str]
    #: Path of the manifest inside the package; None when the target has none (web).
    manifest_name: ClassVar[str | None] = "imsmanifest.xml"
    #: Player runtime adapter (`player/static/adapters/<runtime>.js`).
    runtime: ClassVar[str]
    #: The options the target takes; `__init__` checks every value given against them, and nothing else does.
    options: ClassVar[tuple[TargetOption, ...]] = ()
    #: The edition built when no `edition` option is given (targets with an `edition` option).
    default_edition: ClassVar[str | None] = None

    def __init__(self, **options: str | None):
        #: The options given, checked (TargetError, OptionError) and normalised.
        self.option_values = self.checked_options(options)
        self.edition: str | None = self.option_values.get("edition") or self.default_edition
        #: An edition given on the command line goes into the zip name: packs of several editions must not
        #: overwrite one another (issue 9 item 7); the default edition keeps the plain name.
        self.edition_in_name = "edition" in self.option_values

    @classmethod
    def takes(cls, option: str) -> bool:
        return any(declared.name == option for declared in cls.options)

    @classmethod
    def checked_options(cls, options: Mapping[str, str | None]) -> dict[str, str]:
        """The options given (None: not given), each checked against this target's declarations."""
        from scormkit.targets import TARGETS

        declared = {option.name: option for option in cls.options}
        checked: dict[str, str] = {}
        for name, value in options.items():
            if value is None:
                continue
            option = declared.get(name)
            if option is None:
                takers = {target: o for target, known in TARGETS.items() for o in known.options if o.name == name}
                if not takers:
                    raise TypeError(f"no target takes an option {name!r}")
                elsewhere = next(iter(takers.values()))
                have = "has" if len(takers) == 1 else "have"
                raise TargetError(
                    f"target.{elsewhere.flag[2:]}-not-supported",
                    f"{elsewhere.flag} {value} does not apply to target {cls.name}; "
                    f"only {' and '.join(takers)} {have} {elsewhere.things}",
                )
            if option.choices and value not in option.choices:
                raise TargetError(
                    f"target.unknown-{option.flag[2:]}",
                    f"unknown {cls.name} {option.name.replace('_', ' ')} {value!r}; "
                    f"expected one of {', '.join(option.choices)}",
                )
            try:
                checked[name] = option.check(value) if option.check else value
            except OptionError as problem:
                problem.option = name
                raise
        return checked

    def zip_name(self, module: Module) -> str:
        """dist/ file name: `<id>-<version>-<target>[-<edition>].zip`."""
        edition = f"-{self.edition}" if self.edition_in_name and self.edition else ""
        return f"{module.zip_stem}-{self.name}{edition}.zip"

    @property
    @abc.abstractmethod
    def suspend_data_limit(self) -> int:
        """Characters of resume state the runtime guarantees to keep (docs/lms-pitfalls.md rule 1)."""

    @property
    def schema_set(self) -> str | None:
        """Name of the vendored XSD set the manifest is validated against (scormkit.schemas.SCHEMA_SETS)."""
        return None

    def __repr__(self) -> str:
        edition = f", edition={self.edition!r}" if self.edition else ""
        return f"<{type(self).__name__} {self.name}{edition}>"

    # ---- pipeline -------------------------------------------------------------------------------------

    def build(self, module: Module) -> dict[str, Asset]:
        """Every file of the package, by path (bytes, or a FileAsset the zip writer streams): the player's files plus
        the validated manifest.

        Raises UnsupportedModule when the module's worst-case resume data is longer than the target keeps
        (docs/lms-pitfalls.md rule 1), and ManifestError when what it wrote is wrong (a scormkit bug)."""
        from scormkit.player import build_player  # looked up when called: tests stand a fake player in

        self.check_resume_budget(module)
        files = dict(build_player(module, self.runtime, state_budget=self.suspend_data_limit))
        documents = self.control_documents()
        if documents:
            files[CONTROL_NOTICE] = control_notice(self.schema_set or "")
        if self.manifest_name is not None:
            if self.manifest_name in files:
                raise ManifestError(f"the player returned {self.manifest_name}; only the target writes it")
            files[self.manifest_name] = self.build_manifest(module, sorted(files))
        # Added after the manifest is written: control documents are not content, so, as in real packages, no
        # resource lists them (docs/lms-pitfalls.md rule 26; validate does not count them as unlisted files).
        files.update(documents)
        return {path: files[path] for path in sorted(files)}

    def control_documents(self) -> dict[str, bytes]:
        """The XSD control documents shipped at the zip root (SCORM targets override this)."""
        return {}

    def build_manifest(self, module: Module, files: list[str]) -> bytes:
        """The manifest listing `files` (every package file but the manifest), validated against its XSD set."""
        if self.manifest_name is None or self.schema_set is None:
            raise NotImplementedError(f"target {self.name} has no manifest")
        self.check_files(files)
        self.check_module(module)
        data = serialize(self.manifest_element(module, sorted(files)))
        errors = validate_xml(parse_own(data), self.schema_set)
        if errors:
            raise ManifestError(
                f"scormkit bug: the {self.manifest_name} written for target {self.name} "
                f"({self.schema_set}) fails its XSD:\n" + "\n".join(errors)
            )
        return data

    def manifest_element(self, module: Module, files: list[str]) -> etree._Element:
        """The manifest's root element (subclasses with a manifest override this)."""
        raise NotImplementedError(f"target {self.name} has no manifest")

    # ---- checks ---------------------------------------------------------------------------------------

    def check_files(self, files: list[str]) -> None:
        """Refuse a file list no LMS would accept: these paths come from scormkit, so a failure is our bug."""
        problems: list[str] = []
        seen: dict[str, str] = {}
        for path in files:
            # docs/lms-pitfalls.md rule 12: no href starting with '/', manifest at the root only once, no case-only
            # collisions; backslashes and '..' would escape or break the package on some LMSs.
            if not path or path.startswith("/") or "\\" in path or ".." in path.split("/") or "//" in path:
                problems.append(f"unsafe package path {path!r}")
            if path == self.manifest_name:
                problems.append(f"{path} is written by the target, not listed as a file")
            if path.lower().endswith(SERVER_SIDE_SUFFIXES):
                problems.append(f"{path}: server-side files are refused by some LMSs (docs/lms-pitfalls.md rule 12)")
            folded = path.casefold()
            if folded in seen:
                problems.append(f"{path} and {seen[folded]} differ only by case (docs/lms-pitfalls.md rule 12)")
            seen[folded] = path
        if LAUNCH_FILE not in files:
            problems.append(f"the launch file {LAUNCH_FILE} is missing")
        if problems:
            raise ManifestError("scormkit bug: cannot list these package files:\n" + "\n".join(problems))

    def package_warnings(self, files: dict[str, Asset]) -> Report:
        """Warnings about a built package the user may want to act on (for `api.pack` to show)."""
        report = Report()
        total = sum(asset_size(data) for data in files.values())
        if total > PACKAGE_SIZE_WARNING_BYTES:
            largest = sorted(files, key=lambda path: asset_size(files[path]), reverse=True)[:3]
            report.warning(
                "module.yaml",
                None,
                "package.too-large",
                f"the {self.name} package holds {total / 1048576:.1f} MB of files; Open edX rejects packages over "
                f"50 MB and other LMSs get slow (docs/lms-pitfalls.md rule 19). Largest: {', '.join(largest)}. Lower "
                "slides.width or slides.quality, or set slides.download: false",
            )
        return report

    def check_resume_budget(self, module: Module) -> None:
        """Refuse a module whose resume data could outgrow what the runtime keeps (docs/lms-pitfalls.md rule 1)."""
        worst = worst_case_state_length(module)
        if worst > self.suspend_data_limit:
            raise UnsupportedModule(
                f"worst-case resume data is {worst} characters, over the {self.suspend_data_limit}-character "
                f"suspend_data limit of {self.label}; reduce the number of quiz items or slides, shorten fill-in "
                "answers, or use a target with a larger limit (SCORM 2004 3rd/4th edition allows 64,000)"
            )

    def refuse_findings(self, findings: Sequence[Diagnostic]) -> None:
        """Refuse what `scormkit validate`'s own rules find in a file this target wrote: a scormkit bug, named by
        rule (the targets carry no second validator, issue 10 item 2)."""
        faults = [f for f in findings if f.severity is not Severity.INFO]
        if faults:
            raise ManifestError(
                f"scormkit bug: the {self.manifest_name} written for target {self.name} breaks validate's rules:\n"
                + "\n".join(f"{f.code}: {f.message}" for f in faults)
            )

    def check_module(self, module: Module) -> None:
        """Module values the standard cannot carry: the user's to fix, reported like any source error."""
        if len(module.config.version) > MAX_MANIFEST_VERSION:
            report = Report()
            report.error(
                "module.yaml",
                None,
                "target.version-too-long",
                f"version {module.config.version!r} has {len(module.config.version)} characters; the {self.name} "
                f"manifest allows at most {MAX_MANIFEST_VERSION} (IMS CP `version`): shorten it",
            )
            raise ScormkitError(report)


# ---- XML output -----------------------------------------------------------------------------------------


def serialize(root: etree._Element) -> bytes:
    """Pretty-printed UTF-8 with an XML declaration; the same tree always gives the same bytes."""
    etree.indent(root, space="  ")
    # The declaration is written by hand for lxml's single quotes: a few LMS importers sniff the first line.
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + etree.tostring(root, encoding="UTF-8", pretty_print=True)


def parse_own(data: bytes) -> etree._ElementTree:
    """Parse XML scormkit wrote, with entities and network off (like any untrusted XML)."""
    parser = etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False, remove_blank_text=False)
    return etree.ElementTree(etree.fromstring(data, parser))


def sub(
    parent: etree._Element, tag: str, text: str | None = None, attrib: dict[str, str] | None = None
) -> etree._Element:
    """Append a child element (Clark-notation tag and attribute names) with optional text and attributes."""
    child = etree.SubElement(parent, tag, attrib or {})
    if text is not None:
        child.text = text
    return child
