"""`scormkit diff OLD NEW`: what a course update changes for learners in progress and for the LMS's records.

Any two packages of any standard (ours or anyone's). Each change is classified:

- breaking: the LMS's records or the learners' in-progress attempts no longer line up (manifest, SCO, AU or
  course identifiers, activity IRIs, question ids removed or renamed, mastery or completion rule, resume-state
  format, standard or edition);
- quiz reset: saved quiz answers no longer apply, so the player restarts the quiz (the resume fingerprint
  `stateKey` changed: question types, choices, steps, pairs or their count); slide progress is kept;
- safe: texts, images and other files; new items or questions.

Packages are read the way `scormkit validate` reads them (never extracted, bounded reads, XML with entities and
network off); a package validate cannot open is reported with validate's own finding.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path, PurePosixPath

from lxml import etree

from scormkit.diagnostics import Report, ScormkitError
from scormkit.validate import scorm
from scormkit.validate.cmi5 import CMI5
from scormkit.validate.package import Package, ReadError, locate_manifest, open_package
from scormkit.validate.xmlsafe import parse

BREAKING, QUIZ_RESET, SAFE = "breaking", "quiz reset", "safe"
KIND_ORDER = {BREAKING: 0, QUIZ_RESET: 1, SAFE: 2}
TEXT_EXT = {
    ".html",
    ".htm",
    ".xhtml",
    ".js",
    ".mjs",
    ".css",
    ".json",
    ".txt",
    ".md",
    ".xml",
    ".vtt",
    ".srt",
    ".svg",
    ".xlf",
    ".xliff",
}
IMAGE_EXT = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".bmp", ".ico"}
MAX_JSON = 16 * 1024 * 1024


@dataclass(frozen=True)
class Change:
    kind: str  # BREAKING | QUIZ_RESET | SAFE
    code: str  # stable, e.g. "diff.sco-removed"
    message: str

    def to_dict(self) -> dict:
        return {"kind": self.kind, "code": self.code, "message": self.message}


@dataclass
class Snapshot:
    """What of one package matters to an LMS and to a learner in progress."""

    path: Path
    standard: str | None = None
    edition: str | None = None
    label: str = "unknown"
    ids: dict[str, dict[str, str]] = field(default_factory=dict)  # category -> {id: detail}
    mastery: dict[str, str] = field(default_factory=dict)  # unit id -> mastery value
    completion: dict[str, str] = field(default_factory=dict)  # unit id -> completion rule
    course: dict | None = None  # our course.json
    iris: dict[str, str] = field(default_factory=dict)  # our xapi.json: what -> activity IRI
    files: dict[str, str] = field(default_factory=dict)  # path -> content digest


@dataclass
class DiffResult:
    old: Snapshot
    new: Snapshot
    changes: list[Change]

    @property
    def breaking(self) -> list[Change]:
        return [c for c in self.changes if c.kind == BREAKING]

    @property
    def quiz_reset(self) -> list[Change]:
        return [c for c in self.changes if c.kind == QUIZ_RESET]

    @property
    def verdict(self) -> str:
        if self.breaking:
            return BREAKING
        if self.quiz_reset:
            return QUIZ_RESET
        return SAFE if self.changes else "identical"

    @property
    def exit_code(self) -> int:
        return 1 if self.breaking else 0

    def reupload_note(self) -> str:
        """What the LMS administrator should do with NEW."""
        if self.breaking:
            return (
                "Upload NEW as a new activity (a new SCORM/cmi5/xAPI object), not as an update of the old one: "
                "the LMS keys learner records on what changed, so updating in place would orphan or misread "
                "the records of learners in progress. Keep the old activity until its learners have finished."
            )
        if self.quiz_reset:
            return (
                "Update the existing activity in place (e.g. Moodle: replace the package file; most LMSs: "
                "'update content' or 'new version'). Learners keep their slide progress and recorded "
                "results; those in the middle of the quiz start it again."
            )
        return (
            "Update the existing activity in place; learners keep their progress and their records."
            if self.changes
            else "Nothing to upload: the packages are the same for learners and the LMS."
        )

    def sorted_changes(self) -> list[Change]:
        return sorted(self.changes, key=lambda c: (KIND_ORDER[c.kind], c.code, c.message))

    def to_dict(self) -> dict:
        def side(s: Snapshot) -> dict:
            return {"path": str(s.path), "standard": s.standard, "edition": s.edition}

        return {
            "schema_version": 1,
            "tool": "scormkit",
            "old": side(self.old),
            "new": side(self.new),
            "verdict": self.verdict,
            "changes": [c.to_dict() for c in self.sorted_changes()],
            "reupload": self.reupload_note(),
        }


# --- reading a package ---------------------------------------------------------------------------------------


def _fail(path: Path, message: str) -> ScormkitError:
    report = Report()
    report.error(str(path), None, "diff.unreadable", message)
    return ScormkitError(report)


def _digests(pkg: Package) -> dict[str, str]:
    if pkg.kind == "zip":
        return {n: f"{pkg._infos[n].CRC:08x}:{pkg._infos[n].file_size}" for n in pkg.sizes if n in pkg._infos}
    out = {}
    for n in pkg.sizes:
        full = pkg.path / n
        if full.is_file() and not full.is_symlink():
            out[n] = hashlib.sha256(full.read_bytes()).hexdigest()
    return out


def _read_json(pkg: Package, name: str) -> dict | None:
    if name not in pkg.sizes:
        return None
    try:
        value = json.loads(pkg.read(name, MAX_JSON))
    except (ReadError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def snapshot(path: Path) -> Snapshot:
    """Read one package; raises ScormkitError naming the package when it cannot be read."""
    path = Path(path)
    snap = Snapshot(path=path)
    pkg = open_package(path)
    try:
        fatal = [f for f in pkg.findings if f.code in ("pkg.not-found", "zip.corrupt")]
        if fatal and not pkg.sizes:
            raise _fail(path, fatal[0].message)
        if pkg.kind == "file":
            raise _fail(path, "diff needs the packages (a .zip or an unzipped folder), not a bare manifest")
        name, prefix, _found = locate_manifest(pkg)
        if name is None:
            raise _fail(path, "no imsmanifest.xml, cmi5.xml or tincan.xml found")
        try:
            data = pkg.read(name, pkg.limits.max_manifest)
        except ReadError as exc:
            raise _fail(path, f"{name}: {exc.finding.message}") from exc
        root, found = parse(data, name)
        if root is None:
            raise _fail(path, f"{name}: {found[0].message if found else 'cannot be parsed'}")
        snap.files = {n[len(prefix) :]: d for n, d in _digests(pkg).items() if n.startswith(prefix)}
        snap.course = _read_json(pkg, prefix + "course.json")
        xapi = _read_json(pkg, prefix + "xapi.json")
        if xapi:
            snap.iris = _our_iris(xapi)
        base = PurePosixPath(name).name
        if base == "imsmanifest.xml":
            _scorm(root, name, snap)
        elif base == "cmi5.xml":
            _cmi5(root, snap)
        else:
            _tincan(root, snap)
    finally:
        pkg.close()
    return snap


def _scorm(root: etree._Element, name: str, snap: Snapshot) -> None:
    std, ed, _ = scorm.detect(root, name)
    if std is None:
        raise _fail(snap.path, f"{name}: not a SCORM manifest")
    snap.standard, snap.edition = std, ed
    snap.label = "SCORM 1.2" if std == "scorm12" else f"SCORM 2004 {ed} Edition"
    m = scorm.load(root, std)
    snap.ids["manifest"] = {(root.get("identifier") or "").strip(): "manifest"}
    snap.ids["organization"] = {(o.get("identifier") or "").strip(): "organization" for o in m.organizations}
    items: dict[str, str] = {}
    for item in m.leaf_items():
        ident = (item.get("identifier") or "").strip()
        ref = (item.get("identifierref") or "").strip()
        res = m.resources.get(ref)
        kind = (res.scormtype or "").strip().lower() if res is not None else ""
        items[ident] = f"{'SCO' if kind == 'sco' else 'asset'} -> resource {ref!r}"
        if std == "scorm12":
            ms = item.find(f"{{{m.adlcp}}}masteryscore")
            if ms is not None:
                snap.mastery[ident] = (ms.text or "").strip()
        else:
            mnm = item.find(
                f"{{{scorm.IMSSS}}}sequencing/{{{scorm.IMSSS}}}objectives/"
                f"{{{scorm.IMSSS}}}primaryObjective/{{{scorm.IMSSS}}}minNormalizedMeasure"
            )
            if mnm is not None:
                snap.mastery[ident] = (mnm.text or "").strip()
            ct = item.find(f"{{{m.adlcp}}}completionThreshold")
            if ct is not None:
                rule = " ".join(
                    f"{k}={ct.get(k)}"
                    for k in ("completedByMeasure", "minProgressMeasure", "progressWeight")
                    if ct.get(k) is not None
                )
                snap.completion[ident] = (rule + " " + (ct.text or "").strip()).strip()
    snap.ids["item"] = items
    snap.ids["resource"] = {
        r.identifier: (r.href or "").strip()
        for r in m.resources.values()
        if (r.scormtype or "").strip().lower() == "sco"
    }
    objectives = {}
    for obj in root.iter(f"{{{scorm.IMSSS}}}primaryObjective", f"{{{scorm.IMSSS}}}objective"):
        oid = (obj.get("objectiveID") or "").strip()
        if oid:
            objectives[oid] = "objective"
    snap.ids["objective"] = objectives


def _cmi5(root: etree._Element, snap: Snapshot) -> None:
    if etree.QName(root).namespace != CMI5:
        raise _fail(snap.path, "cmi5.xml is not a cmi5 courseStructure")
    snap.standard, snap.label = "cmi5", "cmi5"

    def q(local: str) -> str:
        return f"{{{CMI5}}}{local}"

    course = root.find(q("course"))
    snap.ids["course"] = {(course.get("id") or "").strip(): "course"} if course is not None else {}
    snap.ids["block"] = {(b.get("id") or "").strip(): "block" for b in root.iter(q("block"))}
    aus = {}
    for au in root.iter(q("au")):
        ident = (au.get("id") or "").strip()
        url = au.find(q("url"))
        aus[ident] = (url.text or "").strip() if url is not None else ""
        mastery = au.get("masteryScore")
        if mastery is not None:
            snap.mastery[ident] = mastery.strip()
        snap.completion[ident] = f"moveOn={au.get('moveOn') or 'NotApplicable'}"
    snap.ids["au"] = aus
    snap.ids["objective"] = {(o.get("id") or "").strip(): "objective" for o in root.iter(q("objective")) if o.get("id")}


def _tincan(root: etree._Element, snap: Snapshot) -> None:
    snap.standard, snap.label = "xapi", "xAPI (tincan.xml)"
    ns = etree.QName(root).namespace
    tag = f"{{{ns}}}activity" if ns else "activity"
    snap.ids["activity"] = {(a.get("id") or "").strip(): (a.get("type") or "") for a in root.iter(tag)}


def _our_iris(xapi: dict) -> dict[str, str]:
    """Activity IRIs scormkit's player sends (xapi.json): the course, quiz, questions, objectives, slides."""
    out: dict[str, str] = {}
    for key in ("course", "quiz"):
        if isinstance(xapi.get(key), dict) and xapi[key].get("id"):
            out[key] = xapi[key]["id"]
    for group in ("items", "objectives"):
        for k, v in (xapi.get(group) or {}).items():
            if isinstance(v, dict) and v.get("id"):
                out[f"{group[:-1]} {k}"] = v["id"]
    for i, v in enumerate(xapi.get("slides") or [], 1):
        if isinstance(v, dict) and v.get("id"):
            out[f"slide {i}"] = v["id"]
    return out


# --- comparing -----------------------------------------------------------------------------------------------

_ID_CODES = {
    "manifest": "diff.manifest-id",
    "organization": "diff.organization-id",
    "item": "diff.item-id",
    "resource": "diff.sco-id",
    "objective": "diff.objective-id",
    "course": "diff.course-id",
    "block": "diff.block-id",
    "au": "diff.au-id",
    "activity": "diff.activity-id",
}
_WHY = {
    "manifest": "LMSs identify the package by it",
    "organization": "the LMS's course structure is keyed on it",
    "item": "the LMS keys each learner's tracking data on the item identifier",
    "resource": "the SCO's records and launch are keyed on it",
    "objective": "objective records (cmi.objectives, LRS objective activities) are keyed on it",
    "course": "the LMS and the LRS key the course registration on it",
    "block": "the LMS's course structure is keyed on it",
    "au": "the LMS keys registrations, moveOn and statements on the AU id",
    "activity": "statements in the LRS are keyed on the activity id",
}


def _compare_ids(old: Snapshot, new: Snapshot, out: list[Change]) -> None:
    for cat in dict.fromkeys([*old.ids, *new.ids]):
        a, b = old.ids.get(cat, {}), new.ids.get(cat, {})
        removed, added = sorted(set(a) - set(b)), sorted(set(b) - set(a))
        for ident in removed:
            renamed = f" (NEW has {', '.join(repr(x) for x in added)})" if added and len(removed) == 1 else ""
            out.append(
                Change(
                    BREAKING,
                    _ID_CODES.get(cat, "diff.id"),
                    f"{cat} {ident!r} is removed or renamed{renamed}: {_WHY.get(cat, 'records are keyed on it')}",
                )
            )
        for ident in added:
            if not removed:
                out.append(Change(SAFE, _ID_CODES.get(cat, "diff.id") + "-added", f"new {cat} {ident!r}"))


def _number(text: str | None) -> object:
    """ "0.80" and "0.8" are one pass mark."""
    try:
        return Decimal(text.strip()) if text is not None else None
    except InvalidOperation:
        return text


def _units(s: Snapshot) -> set[str]:
    return set(s.ids.get("item", {})) | set(s.ids.get("au", {}))


def _compare_rules(old: Snapshot, new: Snapshot, out: list[Change]) -> None:
    """Mastery and completion of the units (SCORM items, cmi5 AUs) both packages have."""
    both = _units(old) & _units(new)
    for unit in sorted(both & (set(old.mastery) | set(new.mastery))):
        a, b = old.mastery.get(unit), new.mastery.get(unit)
        if _number(a) != _number(b):
            out.append(
                Change(
                    BREAKING,
                    "diff.mastery",
                    f"mastery of {unit!r} changes from {a or 'none'} to {b or 'none'}: learners already "
                    "judged by the old pass mark keep that status, new attempts get the new one",
                )
            )
    for unit in sorted(both & (set(old.completion) | set(new.completion))):
        a, b = old.completion.get(unit), new.completion.get(unit)
        if a != b:
            out.append(
                Change(
                    BREAKING,
                    "diff.completion",
                    f"completion rule of {unit!r} changes from {a or 'none'} to {b or 'none'}",
                )
            )


def _compare_course(old: Snapshot, new: Snapshot, out: list[Change]) -> None:
    """Our own packages: course.json (quiz, tracking, resume state) and xapi.json (activity IRIs)."""
    a, b = old.course, new.course
    if a is not None and b is not None:
        if a.get("id") != b.get("id"):
            out.append(
                Change(
                    BREAKING,
                    "diff.module-id",
                    f"module id changes from {a.get('id')!r} to "
                    f"{b.get('id')!r}: resume data and records are keyed on it",
                )
            )
        if a.get("format") != b.get("format"):
            out.append(
                Change(
                    BREAKING,
                    "diff.state-format",
                    f"resume-state format changes from {a.get('format')} to {b.get('format')}: a player "
                    "that does not know the old format starts learners over",
                )
            )
        if a.get("tracking") != b.get("tracking"):
            out.append(
                Change(
                    BREAKING,
                    "diff.completion",
                    f"tracking rule changes from {json.dumps(a.get('tracking'), sort_keys=True)} to "
                    f"{json.dumps(b.get('tracking'), sort_keys=True)}",
                )
            )
        qa, qb = a.get("quiz") or {}, b.get("quiz") or {}
        if qa.get("passingScore") != qb.get("passingScore"):
            out.append(
                Change(
                    BREAKING,
                    "diff.mastery",
                    f"quiz passing score changes from {qa.get('passingScore')} to {qb.get('passingScore')}",
                )
            )
        items_a = {i.get("id"): i for i in qa.get("items") or [] if isinstance(i, dict)}
        items_b = {i.get("id"): i for i in qb.get("items") or [] if isinstance(i, dict)}
        # key=str: an item without an id (None) sorts beside the others instead of failing the comparison
        gone, new_ids = sorted(set(items_a) - set(items_b), key=str), sorted(set(items_b) - set(items_a), key=str)
        for iid in gone:
            out.append(
                Change(
                    BREAKING,
                    "diff.question-id",
                    f"question {iid!r} is removed or renamed: LMS interaction reports and LRS question "
                    "activities are keyed on its id",
                )
            )
        for iid in new_ids:
            out.append(Change(SAFE, "diff.question-added", f"new question {iid!r}"))
        structural = ("type", "interactionType", "choices", "steps", "sources", "targets")
        for iid in sorted(set(items_a) & set(items_b), key=str):
            ia, ib = items_a[iid], items_b[iid]
            if ia.get("type") != ib.get("type"):
                out.append(
                    Change(
                        QUIZ_RESET,
                        "diff.question-type",
                        f"question {iid!r} changes type from {ia.get('type')} to {ib.get('type')}",
                    )
                )
            elif any(_ids(ia.get(k)) != _ids(ib.get(k)) for k in structural[2:]):
                out.append(
                    Change(
                        QUIZ_RESET,
                        "diff.question-structure",
                        f"question {iid!r}: its choices, steps or pairs (ids or count) change",
                    )
                )
            elif {k: v for k, v in ia.items() if k not in structural} != {
                k: v for k, v in ib.items() if k not in structural
            }:
                out.append(Change(SAFE, "diff.question-text", f"question {iid!r}: text, answers or feedback change"))
        if a.get("stateKey") != b.get("stateKey"):
            out.append(
                Change(
                    QUIZ_RESET,
                    "diff.state-key",
                    f"the resume fingerprint (stateKey) changes from {a.get('stateKey')} to "
                    f"{b.get('stateKey')}: learners in the middle of the quiz start it again (slide "
                    "progress is kept)",
                )
            )
        elif qa.get("attempts") != qb.get("attempts"):
            out.append(
                Change(
                    SAFE,
                    "diff.attempts",
                    f"attempts allowed change from {qa.get('attempts') or 'unlimited'}"
                    f" to {qb.get('attempts') or 'unlimited'}",
                )
            )
    for what in sorted(set(old.iris) & set(new.iris)):
        if old.iris[what] != new.iris[what]:
            out.append(
                Change(
                    BREAKING,
                    "diff.activity-iri",
                    f"{what}: activity IRI changes from {old.iris[what]} to {new.iris[what]}: the LRS "
                    "keys statements on it",
                )
            )


def _ids(value: object) -> list:
    if not isinstance(value, list):
        return []
    return [v.get("id") if isinstance(v, dict) else v for v in value]


def _compare_files(old: Snapshot, new: Snapshot, out: list[Change]) -> None:
    a, b = old.files, new.files
    changed = sorted(n for n in set(a) & set(b) if a[n] != b[n])
    added, removed = sorted(set(b) - set(a)), sorted(set(a) - set(b))
    if not (changed or added or removed):
        return

    def kinds(names: list[str]) -> str:
        text = sum(1 for n in names if posixpath.splitext(n)[1].lower() in TEXT_EXT)
        images = sum(1 for n in names if posixpath.splitext(n)[1].lower() in IMAGE_EXT)
        parts = [f"{text} text"] if text else []
        parts += [f"{images} image"] if images else []
        parts += [f"{len(names) - text - images} other"] if len(names) - text - images else []
        return ", ".join(parts)

    for label, names in (("changed", changed), ("added", added), ("removed", removed)):
        if names:
            shown = ", ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")
            out.append(Change(SAFE, f"diff.files-{label}", f"{len(names)} file(s) {label} ({kinds(names)}): {shown}"))


def diff_packages(old_path: Path, new_path: Path) -> DiffResult:
    """Compare two packages; raises ScormkitError when one cannot be read."""
    old, new = snapshot(Path(old_path)), snapshot(Path(new_path))
    changes: list[Change] = []
    if (old.standard, old.edition) != (new.standard, new.edition):
        changes.append(
            Change(
                BREAKING,
                "diff.standard",
                f"the standard changes from {old.label} to {new.label}: an LMS activity of one "
                "standard cannot take a package of another",
            )
        )
    _compare_ids(old, new, changes)
    if (old.standard, old.edition) == (new.standard, new.edition):  # 80 (1.2) and 0.8 (2004) are not comparable
        _compare_rules(old, new, changes)
    _compare_course(old, new, changes)
    _compare_files(old, new, changes)
    return DiffResult(old, new, list(dict.fromkeys(changes)))


def render_text(result: DiffResult) -> str:
    lines = [f"{result.old.path} -> {result.new.path}: {result.old.label} -> {result.new.label}"]
    width = max((len(c.kind) for c in result.changes), default=4)
    for c in result.sorted_changes():
        lines.append(f"  {c.kind:<{width}}  {c.code}: {c.message}")
    counts = ", ".join(f"{len([c for c in result.changes if c.kind == k])} {k}" for k in (BREAKING, QUIZ_RESET, SAFE))
    lines.append(f"verdict: {result.verdict} ({counts})")
    lines.append(f"re-upload: {result.reupload_note()}")
    return "\n".join(lines) + "\n"
