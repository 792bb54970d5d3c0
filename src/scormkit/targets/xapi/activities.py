"""xAPI vocabulary shared by the xapi and cmi5 targets: IRIs derived from the module id, activity definitions.

Every IRI is absolute (docs/lms-pitfalls.md rule 17; cmi5 3.0.0.0-1) and derived from the module id only, never from the
version, so statements of every release of a module land on the same activities (rule 13). The base is
configurable (docs/xapi-cmi5.md, "Identifiers"): `iri_base=` on the target, else module.yaml `xapi.iri_base`,
else the SCORMKIT_XAPI_IRI_BASE environment variable, else DEFAULT_IRI_BASE.

Activity definitions are built with the `tincan` package, so their JSON shape (interactionType,
correctResponsesPattern, choices/source/target) is the one the xAPI 1.0.3 spec and its reference library use.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

from tincan import Activity, ActivityDefinition

from scormkit.model import PLAIN_TEXT_MAX, ItemBase, Module
from scormkit.standards import IRI_EXCLUDED
from scormkit.targets.base import OptionError
from scormkit.text import one_line, plain_text, truncate

#: `.example` is reserved (RFC 2606), so the default never collides with anyone's real activities. Publishers
#: should set their own base (a domain they control) before the first release: changing it later splits the
#: learner records in the LRS, like changing the module id would.
DEFAULT_IRI_BASE = "https://scormkit.example/xapi"
IRI_BASE_ENV = "SCORMKIT_XAPI_IRI_BASE"

#: Names of the files the xapi / cmi5 targets add beside the player: every activity definition, as xAPI JSON.
DEFINITIONS_FILE = "xapi.json"

# xAPI / ADL vocabulary (ADL Vocabulary, http://adlnet.gov/expapi/...; cmi5 section 9.3).
ACTIVITY_TYPES = {
    "course": "http://adlnet.gov/expapi/activities/course",
    "module": "http://adlnet.gov/expapi/activities/module",
    "assessment": "http://adlnet.gov/expapi/activities/assessment",
    "interaction": "http://adlnet.gov/expapi/activities/cmi.interaction",
    "objective": "http://adlnet.gov/expapi/activities/objective",
    "slide": "http://id.tincanapi.com/activitytype/slide",
}

# Plain-text limits for names and descriptions in definitions (strict LMS reports cut longer ones anyway).
_NAME_MAX = PLAIN_TEXT_MAX
_DESCRIPTION_MAX = 1000


class IriError(OptionError):
    """An IRI base that cannot make absolute IRIs."""


def check_iri_base(base: str) -> str:
    """The base without a trailing slash; raises IriError unless it is an absolute http(s) IRI without query."""
    base = base.strip().rstrip("/")
    parts = urlsplit(base)
    # Quotes, angle brackets and the like are not IRI characters (RFC 3987): validate (cmi5.id-not-iri) refused
    # the packages an IRI base holding them produced.
    if (
        parts.scheme not in ("http", "https")
        or not parts.netloc
        or parts.query
        or parts.fragment
        or IRI_EXCLUDED.search(base)
    ):
        raise IriError(
            f"xAPI IRI base {base!r} must be an absolute http(s) IRI without query or fragment, "
            "e.g. https://learning.example.org/xapi (cmi5 3.0.0.0-1: ids are absolute IRIs)"
        )
    return base


def resolve_iri_base(explicit: str | None = None) -> str:
    """The IRI base in force: explicit option, else $SCORMKIT_XAPI_IRI_BASE, else DEFAULT_IRI_BASE."""
    return check_iri_base(explicit or os.environ.get(IRI_BASE_ENV) or DEFAULT_IRI_BASE)


def _segment(value: str) -> str:
    return quote(value, safe="-._~")


@dataclass(frozen=True)
class Iris:
    """The IRIs of one module's activities."""

    base: str
    module_id: str

    @classmethod
    def of(cls, module: Module, base: str | None = None) -> Iris:
        return cls(resolve_iri_base(base), module.config.id)

    @property
    def course(self) -> str:
        """The module as an xAPI activity: tincan.xml's activity, cmi5's course id."""
        return f"{self.base}/{_segment(self.module_id)}"

    @property
    def au(self) -> str:
        """The cmi5 AU (publisher id; the LMS launches it under an activityId of its own)."""
        return f"{self.course}/au"

    @property
    def quiz(self) -> str:
        return f"{self.course}/quiz"

    def slide(self, number: int) -> str:
        return f"{self.course}/slides/{number}"

    def item(self, item_id: str) -> str:
        return f"{self.course}/items/{_segment(item_id)}"

    def objective(self, objective_id: str) -> str:
        return f"{self.course}/objectives/{_segment(objective_id)}"


def _text(value: str, limit: int) -> str:
    return truncate(one_line(value), limit)


def interaction_definition(item: ItemBase, lang: str) -> ActivityDefinition:
    """The cmi.interaction definition of one quiz item (xAPI 1.0.3 Data 2.4.4.1, interaction activities)."""
    return ActivityDefinition(
        type=ACTIVITY_TYPES["interaction"],
        # The prompt is what a report reader recognises the question by (the id is in the activity IRI); the text
        # is course.json's promptText, so SCORM and xAPI reports show the same question.
        name={lang: item.prompt_text},
        description={lang: item.prompt_text},
        interaction_type=item.interaction_type,
        **item.xapi_fields(lang),
    )


def course_definition(module: Module) -> ActivityDefinition:
    lang = module.config.language
    return ActivityDefinition(
        type=ACTIVITY_TYPES["course"],
        name={lang: _text(module.config.title, _NAME_MAX)},
        description={lang: truncate(plain_text(module.config.description), _DESCRIPTION_MAX)},
    )


def activities(module: Module, iris: Iris) -> dict[str, Any]:
    """Every activity of the module as xAPI JSON objects, keyed the way the runtime adapters look them up."""
    lang = module.config.language

    def as_json(activity_id: str, definition: ActivityDefinition) -> dict[str, Any]:
        return json.loads(Activity(id=activity_id, definition=definition).to_json())

    return {
        "format": 1,
        "language": lang,
        "course": as_json(iris.course, course_definition(module)),
        "quiz": None
        if module.config.quiz is None or not module.items
        else as_json(
            iris.quiz,
            ActivityDefinition(
                type=ACTIVITY_TYPES["assessment"],
                name={lang: _text(f"Quiz: {module.config.title}", _NAME_MAX)},
                description={lang: f"{len(module.items)} questions"},
            ),
        ),
        "slides": [
            as_json(
                iris.slide(slide.number),
                ActivityDefinition(
                    type=ACTIVITY_TYPES["slide"],
                    name={lang: _text(slide.title or f"Slide {slide.number}", _NAME_MAX)},
                    description={lang: f"Slide {slide.number} of {len(module.slides)}"},
                ),
            )
            for slide in module.slides
        ],
        "items": {item.id: as_json(iris.item(item.id), interaction_definition(item, lang)) for item in module.items},
        "objectives": {
            objective.id: as_json(
                iris.objective(objective.id),
                ActivityDefinition(
                    type=ACTIVITY_TYPES["objective"],
                    name={lang: _text(objective.text, _NAME_MAX)},
                ),
            )
            for objective in module.config.objectives
        },
    }


def activities_json(module: Module, iris: Iris) -> bytes:
    """Deterministic bytes of xapi.json."""
    return (json.dumps(activities(module, iris), ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode()
