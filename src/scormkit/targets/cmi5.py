"""cmi5: cmi5.xml (course structure) with one AU, the player with the `cmi5` runtime adapter, and xapi.json.

Course structure: cmi5 spec section 13 (quartz), validated against the official CourseStructure.xsd, then checked
by `scormkit validate`'s cmi5 rules for the faults the XSD lets through and the CATAPULT "must reject" packages
demonstrate
(shared/corpus/manifests/cmi5/catapult-lts_2xx, corpus RESULTS.md): ids that are not absolute IRIs (201-x),
duplicate ids (205-x), an AU url that is absolute-but-broken (206-1), uses a reserved launch parameter (204) or
names a file the package lacks (203-1). The url is relative, which is only allowed inside a zip (202-x): scormkit
always ships cmi5.xml in the zip with the AU.
"""

from __future__ import annotations

from lxml import etree

from scormkit.model import Module
from scormkit.standards import CMI5
from scormkit.targets import register
from scormkit.targets.base import LAUNCH_FILE, parse_own, sub, success_from_quiz
from scormkit.targets.xapi import XapiTargetBase
from scormkit.text import decimal, href, one_line, plain_text, truncate
from scormkit.validate.cmi5 import check_cmi5
from scormkit.validate.scorm import FileIndex

#: The AU is the whole module, in xAPI's sense of "module" (ADL vocabulary).
AU_ACTIVITY_TYPE = "http://adlnet.gov/expapi/activities/module"

#: cmi5 section 13.1.4: AnyWindow lets the LMS choose a frame or a new window; the player works in both
#: (docs/lms-pitfalls.md rule 14) and leaves through returnURL when the LMS gives one.
LAUNCH_METHOD = "AnyWindow"


_TITLE_MAX = 250
_DESCRIPTION_MAX = 2000


def c5(tag: str) -> str:
    return f"{{{CMI5}}}{tag}"


def move_on(module: Module) -> str:
    """The AU's moveOn, from the module's tracking rules (docs/xapi-cmi5.md, "moveOn").

    The player reports a module as done when it is completed and, if the quiz grades it, passed
    (player.js computeStatus: "passed" while incomplete is reported as incomplete). So:
    graded and completed by the quiz alone -> Passed (passing implies a submitted quiz, hence completed);
    graded and completed by the slides (with or without the quiz) -> CompletedAndPassed;
    not graded -> Completed. CompletedOrPassed and NotApplicable never describe a scormkit module.
    """
    if success_from_quiz(module) and module.items:
        return "Passed" if module.config.tracking.completion == "quiz" else "CompletedAndPassed"
    return "Completed"


def mastery_score(module: Module) -> str | None:
    """masteryScore (0..1, at most 4 decimals, cmi5 section 10) when the quiz decides passed/failed."""
    if not (success_from_quiz(module) and module.items) or module.passing_fraction is None:
        return None
    return decimal(module.passing_fraction, places=4)


def _langstring(parent: etree._Element, tag: str, text: str, lang: str) -> None:
    sub(sub(parent, c5(tag)), c5("langstring"), text, {"lang": lang})


@register
class Cmi5Target(XapiTargetBase):
    """cmi5 (quartz) course structure with a single AU: the module."""

    name = "cmi5"
    label = "cmi5"
    runtime = "cmi5"
    manifest_name = "cmi5.xml"

    @property
    def schema_set(self) -> str:
        return "cmi5"

    def build_manifest(self, module: Module, files: list[str]) -> bytes:
        """cmi5.xml, valid against CourseStructure.xsd (base class) and free of what `scormkit validate` finds in a
        cmi5 package (the CATAPULT must-reject faults among them)."""
        data = super().build_manifest(module, files)
        findings, _ = check_cmi5(parse_own(data).getroot(), "cmi5.xml", FileIndex(files, ""), bare=False)
        self.refuse_findings(findings)
        return data

    def manifest_element(self, module: Module, files: list[str]) -> etree._Element:
        iris = self.iris(module)
        config = module.config
        lang = config.language
        title = truncate(one_line(config.title), _TITLE_MAX)
        description = truncate(plain_text(config.description), _DESCRIPTION_MAX)

        root = etree.Element(c5("courseStructure"), nsmap={None: CMI5})  # type: ignore[dict-item]  # lxml-stubs forbid the default namespace key
        course = sub(root, c5("course"), attrib={"id": iris.course})
        _langstring(course, "title", title, lang)
        _langstring(course, "description", description, lang)

        objectives = sub(root, c5("objectives"))
        for objective in config.objectives:
            element = sub(objectives, c5("objective"), attrib={"id": iris.objective(objective.id)})
            _langstring(element, "title", truncate(objective.text, _TITLE_MAX), lang)
            _langstring(element, "description", objective.text, lang)

        attributes = {"id": iris.au, "moveOn": move_on(module)}
        score = mastery_score(module)
        if score is not None:
            attributes["masteryScore"] = score
        attributes["launchMethod"] = LAUNCH_METHOD
        attributes["activityType"] = AU_ACTIVITY_TYPE
        au = sub(root, c5("au"), attrib=attributes)
        _langstring(au, "title", title, lang)
        _langstring(au, "description", description, lang)
        references = sub(au, c5("objectives"))
        for objective in config.objectives:
            sub(references, c5("objective"), attrib={"idref": iris.objective(objective.id)})
        sub(au, c5("url"), href(LAUNCH_FILE))
        return root
