"""What Moodle 4.5 hands a SCORM 2004 SCO as `cmi.scaled_passing_score`, modelled from its public (GPL) code.

No Moodle code is copied here; this describes its behaviour, read in moodle/moodle, mod/scorm/datamodels/ as
stored at the commits named (line numbers could not be read from the stored copies: the places are given by
function and by the statement to search for):

- scormlib.php (commit f44e7d0a), `scorm_get_manifest()`, the `IMSSS:OBJECTIVES` case: every
  `imsss:primaryObjective` and `imsss:objective` of an item becomes one row, in document order, with
  `minnormalizedmeasure` preset to 1.0 (`$objectivedata->minnormalizedmeasure = 1.0;`) and replaced only by an
  `imsss:minNormalizedMeasure` child's text; `satisfiedbymeasure` is stored but not read at launch.
  `scorm_parse_scorm()` inserts the rows into `scorm_seq_objective` in that order
  (`$DB->insert_record('scorm_seq_objective', $obj)`).
- scorm_13lib.php (commit c5d4633f), `get_scorm_default()`, the loop
  `foreach ($objectives as $objective)` after `$DB->get_records('scorm_seq_objective', ...)`: for every row whose
  `minnormalizedmeasure` is not PHP-`empty()` it assigns `cmi.scaled_passing_score`. The last such row wins.

So an item whose primary objective has `minNormalizedMeasure` 0.8 and whose other objectives have none gets
1.0: learners who score 80-99 % are judged "failed" (docs/lms-pitfalls.md rule 23). SCORM 2004 RTE (cmi.scaled_passing_score)
says the value comes from the primary objective's minNormalizedMeasure (CAM default 1.0). The rule compares
the two and warns when they differ.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from lxml import etree

from scormkit.diagnostics import Diagnostic

from .findings import finding
from .scorm import IMSSS, Manifest, decimal_of
from .xmlsafe import line_of

MOODLE_DEFAULT = Decimal("1.0")  # what Moodle stores for an objective without minNormalizedMeasure


@dataclass(frozen=True)
class ObjectiveRow:
    """One `scorm_seq_objective` row as Moodle's importer writes it."""

    objective_id: str
    primary: bool
    satisfied_by_measure: bool
    measure_text: str | None  # the imsss:minNormalizedMeasure text, None when the element is absent
    line: int | None

    @property
    def stored(self) -> str:
        """The value Moodle stores: the element's text, else its default 1.0."""
        return self.measure_text if self.measure_text is not None else str(MOODLE_DEFAULT)


def _php_empty(text: str) -> bool:
    """PHP's empty() on the value read back from the database: '' and a numeric zero are empty."""
    stripped = text.strip()
    return stripped == "" or stripped == "0" or decimal_of(stripped) == 0


def objective_rows(item: etree._Element) -> list[ObjectiveRow]:
    """The rows Moodle's importer writes for one item, in the order `get_scorm_default` reads them."""
    objectives = item.find(f"{{{IMSSS}}}sequencing/{{{IMSSS}}}objectives")
    rows: list[ObjectiveRow] = []
    if objectives is None:
        return rows
    for el in objectives:
        if not isinstance(el.tag, str) or etree.QName(el).namespace != IMSSS:
            continue
        local = etree.QName(el).localname
        if local not in ("primaryObjective", "objective"):
            continue
        mnm = el.find(f"{{{IMSSS}}}minNormalizedMeasure")
        rows.append(
            ObjectiveRow(
                objective_id=(el.get("objectiveID") or "").strip(),
                primary=local == "primaryObjective",
                satisfied_by_measure=(el.get("satisfiedByMeasure") or "").strip() in ("true", "1"),
                measure_text=(mnm.text or "") if mnm is not None else None,
                line=line_of(el),
            )
        )
    return rows


def moodle_passing_score(rows: list[ObjectiveRow]) -> tuple[str | None, ObjectiveRow | None]:
    """(value, row it came from) that get_scorm_default puts in cmi.scaled_passing_score; (None, None) if unset."""
    value: str | None = None
    source: ObjectiveRow | None = None
    for row in rows:
        if not _php_empty(row.stored):
            value, source = row.stored.strip(), row
    return value, source


def primary_passing_score(rows: list[ObjectiveRow]) -> str | None:
    """The primary objective's minNormalizedMeasure (CAM default 1.0): what the SCO should be handed."""
    primary = next((r for r in rows if r.primary), None)
    return primary.stored.strip() if primary is not None else None


def _percent(value: str) -> str:
    d = decimal_of(value)
    if d is None:
        return repr(value)
    shown = f"{d * 100:f}"
    return (shown.rstrip("0").rstrip(".") if "." in shown else shown) + " %"


def check_passing_score(m: Manifest, file: str, lms_name: str) -> list[Diagnostic]:
    """`lms.passing-score`: the SCO would get another passing score from Moodle's launch loop than its own."""
    out: list[Diagnostic] = []
    if m.standard != "scorm2004":
        return out
    for item in m.leaf_items():
        rows = objective_rows(item)
        if not rows:
            continue
        got, source = moodle_passing_score(rows)
        want = primary_passing_score(rows)
        if want is None or (got is not None and decimal_of(got) == decimal_of(want)):
            continue
        if got is None and decimal_of(want) == 0:
            continue  # a pass mark of 0 and none fail nobody
        ident = (item.get("identifier") or "").strip()
        if got is None:
            what = "no cmi.scaled_passing_score (PHP's empty() drops a stored 0)"
        else:
            origin = "its default 1.0 (no minNormalizedMeasure)" if source and source.measure_text is None else got
            name = f"objective {source.objective_id!r}" if source and source.objective_id else "an objective"
            kind = "primary objective" if source and source.primary else name
            what = f"cmi.scaled_passing_score {got} ({_percent(got)}) from {kind}, which stores {origin}"
        intended = f"the primary objective's minNormalizedMeasure is {want} ({_percent(want)})"
        out.append(
            finding(
                "lms.passing-score",
                file,
                line_of(item),
                f"[{lms_name}] item {ident!r}: Moodle 4.5's launch loop (scorm_13lib.php, "
                f"get_scorm_default) hands the SCO {what}, but {intended}; learners are judged against "
                "the wrong pass mark (docs/lms-pitfalls.md rule 23)",
            )
        )
    return out
