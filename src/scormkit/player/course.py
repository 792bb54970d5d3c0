"""course.json: what the player reads (docs/architecture.md, "Course JSON"), and the resume-data budget.

`build_course` turns a `Module` into the course dictionary; `worst_case_state_length` mirrors the compact
resume-state encoding of `static/player.js` (function `encodeState`) so a build can refuse a module whose
resume data could not fit the target's suspend_data limit (docs/lms-pitfalls.md rule 1).
"""

from __future__ import annotations

import hashlib
import io
import json
import math
from typing import Any

from PIL import Image

from scormkit.fileasset import FileAsset, asset_size
from scormkit.model import Module
from scormkit.player.strings import strings_for
from scormkit.source.slides import thumbnail_path
from scormkit.text import render_markdown

COURSE_FORMAT = 1
#: Resume-state format written by player.js (format 1, written by older packages, is still read).
STATE_VERSION = 2
#: Attempt counter digits assumed for unlimited attempts (the player stops counting at 9999).
UNLIMITED_ATTEMPT_DIGITS = 4
#: Bits per character of the bitset strings in the resume state (a 64-character, JSON-safe alphabet).
BITS_PER_CHAR = 6


def state_key(module: Module) -> str:
    """Fingerprint of what gives saved answers their meaning: resume answers saved against other items are dropped,
    not misapplied.

    A saved answer names an item by its position in the quiz and a choice, pair or step by its response letter
    (its position), so the fingerprint is each item's id, type and number of choices, pairs or steps. Text,
    feedback, weights and correct answers are left out on purpose: fixing a typo in a course update must not reset
    every learner in progress (docs/lms-pitfalls.md rule 30); a structural change resets the quiz cleanly.
    """
    structure = [[item.id, item.type, item.response_count] for item in module.items]
    return hashlib.sha256(json.dumps(structure).encode()).hexdigest()[:8]


def slide_thumbnails(module: Module) -> dict[str, tuple[str, int, int]]:
    """Slide image path -> (thumbnail path, width, height), for the slides whose thumbnail the module ships
    (the renderer makes one with each slide, source.slides.thumbnail_path)."""
    thumbs = {}
    for slide in module.slides:
        path = thumbnail_path(slide.image)
        data = module.assets.get(path)
        if data is None or not asset_size(data):
            continue
        try:
            # Reads the header only, of the cache's file for a FileAsset: the size, no pixels. What ships is checked
            # against its hash when the zip is written.
            with Image.open(data.path if isinstance(data, FileAsset) else io.BytesIO(data)) as image:
                width, height = image.size
        except (OSError, ValueError, Image.DecompressionBombError):
            continue
        thumbs[slide.image] = (path, width, height)
    return thumbs


def _slide(slide: Any, thumb: tuple[str, int, int] | None) -> dict[str, Any]:
    out = {"title": slide.title, "text": slide.text, "image": slide.image, "width": slide.width, "height": slide.height}
    if thumb is not None:
        # Shown at half its pixel size in the menu (HiDPI).
        out.update(thumb=thumb[0], thumbWidth=thumb[1] // 2, thumbHeight=thumb[2] // 2)
    return out


def build_course(module: Module, runtime: str, *, state_budget: int) -> dict[str, Any]:
    """The course dictionary written as course.json (format 1)."""
    cfg = module.config
    thumbs = slide_thumbnails(module)
    credit = None
    if cfg.credit is not None:
        credit = {
            "provider": cfg.credit.provider,
            "kind": cfg.credit.kind,
            "credits": cfg.credit.credits,
            "expires": cfg.credit.expiry_date.isoformat(),
            "expiresLabel": cfg.credit.expiry_label,
        }
    quiz = None
    if cfg.quiz is not None and module.items:
        quiz = {
            "passingScore": cfg.quiz.passing_score / 100,
            "attempts": cfg.quiz.attempts,
            "draw": cfg.quiz.draw if cfg.quiz.draw and cfg.quiz.draw < len(module.items) else None,
            "shuffle": cfg.quiz.shuffle,
            "feedback": cfg.quiz.feedback,
            "review": cfg.quiz.review,
            "retryQuestion": cfg.quiz.retry_question,
            "items": [item.course_json() for item in module.items],
        }
    success = cfg.tracking.success or ("quiz" if quiz else "none")
    pdf = cfg.slides.file.replace("\\", "/").rsplit("/", 1)[-1] if cfg.slides.download else None
    if pdf is not None and pdf not in module.assets:
        pdf = "slides.pdf" if "slides.pdf" in module.assets else None
    return {
        "format": COURSE_FORMAT,
        "id": cfg.id,
        "version": cfg.version,
        "title": cfg.title,
        "language": cfg.language,
        "descriptionHtml": render_markdown(cfg.description),
        "authors": [{"name": a.name, "affiliation": a.affiliation} for a in cfg.authors],
        "publisher": cfg.publisher,
        "published": None
        if cfg.published is None
        else str(cfg.published)
        if isinstance(cfg.published, int)
        else cfg.published.isoformat(),
        "updated": cfg.updated.isoformat(),
        "disclosures": [{"person": d.person, "statement": d.statement} for d in cfg.disclosures],
        "credit": credit,
        # slides: the 1-based numbers of the slides that teach it (module.yaml), linked from the results screen.
        "objectives": [{"id": o.id, "text": o.text, "slides": list(o.slides)} for o in cfg.objectives],
        "slides": [_slide(s, thumbs.get(s.image)) for s in module.slides],
        "pdf": pdf,
        "quiz": quiz,
        "tracking": {
            "completion": cfg.tracking.completion,
            "slidesRequired": cfg.tracking.slides_required,
            "success": success,
        },
        "runtime": runtime,
        "stateBudget": state_budget,
        "stateKey": state_key(module),
        "strings": strings_for(cfg.language),
    }


def course_json(course: dict[str, Any]) -> bytes:
    """Deterministic bytes of course.json."""
    return (json.dumps(course, ensure_ascii=False, indent=1) + "\n").encode()


# ---- resume state -------------------------------------------------------------------------------------


def _bitset_length(count: int) -> int:
    return math.ceil(count / BITS_PER_CHAR)


def worst_case_state(module: Module) -> dict[str, Any]:
    """The resume state with every field at its longest (same keys as player.js `encodeState`)."""
    slides = max(len(module.slides), 1)
    items = module.items if module.config.quiz is not None else []
    attempts = module.config.quiz.attempts if module.config.quiz is not None else 0
    drawn = len(items)
    if module.config.quiz is not None and module.config.quiz.draw:
        drawn = min(drawn, module.config.quiz.draw)
    return {
        "v": STATE_VERSION,
        "h": "f" * 8,
        "s": 999999,
        "w": "q",
        "c": slides - 1,
        "b": "_" * _bitset_length(slides),
        "a": int("9" * (len(str(attempts)) if attempts else UNLIMITED_ATTEMPT_DIGITS)),
        "i": max(drawn - 1, 0),
        # the drawn items in display order: the highest indexes are the longest
        "o": list(range(len(items) - drawn, len(items))),
        "k": "_" * _bitset_length(len(items)),
        "x": "_" * _bitset_length(len(items)),
        "r": [item.worst_answer() for item in items],
        "d": 1,
        "p": 66.67,
        "g": 1,
        "n": 999999999,  # the save counter (player.js SAVE_CAP)
    }


def encode_state(state: dict[str, Any]) -> str:
    """Serialise like JavaScript's JSON.stringify (compact, non-ASCII kept)."""
    return json.dumps(state, separators=(",", ":"), ensure_ascii=False)


def worst_case_state_length(module: Module) -> int:
    """Characters of the longest resume data the player can save for `module` (docs/lms-pitfalls.md rule 1)."""
    return len(encode_state(worst_case_state(module)))
