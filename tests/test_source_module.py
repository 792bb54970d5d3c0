"""scormkit.source: module.yaml / quiz.yaml diagnostics, asserted as the exact lines a designer sees."""

from __future__ import annotations

from pathlib import Path

import pytest

from scormkit.diagnostics import Report, ScormkitError
from scormkit.source import read_module
from tests.factories import edit, errors, make_pdf, module_folder


@pytest.fixture
def mod(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return module_folder(tmp_path, monkeypatch)


def test_valid_module_reads(mod: Path) -> None:
    module = read_module(mod)
    assert module.config.id == "demo-module"
    assert [item.id for item in module.items] == ["q1", "q2"]
    assert len(module.slides) == 2
    assert sorted(module.assets) == [
        "slides.pdf",
        "slides/001.webp",
        "slides/002.webp",
        "slides/thumbs/001.webp",
        "slides/thumbs/002.webp",
    ]  # the renderer makes each slide's menu thumbnail with it


# ---- YAML and schema -----------------------------------------------------------------------------------


def test_yaml_syntax_error(mod: Path) -> None:
    edit(mod / "quiz.yaml", "prompt: Which dose?", 'prompt: "Which dose?')
    assert errors(mod) == [
        # Plain language at the line to edit, not the parser's "found unexpected end of stream" (issue 12).
        "mod/quiz.yaml:5: error[yaml.syntax] the quote opened on line 5 is never closed; close it at the end of "
        "the value",
    ]


def test_yaml_syntax_error_in_module_yaml_still_checks_quiz(mod: Path) -> None:
    edit(mod / "module.yaml", "title: Demo", "title: [Demo")
    edit(mod / "quiz.yaml", "        correct: true\n", "")
    assert errors(mod) == [
        "mod/module.yaml:3: error[yaml.syntax] line 3 ('title: [Demo') has a value that starts with { or [, which "
        'YAML reads as a list or mapping; put the text in quotes, e.g. title: "[Draft] Pain"',
        "mod/quiz.yaml:2: error[quiz.no-correct-answer] item 'q1' has no correct choice; mark one with correct: true",
    ]


def test_duplicate_yaml_key(mod: Path) -> None:
    edit(mod / "module.yaml", "publisher: Example\n", "publisher: Example\ntitle: Again\n")
    assert errors(mod) == [
        "mod/module.yaml:10: error[yaml.duplicate-key] key 'title' appears twice in the mapping that starts at "
        "line 1; keep one",
    ]


def test_unknown_key_with_suggestion(mod: Path) -> None:
    edit(mod / "module.yaml", "passing_score", "pasing_score")
    assert errors(mod) == [
        "mod/module.yaml:21: error[schema.unknown-key] unknown key 'pasing_score' in quiz; did you mean 'passing_score'?",
    ]


def test_unknown_key_inside_discriminated_union(mod: Path) -> None:
    edit(mod / "quiz.yaml", "      - text: High", "      - text: High\n        corect: false")
    assert errors(mod) == [
        "mod/quiz.yaml:10: error[schema.unknown-key] unknown key 'corect' in item 'q1' choices[1]; "
        "did you mean 'correct'?",
    ]


def test_unknown_key_without_close_match_lists_allowed(mod: Path) -> None:
    edit(mod / "module.yaml", "  width: 320", "  width: 320\n  colour: red")
    assert errors(mod) == [
        "mod/module.yaml:19: error[schema.unknown-key] unknown key 'colour' in slides; "
        "allowed keys: file, format, width, quality, download",
    ]


def test_missing_required_key(mod: Path) -> None:
    edit(mod / "module.yaml", "title: Demo\n", "")
    edit(mod / "quiz.yaml", "    prompt: Nausea is common.\n", "")
    assert errors(mod) == [
        "mod/module.yaml:1: error[schema.missing] module.yaml is missing required key 'title'; add it",
        "mod/quiz.yaml:10: error[schema.missing] item 'q2' is missing required key 'prompt'; add it",
    ]


def test_missing_item_type(mod: Path) -> None:
    edit(mod / "quiz.yaml", "    type: truefalse\n", "")
    assert errors(mod) == [
        "mod/quiz.yaml:10: error[schema.missing] item 'q2' is missing required key 'type'; add one of: "
        "single, multiple, truefalse, fillin, numeric, matching, sequencing",
    ]


def test_unknown_item_type(mod: Path) -> None:
    edit(mod / "quiz.yaml", "type: truefalse", "type: truefals")
    assert errors(mod) == [
        "mod/quiz.yaml:11: error[schema.invalid] item 'q2' has unknown type 'truefals'; did you mean 'truefalse'? "
        "use one of: single, multiple, truefalse, fillin, numeric, matching, sequencing",
    ]


def test_invalid_values(mod: Path) -> None:
    edit(mod / "module.yaml", "width: 320", "width: 100\n  format: webbp")
    edit(mod / "module.yaml", "version: 1.0.0", "version: 1.0")
    edit(mod / "module.yaml", "id: demo-module", "id: Demo_Module")
    edit(mod / "module.yaml", "updated: 2024-01-31", "updated: 2024-01-31\npublished: soon")
    assert errors(mod) == [
        "mod/module.yaml:1: error[schema.invalid] invalid id 'Demo_Module': use 3-64 lowercase letters, digits and "
        "hyphens, starting with a letter (e.g. pain-management)",
        "mod/module.yaml:2: error[schema.invalid] invalid version 1.0: it must be text; put the value in quotes",
        "mod/module.yaml:11: error[schema.invalid] invalid published 'soon': it must be a date YYYY-MM-DD or a "
        "year YYYY, e.g. 2010-09-22",
        "mod/module.yaml:19: error[schema.invalid] invalid slides.width 100: it must be greater than or equal to 160",
        "mod/module.yaml:20: error[schema.invalid] invalid slides.format 'webbp': it must be 'webp', 'jpeg' or "
        "'png'; did you mean 'webp'?",
    ]


def test_top_level_not_a_mapping(mod: Path) -> None:
    (mod / "quiz.yaml").write_text("- id: q1\n")
    assert errors(mod) == [
        "mod/quiz.yaml:1: error[schema.invalid] quiz.yaml is a list, not a mapping; it needs a key 'items' with a "
        "list of items (see docs/source-format.md)",
    ]


# ---- quiz rules ----------------------------------------------------------------------------------------


def test_no_correct_answer(mod: Path) -> None:
    edit(mod / "quiz.yaml", "        correct: true\n", "")
    assert errors(mod) == [
        "mod/quiz.yaml:2: error[quiz.no-correct-answer] item 'q1' has no correct choice; mark one with correct: true",
    ]


def test_multiple_without_correct_answer(mod: Path) -> None:
    edit(mod / "quiz.yaml", "        correct: true\n", "")
    edit(mod / "quiz.yaml", "type: single", "type: multiple")
    assert errors(mod) == [
        "mod/quiz.yaml:2: error[quiz.no-correct-answer] item 'q1' has no correct choice; mark one with correct: true",
    ]


def test_single_with_several_correct(mod: Path) -> None:
    edit(mod / "quiz.yaml", "      - text: High", "      - text: High\n        correct: true")
    assert errors(mod) == [
        "mod/quiz.yaml:2: error[quiz.single-several-correct] single-choice item 'q1' has 2 correct choices; "
        "keep correct: true on one of them, or use type: multiple",
    ]


def test_duplicate_item_id(mod: Path) -> None:
    edit(mod / "quiz.yaml", "id: q2", "id: q1")
    assert errors(mod) == [
        "mod/quiz.yaml:10: error[quiz.duplicate-id] item id 'q1' is used twice (first at line 2); give each item "
        "its own id, it becomes the LMS interaction id",
    ]


def test_unknown_objective_with_suggestion(mod: Path) -> None:
    edit(mod / "quiz.yaml", "objective: safety", "objective: safty")
    assert errors(mod) == [
        "mod/module.yaml:14: warning[quiz.unused-objective] objective 'safety' is not assessed by any quiz item; "
        "tag an item with objective: safety if the quiz should test it",
        "mod/quiz.yaml:12: error[quiz.unknown-objective] item 'q2' names objective 'safty', which module.yaml does "
        "not define; did you mean 'safety'?",
    ]


def test_unknown_objective_without_close_match(mod: Path) -> None:
    edit(mod / "quiz.yaml", "objective: safety", "objective: xyz")
    assert (
        "mod/quiz.yaml:12: error[quiz.unknown-objective] item 'q2' names objective 'xyz', which module.yaml does not "
        "define; use one of: dosing, safety, or add it to objectives in module.yaml"
    ) in errors(mod)


def test_unused_objective(mod: Path) -> None:
    edit(
        mod / "module.yaml",
        "    text: Spot side effects.\n",
        "    text: Spot side effects.\n  - id: extra\n    text: Never assessed.\n",
    )
    # A warning, not an error: a module may teach what its quiz does not test (issue 12).
    warnings = Report()
    read_module(mod, warnings=warnings)
    assert [str(d) for d in warnings.sorted()] == [
        "mod/module.yaml:16: warning[quiz.unused-objective] objective 'extra' is not assessed by any quiz item; "
        "tag an item with objective: extra if the quiz should test it",
    ]


def test_duplicate_objective(mod: Path) -> None:
    edit(mod / "module.yaml", "  - id: safety\n", "  - id: dosing\n")
    assert errors(mod) == [
        "mod/module.yaml:14: error[module.duplicate-objective] objective id 'dosing' is used twice (first at line "
        "12); give each objective its own id",
        "mod/quiz.yaml:12: error[quiz.unknown-objective] item 'q2' names objective 'safety', which module.yaml does "
        "not define; use one of: dosing, or add it to objectives in module.yaml",
    ]


def test_draw_too_large(mod: Path) -> None:
    edit(mod / "module.yaml", "  passing_score: 80", "  passing_score: 80\n  draw: 3")
    assert errors(mod) == [
        "mod/module.yaml:22: error[quiz.draw-too-large] quiz.draw is 3 but quiz.yaml has only 2 items; lower draw "
        "to 2 or less, or add items",
    ]


def test_tracking_needs_quiz(mod: Path) -> None:
    text = (mod / "module.yaml").read_text()
    (mod / "module.yaml").write_text(text.split("quiz:")[0] + "tracking:\n  completion: slides_and_quiz\n")
    assert errors(mod) == [
        "mod/module.yaml:20: error[tracking.needs-quiz] tracking.completion is 'slides_and_quiz' but the module has "
        "no quiz; add a quiz section or set tracking.completion: slides",
    ]


def test_slides_only_module_needs_no_objective_use(mod: Path) -> None:
    text = (mod / "module.yaml").read_text()
    (mod / "module.yaml").write_text(text.split("quiz:")[0])
    module = read_module(mod)
    assert module.items == [] and module.config.quiz is None


# ---- the slides of each objective (issue 11: the results screen links them) ------------------------------

DOSING = "    text: Dose drugs safely.\n"


def test_objective_slides_are_read_in_the_order_written(mod: Path) -> None:
    edit(mod / "module.yaml", DOSING, DOSING + "    slides: [2, 1]\n")
    edit(
        mod / "module.yaml", "    text: Spot side effects.\n", "    text: Spot side effects.\n    slides:\n      - 2\n"
    )
    objectives = read_module(mod).config.objectives
    assert [(o.id, o.slides) for o in objectives] == [("dosing", [2, 1]), ("safety", [2])]


def test_objective_slides_are_optional(mod: Path) -> None:
    assert [o.slides for o in read_module(mod).config.objectives] == [[], []]


def test_objective_slide_beyond_the_deck(mod: Path) -> None:
    edit(mod / "module.yaml", DOSING, DOSING + "    slides: [1, 3]\n")
    assert errors(mod) == [
        "mod/module.yaml:14: error[module.objective-slide] objective 'dosing' lists slide 3, but slides.pdf has only "
        "2 pages; write the number of a slide from 1 to 2 (its page number in the PDF), or remove it",
    ]


def test_objective_slide_beyond_the_deck_at_its_own_line(mod: Path) -> None:
    # A block list: the line of the number itself, not of `slides:`; a one-page deck has only "slide 1".
    make_pdf(mod / "slides.pdf", pages=1)
    edit(mod / "module.yaml", DOSING, DOSING + "    slides:\n      - 1\n      - 2\n")
    assert errors(mod) == [
        "mod/module.yaml:16: error[module.objective-slide] objective 'dosing' lists slide 2, but slides.pdf has only "
        "1 page; write the number of slide 1 (its page number in the PDF), or remove it",
    ]


def test_objective_slide_beyond_the_deck_beside_other_errors(mod: Path) -> None:
    # Checked on the file as written: one run shows it with the schema's errors (here a typo in another objective).
    edit(mod / "module.yaml", DOSING, DOSING + "    slides: [9]\n")
    edit(mod / "module.yaml", "    text: Spot side effects.", "    txt: Spot side effects.")
    assert errors(mod) == [
        "mod/module.yaml:14: error[module.objective-slide] objective 'dosing' lists slide 9, but slides.pdf has only "
        "2 pages; write the number of a slide from 1 to 2 (its page number in the PDF), or remove it",
        "mod/module.yaml:15: error[schema.missing] objectives[1] is missing required key 'text'; add it",
        "mod/module.yaml:16: error[schema.unknown-key] unknown key 'txt' in objectives[1]; did you mean 'text'?",
    ]


@pytest.mark.parametrize(
    ("written", "message"),
    [
        (
            "[0]",
            "there is no slide 0: slides are numbered from 1, the first page of the PDF; write the page numbers "
            "of the slides, e.g. slides: [3, 4, 5]",
        ),
        (
            "[1, true]",
            "true is not a slide number; write the page numbers of the slides in the PDF, e.g. slides: [3, 4, 5]",
        ),
        ("[1.5]", "1.5 is not a slide number; write the page numbers of the slides in the PDF, e.g. slides: [3, 4, 5]"),
        ('["2"]', "slide '2' is text; write the number without quotes: 2"),
        ("1-2", "objective 'dosing' slides '1-2' is text; write each slide number in a list: slides: [1, 2]"),
        (
            "first",
            "objective 'dosing' slides 'first' is text; write each slide number in a list, e.g. slides: [3, 4, 5]",
        ),
        ("2", "objective 'dosing' slides 2 is a number, not a list; write slides: [2]"),
        ("[2, 1, 2]", "objective 'dosing' lists slide 2 twice; list each slide once"),
    ],
)
def test_objective_slides_that_are_not_slide_numbers(mod: Path, written: str, message: str) -> None:
    edit(mod / "module.yaml", DOSING, DOSING + f"    slides: {written}\n")
    assert errors(mod) == [f"mod/module.yaml:14: error[module.objective-slide] {message}"]


# ---- Markdown ------------------------------------------------------------------------------------------


def test_raw_html_in_description_and_prompt(mod: Path) -> None:
    edit(mod / "module.yaml", "  A short **demo** module.", "  A short **demo** module.\n  Now <b>bold</b>.")
    edit(mod / "quiz.yaml", "prompt: Nausea is common.", "prompt: Nausea is <em>common</em>.")
    assert errors(mod) == [
        "mod/module.yaml:7: error[markdown.raw-html] description contains raw HTML '<b>'; write Markdown instead "
        "(e.g. **bold**, *italic*, a blank line between paragraphs)",
        "mod/quiz.yaml:13: error[markdown.raw-html] the prompt of item 'q2' contains raw HTML '<em>'; write "
        "Markdown instead (e.g. **bold**, *italic*, a blank line between paragraphs)",
    ]


def test_autolinks_and_less_than_are_not_html(mod: Path) -> None:
    edit(mod / "quiz.yaml", "prompt: Nausea is common.", 'prompt: "See <https://example.org>; 3 < 4."')
    assert read_module(mod).items[1].prompt == "See <https://example.org>; 3 < 4."


# ---- files ---------------------------------------------------------------------------------------------


def test_missing_module_yaml(mod: Path) -> None:
    (mod / "module.yaml").unlink()
    assert errors(mod) == [
        "mod/module.yaml: error[source.missing] module.yaml not found in mod; create it (see docs/source-format.md)",
    ]


def test_missing_module_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert errors(Path("nowhere")) == ["nowhere: error[source.missing] module folder nowhere not found; check the path"]


def test_missing_quiz_file(mod: Path) -> None:
    (mod / "quiz.yaml").unlink()
    assert errors(mod) == [
        "mod/module.yaml:20: error[quiz.missing] quiz file 'quiz.yaml' not found in mod; create it or set quiz.file",
    ]


def test_quiz_file_outside_module(mod: Path) -> None:
    edit(mod / "module.yaml", "file: quiz.yaml", "file: ../quiz.yaml")
    assert errors(mod) == [
        "mod/module.yaml:20: error[source.outside-module] quiz.file '../quiz.yaml' is outside the module folder; "
        "put it in mod and give a relative path such as quiz.yaml",
    ]


def test_paths_outside_cwd_are_shown_as_given(tmp_path: Path) -> None:
    src = tmp_path / "m"
    src.mkdir()
    with pytest.raises(ScormkitError) as info:
        read_module(src)
    assert [str(d) for d in info.value.report.diagnostics] == [
        f"{src.as_posix()}/module.yaml: error[source.missing] module.yaml not found in {src.as_posix()}; "
        "create it (see docs/source-format.md)",
    ]


def test_all_errors_of_all_files_at_once(mod: Path) -> None:
    edit(mod / "module.yaml", "title: Demo", "titel: Demo")
    edit(mod / "quiz.yaml", "        correct: true\n", "")
    edit(mod / "quiz.yaml", "id: q2", "id: q1")
    (mod / "slides.pdf").unlink()
    assert errors(mod) == [
        "mod/module.yaml:1: error[schema.missing] module.yaml is missing required key 'title'; add it",
        "mod/module.yaml:3: error[schema.unknown-key] unknown key 'titel' in module.yaml; did you mean 'title'?",
        "mod/module.yaml:17: error[slides.missing] slides file 'slides.pdf' not found in mod; export your deck to "
        "PDF there or set slides.file",
        "mod/quiz.yaml:2: error[quiz.no-correct-answer] item 'q1' has no correct choice; mark one with correct: true",
        "mod/quiz.yaml:9: error[quiz.duplicate-id] item id 'q1' is used twice (first at line 2); give each item its "
        "own id, it becomes the LMS interaction id",
    ]


def test_error_message_lists_every_diagnostic(mod: Path) -> None:
    edit(mod / "module.yaml", "title: Demo", "titel: Demo")
    with pytest.raises(ScormkitError) as info:
        read_module(mod)
    assert str(info.value).splitlines() == [str(d) for d in info.value.report.sorted()]


def test_empty_items_and_bom(mod: Path) -> None:
    (mod / "quiz.yaml").write_text("\ufeffitems: []\n", encoding="utf-8")
    assert errors(mod) == [
        "mod/quiz.yaml:1: error[schema.invalid] invalid items []: it must have at least one entry",
    ]


def test_items_that_are_not_mappings(mod: Path) -> None:
    (mod / "quiz.yaml").write_text("items:\n  - foo\n  - 3\n")
    assert errors(mod) == [
        "mod/quiz.yaml:2: error[schema.invalid] invalid items[0] 'foo': it must be a mapping (key: value lines)",
        "mod/quiz.yaml:3: error[schema.invalid] invalid items[1] 3: it must be a mapping (key: value lines)",
    ]


# ---- Markdown images ---------------------------------------------------------------------------------------------


def test_markdown_images_under_assets_are_shipped(mod: Path) -> None:
    (mod / "assets").mkdir()
    (mod / "assets" / "chart.png").write_bytes(b"\x89PNG chart")
    edit(
        mod / "module.yaml",
        "  A short **demo** module.",
        "  A short **demo** module.\n  ![A dosing chart](assets/chart.png)",
    )
    edit(
        mod / "quiz.yaml",
        "prompt: Nausea is common.",
        'prompt: "![A dosing chart](assets/chart.png) Is nausea common?"',
    )
    module = read_module(mod)
    assert module.assets["assets/chart.png"] == b"\x89PNG chart"
    assert sorted(name for name in module.assets if not name.startswith("slides/")) == [
        "assets/chart.png",
        "slides.pdf",
    ]


def test_markdown_images_must_be_local_under_assets_present_and_described(mod: Path) -> None:
    (mod / "assets").mkdir()
    (mod / "assets" / "notes.txt").write_text("not an image")
    (mod / "chart.png").write_bytes(b"\x89PNG")
    edit(
        mod / "module.yaml",
        "  A short **demo** module.",
        "  A short **demo** module.\n  ![A chart](https://example.org/chart.png)\n  ![A chart](chart.png)\n"
        "  ![Notes](assets/notes.txt)\n  ![](assets/gone.png)",
    )
    assert errors(mod) == [
        "mod/module.yaml:7: error[markdown.remote-image] description shows the image 'https://example.org/chart.png' "
        "from another host, which the player never contacts; save it under assets/ in mod and write "
        "![A chart](assets/...)",
        "mod/module.yaml:8: error[markdown.image-path] description shows the image 'chart.png', which is not under "
        "assets/ in the module folder; move it to mod/assets and write ![...](assets/<name>)",
        "mod/module.yaml:9: error[markdown.image-format] description shows 'assets/notes.txt', which is not an image "
        "every browser shows; use PNG, JPG, JPEG, GIF, WEBP, SVG",
        "mod/module.yaml:10: error[markdown.image-alt] description shows the image 'assets/gone.png' without a text "
        "alternative; write what it shows between the brackets: ![text](...) (WCAG 1.1.1)",
        "mod/module.yaml:10: error[markdown.image-missing] description shows the image 'assets/gone.png', not found "
        "in mod; add the file or correct the path",
    ]


def test_a_markdown_image_cannot_leave_the_module_folder(mod: Path, tmp_path: Path) -> None:
    (tmp_path / "secret.png").write_bytes(b"\x89PNG")
    edit(mod / "quiz.yaml", "prompt: Nausea is common.", 'prompt: "![Secret](assets/../../secret.png) Common?"')
    assert errors(mod) == [
        "mod/quiz.yaml:13: error[markdown.image-path] the prompt of item 'q2' shows the image "
        "'assets/../../secret.png', which is not under assets/ in the module folder; move it to mod/assets and "
        "write ![...](assets/<name>)",
    ]
