"""The validated model of a module: plain data, no I/O.

The same pydantic classes are the schema of module.yaml and quiz.yaml (docs/source-format.md): every
mapping forbids unknown keys, so a typo is an error instead of a silently ignored setting. Rules that
span files (an item's objective must exist, every objective is used) live in `scormkit.source`.

Each quiz item class also owns what the packages say about its type (issue 10 item 5): its course.json fields
(`course_fields`, which the player turns into the SCORM interaction), the longest answer the player can save for it
(`worst_answer`) and its xAPI interaction definition (`xapi_fields`). Adding an item type is one class here plus its
JavaScript in the player.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from scormkit.fileasset import Asset
from scormkit.limits import ZIP_LAST_YEAR
from scormkit.text import json_number, one_line, plain_text, render_markdown, truncate

MODULE_ID = r"^[a-z][a-z0-9-]{1,62}[a-z0-9]$"
OBJECTIVE_ID = r"^[a-z][a-z0-9-]{0,63}$"
# SCORM 1.2 interaction ids must be printable ASCII without spaces (docs/lms-pitfalls.md rule 10); a leading
# letter also keeps them valid as 2004 long identifiers and as path segments of xAPI IRIs.
ITEM_ID = r"^[A-Za-z][A-Za-z0-9_-]{0,63}$"
LANGUAGE = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$"
# Choices, matching sources/targets and sequencing steps are identified in CMI responses by one
# character of [0-9a-z] (docs/lms-pitfalls.md rule 10), so an item has at most 26 of them.
RESPONSE_LETTERS = "abcdefghijklmnopqrstuvwxyz"
#: Longest text a learner can type into a fill-in box (SCORM 1.2 fill-in responses are <= 255, rule 10).
FILLIN_MAXLENGTH = 250
#: Longest text a learner can type into a numeric box.
NUMERIC_MAXLENGTH = 32
#: Plain-text prompts, choices, sources, targets and steps are cut to this length (strict LMSs, rule 10): the
#: SCORM interaction description, course.json's promptText and xapi.json's names and descriptions.
PLAIN_TEXT_MAX = 250


class Strict(BaseModel):
    # No NaN or infinity: the player's course JSON would carry `NaN`, which JSON.parse refuses (issue 15).
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, allow_inf_nan=False)


NonEmpty = Annotated[str, Field(min_length=1)]


class Author(Strict):
    name: NonEmpty
    affiliation: str | None = None


class Disclosure(Strict):
    person: NonEmpty
    statement: NonEmpty


class Credit(Strict):
    provider: NonEmpty
    kind: NonEmpty = "CME"
    credits: float | None = Field(default=None, gt=0)
    # A full date, or a bare year meaning "until the end of that year" (the source may only say
    # "expired in 2012": we keep that precision rather than invent a day).
    expires: dt.date | int

    @field_validator("expires")
    @classmethod
    def _year_in_range(cls, value: dt.date | int) -> dt.date | int:
        if isinstance(value, int) and not 1900 <= value <= 9999:
            raise ValueError("expires must be a date YYYY-MM-DD or a year YYYY")
        return value

    @property
    def expiry_date(self) -> dt.date:
        """Last day on which the quiz still counts for credit."""
        if isinstance(self.expires, int):
            return dt.date(self.expires, 12, 31)
        return self.expires

    @property
    def expiry_label(self) -> str:
        return str(self.expires) if isinstance(self.expires, int) else self.expires.isoformat()


#: How an objective's `slides` are written (docs/source-format.md), shown in the fixes of its errors.
SLIDES_EXAMPLE = "slides: [3, 4, 5]"


def _slide_number(value: Any) -> Any:
    """One entry of an objective's `slides`: a page number of the deck, from 1 (that it is at most the page count
    is checked against the PDF, by scormkit.source)."""
    if isinstance(value, str) and value.strip().isdigit():
        raise coded(
            "module.objective-slide", f"slide {value!r} is text; write the number without quotes: {value.strip()}"
        )
    if isinstance(value, bool) or not isinstance(value, int):
        shown = str(value).lower() if isinstance(value, bool) else repr(value)  # as YAML writes it
        raise coded(
            "module.objective-slide",
            f"{shown} is not a slide number; write the page numbers of the slides in the PDF, e.g. {SLIDES_EXAMPLE}",
        )
    if value < 1:
        raise coded(
            "module.objective-slide",
            f"there is no slide {value}: slides are numbered from 1, the first page of the PDF; "
            f"write the page numbers of the slides, e.g. {SLIDES_EXAMPLE}",
        )
    return value


SlideNumber = Annotated[int, Field(ge=1), BeforeValidator(_slide_number)]


class Objective(Strict):
    id: Annotated[str, Field(pattern=OBJECTIVE_ID)]
    text: Annotated[str, Field(min_length=1, max_length=500)]
    # The slides that teach the objective, by page number in the PDF (1-based), in the order the results screen
    # links them; at most the deck's page count (checked by scormkit.source, which knows the PDF).
    slides: Annotated[list[SlideNumber], Field(json_schema_extra={"uniqueItems": True})] = []

    @field_validator("slides", mode="before")
    @classmethod
    def _a_list(cls, value: Any, info: ValidationInfo) -> Any:
        """A range or a lone number where a list belongs: say what to write instead."""
        oid = info.data.get("id")
        what = f"objective {oid!r} slides" if isinstance(oid, str) else "slides"
        if isinstance(value, str):
            span = re.fullmatch(r"\s*(\d+)\s*(?:-|\.\.|to)\s*(\d+)\s*", value)
            numbers = range(int(span[1]), int(span[2]) + 1) if span else range(0)
            listed = (
                f": slides: [{', '.join(map(str, numbers))}]" if 0 < len(numbers) <= 30 else f", e.g. {SLIDES_EXAMPLE}"
            )
            raise coded(
                "module.objective-slide", f"{what} {value!r} is text; write each slide number in a list{listed}"
            )
        if isinstance(value, int) and not isinstance(value, bool):
            raise coded("module.objective-slide", f"{what} {value} is a number, not a list; write slides: [{value}]")
        return value

    @field_validator("slides")
    @classmethod
    def _once_each(cls, value: list[int], info: ValidationInfo) -> list[int]:
        oid = info.data.get("id")
        what = f"objective {oid!r}" if isinstance(oid, str) else "the objective"
        seen: set[int] = set()
        for number in value:
            if number in seen:
                raise coded("module.objective-slide", f"{what} lists slide {number} twice; list each slide once")
            seen.add(number)
        return value


class SlidesOptions(Strict):
    file: NonEmpty = "slides.pdf"
    format: Literal["webp", "jpeg", "png"] = "webp"
    width: Annotated[int, Field(ge=160, le=3840)] = 1280
    quality: Annotated[int, Field(ge=1, le=100)] = 82
    download: bool = True


class QuizOptions(Strict):
    file: NonEmpty = "quiz.yaml"
    # A whole percent: SCORM 1.2 adlcp:masteryscore is an integer, and the player must agree with it (rule 6).
    passing_score: Annotated[int, Field(ge=0, le=100)] = 80
    attempts: Annotated[int, Field(ge=0)] = 0
    draw: Annotated[int, Field(ge=1)] | None = None
    shuffle: bool = False
    feedback: Literal["immediate", "end", "none"] = "immediate"
    review: bool = True
    # Extra tries at a question after a wrong Check (immediate feedback) before its answer counts.
    retry_question: Annotated[int, Field(ge=0)] = 0


HEX_COLOUR = r"^#[0-9A-Fa-f]{6}$"


def contrast_ratio(a: str, b: str) -> float:
    """WCAG 2.x contrast ratio of two #rrggbb colours (relative luminance, WCAG 2.1 definition)."""

    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


class Theme(Strict):
    """Branding of the player. `primary` colours buttons (white text on it), links and focus outlines on the
    white page, so it needs 4.5:1 against white (WCAG 1.4.3); `accent` marks headings, the current slide and the
    certificate's frame, non-text marks that need 3:1 (WCAG 1.4.11). A theme that would fail is a build error.

    `logo` (header and certificate), `cover` (start screen) and `font` (the player's text, through @font-face) are
    files of the module under assets/ that ship in the package: the player fetches nothing from another host. Their
    existence, size and content are checked by scormkit.source (I/O); here only their path and file type."""

    primary: Annotated[str, Field(pattern=HEX_COLOUR)] | None = None
    accent: Annotated[str, Field(pattern=HEX_COLOUR)] | None = None
    logo: str | None = None
    cover: str | None = None
    font: str | None = None

    #: File types each theme file may have: images every browser shows, fonts every browser loads by @font-face.
    FILE_TYPES: ClassVar[dict[str, tuple[str, ...]]] = {
        "logo": (".png", ".jpg", ".jpeg", ".webp", ".svg"),
        "cover": (".jpg", ".jpeg", ".png", ".webp"),
        "font": (".woff2", ".ttf", ".otf"),
    }

    @field_validator("logo", "cover", "font")
    @classmethod
    def _module_file(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            return None
        name, types = info.field_name, cls.FILE_TYPES[str(info.field_name)]
        example = f"assets/{name}{types[0]}"
        parts = value.split("/")
        if parts[0] != "assets" or not is_safe_relative(value) or "\\" in value or {"", "."} & set(parts[1:]):
            raise ValueError(
                f"theme.{name} {value!r} is not a file under assets/ in the module folder; "
                f"put the file there and write e.g. {example}"
            )
        if not value.lower().endswith(types):
            raise ValueError(
                f"theme.{name} {value!r} is not a {' / '.join(t.lstrip('.').upper() for t in types)} file; "
                f"save it as one of these and write e.g. {example}"
            )
        return value

    @model_validator(mode="after")
    def _contrast(self) -> Theme:
        for name, colour, needed in (("primary", self.primary, 4.5), ("accent", self.accent, 3.0)):
            if colour is None:
                continue
            ratio = contrast_ratio(colour, "#ffffff")
            if ratio < needed:
                raise ValueError(
                    f"theme.{name} {colour} on the white page (and white text on it) has a contrast ratio of "
                    f"{ratio:.2f}:1; WCAG AA needs {needed:g}:1 for what it colours: choose a darker colour"
                )
        return self


class Tracking(Strict):
    completion: Literal["slides", "quiz", "slides_and_quiz"] = "slides_and_quiz"
    slides_required: Annotated[float, Field(gt=0, le=1)] = 1.0
    success: Literal["quiz", "none"] | None = None


class XapiOptions(Strict):
    """The xapi and cmi5 targets' options (docs/xapi-cmi5.md, "Identifiers")."""

    # The base of every activity IRI, on a domain the publisher controls: the default merges the modules of
    # every publisher that keeps it in a shared LRS. Set it before the first release (changing it later splits
    # learner records, like changing the module id).
    iri_base: str | None = None

    @field_validator("iri_base")
    @classmethod
    def _absolute_http_iri(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment or " " in value:
            raise ValueError(
                "iri_base must be an absolute http(s) IRI without query or fragment, "
                "e.g. https://learning.example.org/xapi"
            )
        return value.rstrip("/")


class ModuleConfig(Strict):
    """module.yaml."""

    id: Annotated[str, Field(pattern=MODULE_ID)]
    # IMS CP caps the manifest version attribute at 20 characters.
    version: Annotated[str, Field(pattern=r"^[0-9A-Za-z][0-9A-Za-z.+-]{0,19}$")]
    title: Annotated[str, Field(min_length=1, max_length=200)]
    language: Annotated[str, Field(pattern=LANGUAGE)]
    description: Annotated[str, Field(min_length=1, max_length=4000)]
    authors: Annotated[list[Author], Field(min_length=1)]
    publisher: NonEmpty
    published: dt.date | int | None = None
    updated: dt.date
    disclosures: list[Disclosure] = []
    credit: Credit | None = None
    objectives: Annotated[list[Objective], Field(min_length=1)]
    slides: SlidesOptions = SlidesOptions()
    quiz: QuizOptions | None = None
    tracking: Tracking = Tracking()
    theme: Theme = Theme()
    xapi: XapiOptions = XapiOptions()

    @field_validator("updated")
    @classmethod
    def _zip_can_date_it(cls, value: dt.date) -> dt.date:
        # Zip entries are dated from `updated`, and the zip format ends on 2107-12-31 (docs/limits.md).
        if value.year > ZIP_LAST_YEAR:
            raise coded(
                "source.date-range",
                f"updated {value.isoformat()} is after {ZIP_LAST_YEAR}, the last year a zip can carry; "
                "write the date of the last update",
            )
        return value

    @model_validator(mode="after")
    def _unique_objectives(self) -> ModuleConfig:
        seen: set[str] = set()
        for objective in self.objectives:
            if objective.id in seen:
                raise coded(
                    "module.duplicate-objective",
                    f"objective id {objective.id!r} is used twice; give each objective its own id",
                )
            seen.add(objective.id)
        return self


# ---- quiz items -------------------------------------------------------------------------------------


class ItemFeedback(Strict):
    correct: str | None = None
    incorrect: str | None = None


class Choice(Strict):
    text: Annotated[str, Field(min_length=1, max_length=250)]
    correct: bool = False
    feedback: str | None = None


class ItemBase(Strict):
    id: Annotated[str, Field(pattern=ITEM_ID)]
    objective: str | None = None
    weight: Annotated[float, Field(gt=0)] = 1.0
    prompt: Annotated[str, Field(min_length=1, max_length=2000)]
    feedback: ItemFeedback = ItemFeedback()

    #: SCORM 2004 cmi.interactions.n.type / xAPI interactionType for this item.
    interaction_type: ClassVar[str] = ""
    if TYPE_CHECKING:
        # Every item class declares `type` (the discriminator) as a Literal; declared here as a field, it would come
        # first in the JSON Schema of quiz.yaml.
        type: str

    @property
    def prompt_text(self) -> str:
        """The prompt as one line of plain text: course.json's promptText (which the player reports as the SCORM
        interaction description) and the name and description of the xAPI interaction."""
        return truncate(plain_text(self.prompt), PLAIN_TEXT_MAX)

    #: The field listing the choices, pairs or steps a saved answer refers to by response letter (None: no such).
    options_field: ClassVar[str | None] = None

    @property
    def response_count(self) -> int:
        """How many choices, pairs or steps a saved answer refers to by response letter (0 for the other types)."""
        return len(getattr(self, self.options_field)) if self.options_field else 0

    def course_json(self) -> dict[str, Any]:
        """The item in course.json: the fields every item has, then those of its type."""
        fields: dict[str, Any] = {
            "id": self.id,
            "type": self.type,
            "interactionType": self.interaction_type,
            "objective": self.objective,
            "weight": json_number(self.weight),
            "promptHtml": render_markdown(self.prompt),
            "promptText": self.prompt_text,
            "feedback": {"correct": self.feedback.correct, "incorrect": self.feedback.incorrect},
        }
        return fields | self.course_fields()

    def course_fields(self) -> dict[str, Any]:
        """course.json fields of this item type (player.js reads them to show, score and report the item)."""
        raise NotImplementedError

    def worst_answer(self) -> str:
        """The longest compact answer the player can store for this item (player.js `answerOf`): by default one
        response letter per choice, pair or step."""
        return "z" * self.response_count

    def xapi_fields(self, lang: str) -> dict[str, Any]:
        """The xAPI interaction definition's fields of this item type (xAPI 1.0.3 Data 2.4.4.1): the correct
        responses pattern and the choices, source and target components, as `tincan.ActivityDefinition` arguments."""
        raise NotImplementedError


def _components(texts: list[str], lang: str) -> list[dict[str, Any]]:
    """xAPI interaction components identified by response letter."""
    return [
        {"id": response_letter(i), "description": {lang: truncate(one_line(text), PLAIN_TEXT_MAX)}}
        for i, text in enumerate(texts)
    ]


def _letters(count: int) -> list[str]:
    return [response_letter(i) for i in range(count)]


def _lettered(texts: list[str]) -> list[dict[str, str]]:
    """course.json options (sources, targets, steps) identified by response letter."""
    return [{"id": response_letter(i), "text": text} for i, text in enumerate(texts)]


def coded(code: str, message: str) -> PydanticCustomError:
    """A validation error that carries its diagnostic code: source/yamlfile.py reports it under that code, at the
    line of the value (ValueErrors of other validators are reported as schema.invalid)."""
    return PydanticCustomError(code, "{message}", {"message": message})


def _no_correct_choice(item_id: str) -> PydanticCustomError:
    return coded("quiz.no-correct-answer", f"item {item_id!r} has no correct choice; mark one with correct: true")


def _twice(item_id: str, what: str, texts: list[str]) -> None:
    """Refuse an item the learner cannot answer: two choices (or steps, sources, targets) that read the same."""
    seen: set[str] = set()
    for text in texts:
        key = " ".join(text.split()).casefold()
        if key in seen:
            raise coded(
                "quiz.unanswerable",
                f"item {item_id} has the {what} {text!r} twice; the learner cannot tell them apart, "
                f"so make each {what} different",
            )
        seen.add(key)


class ChoiceItem(ItemBase):
    """What single- and multiple-choice items share: choices identified by letter, optionally shuffled."""

    choices: Annotated[list[Choice], Field(min_length=2, max_length=26)]
    shuffle: bool = False
    interaction_type: ClassVar[str] = "choice"
    options_field: ClassVar[str | None] = "choices"

    def course_fields(self) -> dict[str, Any]:
        return {
            "shuffle": self.shuffle,
            "choices": [
                {"id": response_letter(i), "text": c.text, "correct": c.correct, "feedback": c.feedback}
                for i, c in enumerate(self.choices)
            ],
        }

    def xapi_fields(self, lang: str) -> dict[str, Any]:
        return {
            "choices": _components([c.text for c in self.choices], lang),
            "correct_responses_pattern": [
                "[,]".join(response_letter(i) for i, c in enumerate(self.choices) if c.correct)
            ],
        }


class SingleChoiceItem(ChoiceItem):
    type: Literal["single"]

    def worst_answer(self) -> str:
        return "z"

    @model_validator(mode="after")
    def _one_correct(self) -> SingleChoiceItem:
        _twice(self.id, "choice", [c.text for c in self.choices])
        count = sum(c.correct for c in self.choices)
        if count == 0:
            raise _no_correct_choice(self.id)
        if count > 1:
            raise coded(
                "quiz.single-several-correct",
                f"single-choice item {self.id!r} has {count} correct choices; keep correct: true on one of them, "
                "or use type: multiple",
            )
        return self


class MultipleChoiceItem(ChoiceItem):
    type: Literal["multiple"]

    @model_validator(mode="after")
    def _some_correct(self) -> MultipleChoiceItem:
        _twice(self.id, "choice", [c.text for c in self.choices])
        if not any(c.correct for c in self.choices):
            raise _no_correct_choice(self.id)
        return self


class TrueFalseItem(ItemBase):
    type: Literal["truefalse"]
    answer: bool
    interaction_type: ClassVar[str] = "true-false"

    def course_fields(self) -> dict[str, Any]:
        return {"answer": self.answer}

    def worst_answer(self) -> str:
        return "z"

    def xapi_fields(self, lang: str) -> dict[str, Any]:
        return {"correct_responses_pattern": ["true" if self.answer else "false"]}


class FillInItem(ItemBase):
    type: Literal["fillin"]
    # SCORM 1.2 fill-in responses are limited to 255 characters (rule 10); 250 leaves room.
    accepted: Annotated[list[Annotated[str, Field(min_length=1, max_length=250)]], Field(min_length=1)]
    case_sensitive: bool = False
    trim: bool = True
    interaction_type: ClassVar[str] = "fill-in"

    def course_fields(self) -> dict[str, Any]:
        return {"accepted": list(self.accepted), "caseSensitive": self.case_sensitive, "trim": self.trim}

    def worst_answer(self) -> str:
        # '"' is the worst character: JSON escapes it to two (control characters are replaced by spaces).
        return '"' * FILLIN_MAXLENGTH

    def xapi_fields(self, lang: str) -> dict[str, Any]:
        # xAPI 1.0.3 Data 2.4.4.1.2 "fill-in": {case_matters=...} prefix; "[,]" separates answers, so it may not
        # appear inside one.
        prefix = "{case_matters=" + ("true" if self.case_sensitive else "false") + "}"
        return {"correct_responses_pattern": [prefix + answer.replace("[,]", ",") for answer in self.accepted]}


class NumericItem(ItemBase):
    type: Literal["numeric"]
    answer: float | None = None
    min: float | None = None
    max: float | None = None
    tolerance: Annotated[float, Field(ge=0)] = 0
    interaction_type: ClassVar[str] = "numeric"

    @model_validator(mode="after")
    def _answer_or_range(self) -> NumericItem:
        has_range = self.min is not None or self.max is not None
        if self.answer is None and not has_range:
            raise coded("quiz.numeric-answer", f"item {self.id} needs `answer`, or `min` and `max`")
        if self.answer is not None and has_range:
            raise coded("quiz.numeric-answer", f"item {self.id} gives both `answer` and a range; keep one")
        if has_range and (self.min is None or self.max is None or self.min > self.max):
            raise coded("quiz.numeric-answer", f"item {self.id} needs both `min` and `max`, with min <= max")
        return self

    @property
    def bounds(self) -> tuple[float, float]:
        if self.answer is not None:
            return self.answer - self.tolerance, self.answer + self.tolerance
        assert self.min is not None and self.max is not None
        return self.min, self.max

    def course_fields(self) -> dict[str, Any]:
        low, high = self.bounds
        return {"min": json_number(low), "max": json_number(high)}

    def worst_answer(self) -> str:
        return '"' * NUMERIC_MAXLENGTH

    def xapi_fields(self, lang: str) -> dict[str, Any]:
        low, high = (str(json_number(bound)) for bound in self.bounds)
        return {"correct_responses_pattern": [low if low == high else f"{low}[:]{high}"]}


class Pair(Strict):
    source: Annotated[str, Field(min_length=1, max_length=250)]
    target: Annotated[str, Field(min_length=1, max_length=250)]


class MatchingItem(ItemBase):
    type: Literal["matching"]
    pairs: Annotated[list[Pair], Field(min_length=2, max_length=26)]
    interaction_type: ClassVar[str] = "matching"
    options_field: ClassVar[str | None] = "pairs"

    def course_fields(self) -> dict[str, Any]:
        return {
            "sources": _lettered([p.source for p in self.pairs]),
            "targets": _lettered([p.target for p in self.pairs]),
            "correct": [[letter, letter] for letter in _letters(len(self.pairs))],
        }

    def xapi_fields(self, lang: str) -> dict[str, Any]:
        return {
            "source": _components([p.source for p in self.pairs], lang),
            "target": _components([p.target for p in self.pairs], lang),
            "correct_responses_pattern": ["[,]".join(f"{letter}[.]{letter}" for letter in _letters(len(self.pairs)))],
        }

    @model_validator(mode="after")
    def _distinct(self) -> MatchingItem:
        # Two pairs with one target: the learner sees the target once and can only place one source on it.
        _twice(self.id, "source", [p.source for p in self.pairs])
        _twice(self.id, "target", [p.target for p in self.pairs])
        return self


class SequencingItem(ItemBase):
    type: Literal["sequencing"]
    steps: Annotated[list[Annotated[str, Field(min_length=1, max_length=250)]], Field(min_length=2, max_length=26)]
    interaction_type: ClassVar[str] = "sequencing"
    options_field: ClassVar[str | None] = "steps"

    def course_fields(self) -> dict[str, Any]:
        return {"steps": _lettered(self.steps)}

    def xapi_fields(self, lang: str) -> dict[str, Any]:
        # xAPI 1.0.3 Data 2.4.4.1.1: a sequencing interaction lists its steps as `choices` (`steps` belongs
        # to the performance type).
        return {
            "choices": _components(self.steps, lang),
            "correct_responses_pattern": ["[,]".join(_letters(len(self.steps)))],
        }

    @model_validator(mode="after")
    def _distinct(self) -> SequencingItem:
        _twice(self.id, "step", self.steps)
        return self


QuizItem = Annotated[
    SingleChoiceItem | MultipleChoiceItem | TrueFalseItem | FillInItem | NumericItem | MatchingItem | SequencingItem,
    Field(discriminator="type"),
]
ITEM_TYPES = ("single", "multiple", "truefalse", "fillin", "numeric", "matching", "sequencing")


class QuizFile(Strict):
    """quiz.yaml."""

    items: Annotated[list[QuizItem], Field(min_length=1)]


# ---- what the readers produce -----------------------------------------------------------------------


class Slide(Strict):
    number: int  # 1-based
    title: str
    text: str  # accessible text of the page (transcript, search)
    image: str  # path inside the package, e.g. "slides/001.webp"
    width: int
    height: int


class Module(Strict):
    """Everything a target needs, resolved and checked: no target reads the source folder."""

    config: ModuleConfig
    items: list[QuizItem] = []
    slides: list[Slide]
    # Package path -> every binary asset to ship: rendered slide images and their thumbnails, the PDF, the images of
    # the module. Bytes, or a FileAsset (the PDF, images from the render cache) streamed from its file when zipped.
    assets: dict[str, Asset] = {}

    @property
    def passing_fraction(self) -> float | None:
        return None if self.config.quiz is None else self.config.quiz.passing_score / 100

    @property
    def zip_stem(self) -> str:
        return f"{self.config.id}-{self.config.version}"


def response_letter(index: int) -> str:
    """The one-character CMI identifier of the index-th choice, source, target or step."""
    return RESPONSE_LETTERS[index]


def is_safe_relative(path: str) -> bool:
    """True when a source path stays inside the module folder."""
    return not (path.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", path) or ".." in re.split(r"[\\/]", path))
