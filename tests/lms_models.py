"""What real LMSs do with a package, modelled for tests on their public code (never copied; Moodle is GPL).

Each function cites the file it models; rule numbers refer to docs/lms-pitfalls.md.
"""

from __future__ import annotations

from lxml import etree

IMSCP_2004 = "http://www.imsglobal.org/xsd/imscp_v1p1"
IMSSS = "http://www.imsglobal.org/xsd/imsss"
NS = {"cp": IMSCP_2004, "imsss": IMSSS}


def moodle_scaled_passing_score(root: etree._Element) -> float | None:
    """The `cmi.scaled_passing_score` Moodle 4.5 hands a SCORM 2004 SCO (docs/lms-pitfalls.md rule 23):

    - mod/scorm/datamodels/scormlib.php (scorm_parse_scorm, the IMSSS:OBJECTIVES branch) stores one
      scorm_seq_objective row per `imsss:primaryObjective` / `imsss:objective`, in manifest order, with
      minnormalizedmeasure 1.0 unless the objective has an `imsss:minNormalizedMeasure` child (its text; 0 if
      empty);
    - mod/scorm/datamodels/scorm_13lib.php (get_scorm_default, the scorm_seq_objective loop) walks those rows and
      sets cmi.scaled_passing_score from every row with a non-empty minnormalizedmeasure: the LAST row wins.
      The column is a float, so every stored value (0.00000 included) reads back as a non-empty string.

    None when the item has no objectives at all. `root` is the manifest of a single-SCO package.
    """
    value = None
    for objective in root.xpath("//cp:item/imsss:sequencing/imsss:objectives/*", namespaces=NS):
        measure = objective.xpath("imsss:minNormalizedMeasure", namespaces=NS)
        value = 1.0 if not measure else float((measure[0].text or "0").strip() or 0)
    return value
