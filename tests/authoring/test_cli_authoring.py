"""The authoring verbs as a designer runs them: init -> check -> pack -> validate, schema, quiz convert, the build
report and CLI manners (colour, --quiet, --help examples, completion, the web zip under validate)."""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from ruamel.yaml import YAML
from typer.testing import CliRunner

from scormkit.cli import app

ROOT = Path(__file__).resolve().parents[2]
FILES = Path(__file__).parent / "files"
runner = CliRunner()
ANSI = re.compile(r"\x1b\[")


def scormkit(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    environment = {**os.environ, "PYTHONPATH": str(ROOT / "src"), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "scormkit", *args], capture_output=True, text=True, cwd=cwd, env=environment
    )


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_init_then_check_then_pack_then_validate_with_no_warning(tmp_path):
    made = scormkit("init", "my-course", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    assert sorted(tree(tmp_path / "my-course")) == [
        ".schema/module.schema.json",
        ".schema/quiz.schema.json",
        "module.yaml",
        "quiz.yaml",
        "slides.pdf",
    ]
    checked = scormkit("check", "my-course", cwd=tmp_path)
    assert checked.returncode == 0, checked.stderr
    assert checked.stderr.strip() == (
        "my-course is ready to pack: 0 error(s), 0 warning(s); 3 slides, 7 items, built "
        "scorm12, scorm2004 in memory; nothing was written."
    )
    packed = scormkit(
        "pack", "my-course", "-t", "scorm12", "-t", "scorm2004", "-t", "xapi", "-t", "cmi5", "-t", "web", cwd=tmp_path
    )
    assert packed.returncode == 0, packed.stderr
    assert packed.stderr == ""  # no warning of any kind
    validated = scormkit("validate", "dist/*.zip", "--strict", cwd=tmp_path)
    assert validated.returncode == 0, validated.stdout + validated.stderr
    assert "4 package(s): 4 valid, 0 invalid; 0 error(s), 0 warning(s)" in validated.stdout
    # The README's own example: the web zip is named, not called invalid.
    assert (
        "my-course-0.1.0-web.zip: a scormkit web package (standalone player, no LMS manifest): not an LMS "
        "package, skipped" in validated.stderr
    )


def test_init_template_has_one_item_of_every_type_and_a_comment_on_each_field(tmp_path):
    assert runner.invoke(app, ["init", str(tmp_path / "m")]).exit_code == 0
    quiz = YAML(typ="safe").load((tmp_path / "m" / "quiz.yaml").read_text())
    from scormkit.model import ITEM_TYPES

    assert sorted(i["type"] for i in quiz["items"]) == sorted(ITEM_TYPES)
    module_lines = (tmp_path / "m" / "module.yaml").read_text().splitlines()
    assert module_lines[0] == "# yaml-language-server: $schema=.schema/module.schema.json"
    assert (
        (tmp_path / "m" / "quiz.yaml")
        .read_text()
        .startswith("# yaml-language-server: $schema=.schema/quiz.schema.json\n")
    )
    # Each top-level key of the template is explained, on its line or in the comment just above.
    for index, line in enumerate(module_lines):
        if re.match(r"^[a-z_]+:", line):
            assert "#" in line or module_lines[index - 1].startswith("#"), line
    assert YAML(typ="safe").load("\n".join(module_lines))["id"] == "new-module"  # 'm' is too short for an id
    assert runner.invoke(app, ["init", str(tmp_path / "My Course 2")]).exit_code == 0
    assert YAML(typ="safe").load((tmp_path / "My Course 2" / "module.yaml").read_text())["id"] == "my-course-2"


def test_init_refuses_a_folder_that_is_not_empty_and_changes_nothing(tmp_path):
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "todo.txt").write_text("keep me")
    result = scormkit("init", "notes", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (
        "notes: error[init.not-empty] notes is not empty; init never overwrites anything: choose a new folder name, "
        "e.g. scormkit init my-module"
    )
    assert tree(tmp_path / "notes") == {"todo.txt": b"keep me"}


def test_init_example_copies_the_shipped_example(tmp_path):
    result = runner.invoke(app, ["init", str(tmp_path / "esmo"), "--example"])
    assert result.exit_code == 0, result.output
    copied = (tmp_path / "esmo" / "module.yaml").read_text()
    assert copied == (
        "# yaml-language-server: $schema=.schema/module.schema.json\n"
        + (ROOT / "module_src" / "module.yaml").read_text()
    )
    assert (tmp_path / "esmo" / "slides.pdf").read_bytes() == (ROOT / "module_src" / "slides.pdf").read_bytes()
    assert runner.invoke(app, ["check", str(tmp_path / "esmo")]).exit_code == 0


def _plain_json(value):
    """YAML as an editor's language server sees it: dates are strings (YAML 1.2 core schema)."""
    import datetime as dt

    if isinstance(value, dict):
        return {k: _plain_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain_json(v) for v in value]
    return value.isoformat() if isinstance(value, dt.date) else value


def _schema(kind: str) -> dict:
    result = runner.invoke(app, ["schema", kind])
    assert result.exit_code == 0
    return json.loads(result.stdout)


def test_schema_accepts_module_src_and_rejects_typos():
    module_schema, quiz_schema = _schema("module"), _schema("quiz")
    validator = jsonschema.Draft202012Validator
    validator.check_schema(module_schema)
    module = _plain_json(YAML(typ="safe").load((ROOT / "module_src" / "module.yaml").read_text()))
    quiz = _plain_json(YAML(typ="safe").load((ROOT / "module_src" / "quiz.yaml").read_text()))
    validator(module_schema).validate(module)
    validator(quiz_schema).validate(quiz)

    module["quiz"]["pasing_score"] = module["quiz"].pop("passing_score")
    error = jsonschema.exceptions.best_match(validator(module_schema).iter_errors(module))
    assert error.message == "Additional properties are not allowed ('pasing_score' was unexpected)"
    quiz["items"][0]["type"] = "singel"
    assert list(validator(quiz_schema).iter_errors(quiz))
    module["quiz"]["passing_score"] = module["quiz"].pop("pasing_score")
    module["version"] = 1.0  # unquoted number: pack says "put the value in quotes", the schema agrees
    assert [e.message for e in validator(module_schema).iter_errors(module)] == ["1.0 is not of type 'string'"]


def test_schema_describes_the_slides_of_an_objective():
    # module_src's objectives list their slides (accepted above); an editor underlines what pack refuses.
    validator = jsonschema.Draft202012Validator(_schema("module"))
    module = _plain_json(YAML(typ="safe").load((ROOT / "module_src" / "module.yaml").read_text()))
    assert [o["slides"] for o in module["objectives"]] == [[4, 5, 6, 16], [9, 11, 12, 13, 14, 15], [7, 8, 10, 11, 12]]
    for bad, message in (
        ([0], "0 is less than the minimum of 1"),
        ([4, 4], "[4, 4] has non-unique elements"),
        ("3-5", "'3-5' is not of type 'array'"),
    ):
        module["objectives"][0]["slides"] = bad
        assert [e.message for e in validator.iter_errors(module)] == [message]


def test_schema_files_written_by_init_are_those_schema_prints(tmp_path):
    runner.invoke(app, ["init", str(tmp_path / "m")])
    assert json.loads((tmp_path / "m" / ".schema" / "module.schema.json").read_text()) == _schema("module")
    assert json.loads((tmp_path / "m" / ".schema" / "quiz.schema.json").read_text()) == _schema("quiz")


def _designer_mistakes(folder: Path) -> None:
    """A module with every designer warning: no feedback, one-item objective, image-only slide, big state."""
    from pypdf import PdfReader, PdfWriter

    quiz = (folder / "quiz.yaml").read_text()
    quiz = quiz.replace(
        "    feedback:\n      correct: Right, the order matters.\n"
        "      incorrect: The order matters; each step relies on the one before.\n",
        "",
    )
    for n in range(6):  # typed answers are the longest resume data: 6 more bring scorm12 near its 4096
        quiz += (
            f"\n  - id: extra-{n}\n    type: fillin\n    objective: recall\n    prompt: Word {n}?\n"
            f"    accepted: [w{n}]\n    feedback: {{correct: Yes, incorrect: 'No'}}\n"
        )
    quiz = quiz.replace(
        "    objective: apply\n    prompt: A patient weighs", "    objective: recall\n    prompt: A patient weighs"
    )
    quiz = quiz.replace("    objective: apply\n    prompt: Match each", "    objective: recall\n    prompt: Match each")
    (folder / "quiz.yaml").write_text(quiz)
    writer = PdfWriter(clone_from=PdfReader(folder / "slides.pdf"))
    writer.add_blank_page(width=960, height=540)  # an image-only page has no text either
    with open(folder / "slides.pdf", "wb") as handle:
        writer.write(handle)


def test_check_reports_designer_warnings_and_writes_nothing(tmp_path):
    runner.invoke(app, ["init", str(tmp_path / "m")])
    _designer_mistakes(tmp_path / "m")
    before = tree(tmp_path)
    result = scormkit("check", "m", cwd=tmp_path)
    assert tree(tmp_path) == before  # nothing written: no dist/, no cache
    lines = result.stderr.splitlines()
    quiz = (tmp_path / "m" / "quiz.yaml").read_text().splitlines()
    module = (tmp_path / "m" / "module.yaml").read_text().splitlines()
    from scormkit.player import worst_case_state_length
    from scormkit.source import read_module

    state = worst_case_state_length(read_module(tmp_path / "m"))
    assert 0.8 * 4096 <= state <= 4096
    assert lines == [
        f"m/module.yaml: warning[check.state-near-budget] the worst-case resume state is {state} characters, "
        f"{state / 4096:.0%} of the 4096 that scorm12 keeps (docs/lms-pitfalls.md rule 1); a few more items or choices and "
        "pack refuses it: set quiz.draw, or pack for scorm2004",
        f"m/module.yaml:{module.index('  - id: apply') + 1}: warning[check.objective-one-item] objective 'apply' is "
        "assessed by one item only (q07-put-in-order), so one slip decides the LMS's result for it; tag a second "
        "item with objective: apply",
        f"m/quiz.yaml:{quiz.index('  - id: q03-order-matters') + 1}: warning[check.no-feedback] item "
        "'q03-order-matters' has no feedback; add feedback: {correct: ..., incorrect: ...} so a learner who gets it "
        "wrong learns why",
        "m/slides.pdf: warning[check.slide-no-text] slide 4 has no text (an image-only page): a screen reader says "
        "only 'Slide 4' and search cannot find it; export the deck with its text as text, not as pictures "
        "(WCAG 1.1.1)",
        "m is ready to pack: 0 error(s), 4 warning(s); 4 slides, 13 items, built scorm12, scorm2004 in memory; "
        "nothing was written.",
    ]
    assert result.returncode == 0
    assert scormkit("check", "m", "--strict", cwd=tmp_path).returncode == 1


def test_check_reports_what_pack_reports(tmp_path):
    shutil.copytree(ROOT / "module_src", tmp_path / "m")
    text = (tmp_path / "m" / "module.yaml").read_text()
    (tmp_path / "m" / "module.yaml").write_text(text.replace("passing_score: 80", "pasing_score: 80"))
    checked = scormkit("check", "m", cwd=tmp_path)
    packed = scormkit("pack", "m", cwd=tmp_path)
    assert checked.returncode == packed.returncode == 1
    error = [line for line in packed.stderr.splitlines() if "error[" in line]
    assert error and [line for line in checked.stderr.splitlines() if "error[" in line] == error
    assert not (tmp_path / "dist").exists()


def test_unused_objective_is_a_warning_pack_shows_once(tmp_path):
    runner.invoke(app, ["init", str(tmp_path / "m")])
    module = tmp_path / "m" / "module.yaml"
    module.write_text(
        module.read_text().replace(
            "    text: Apply the procedure to a realistic case.\n",
            "    text: Apply the procedure to a realistic case.\n  - id: explain\n    text: Explain why.\n",
        )
    )
    packed = scormkit("pack", "m", cwd=tmp_path)
    assert packed.returncode == 0
    assert packed.stderr.count("warning[quiz.unused-objective] objective 'explain' is not assessed") == 1


def test_pack_format_json_is_the_build_report(tmp_path):
    runner.invoke(app, ["init", str(tmp_path / "course")])
    result = scormkit("pack", "course", "--format", "json", "-t", "scorm12", "-t", "xapi", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["ok"] is True
    scorm12, xapi = report["targets"]
    assert scorm12["target"] == "scorm12" and scorm12["zip"] == "dist/course-0.1.0-scorm12.zip"
    assert scorm12["size"] == (tmp_path / "dist" / "course-0.1.0-scorm12.zip").stat().st_size
    assert (scorm12["slides"], scorm12["items"], scorm12["warnings"]) == (3, 7, [])
    assert scorm12["state"]["budget"] == 4096 and xapi["state"]["budget"] == 64000
    assert 0 < scorm12["state"]["worst_case"] == xapi["state"]["worst_case"] < 4096
    import zipfile

    with zipfile.ZipFile(tmp_path / "dist" / "course-0.1.0-scorm12.zip") as archive:
        assert scorm12["files"] == len(archive.namelist())


def test_pack_format_json_reports_errors_as_json(tmp_path):
    result = scormkit("pack", "nowhere", "--format", "json", cwd=tmp_path)
    assert result.returncode == 1
    assert json.loads(result.stdout) == {
        "ok": False,
        "diagnostics": [
            {
                "file": "nowhere",
                "line": None,
                "severity": "error",
                "code": "source.missing",
                "message": "module folder nowhere not found; check the path",
            }
        ],
    }


def test_quiz_convert_prints_the_equivalent_quiz_yaml(tmp_path):
    result = scormkit("quiz", "convert", str(FILES / "pain.gift"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    converted = YAML(typ="safe").load(result.stdout)
    from scormkit.diagnostics import Report
    from scormkit.source.quizdoc import load_quiz_doc

    assert converted == load_quiz_doc(FILES / "pain.gift", "pain.gift", Report()).data
    # The printed file is a quiz.yaml pack reads: swap it into the example module.
    shutil.copytree(ROOT / "module_src", tmp_path / "m")
    (tmp_path / "m" / "quiz.yaml").write_text(result.stdout)
    assert runner.invoke(app, ["check", str(tmp_path / "m")]).exit_code == 0


def test_quiz_convert_of_a_bad_file_names_the_line(tmp_path):
    (tmp_path / "bank.gift").write_text("::a:: Fine {T}\n\n::b:: Discuss {}\n")
    result = scormkit("quiz", "convert", "bank.gift", cwd=tmp_path)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.startswith("bank.gift:3: error[gift.unsupported] question 'b' is an essay")


@pytest.mark.parametrize(
    "verb", [["pack"], ["validate"], ["info"], ["init"], ["schema"], ["check"], ["quiz", "convert"]]
)
def test_every_verb_has_examples_in_its_help(verb):
    result = runner.invoke(app, [*verb, "--help"])
    assert result.exit_code == 0
    assert "Examples:" in result.output
    assert f"scormkit {' '.join(verb)} " in result.output


def test_no_colour_with_no_color_even_when_forced(tmp_path):
    (tmp_path / "m").mkdir()
    coloured = scormkit("check", "m", cwd=tmp_path, env={"FORCE_COLOR": "1", "TTY_COMPATIBLE": "1"})
    validate = scormkit("validate", str(tmp_path / "m"), cwd=tmp_path, env={"FORCE_COLOR": "1"})
    assert ANSI.search(validate.stdout)  # the check can fail: colour is on when forced
    plain = scormkit("validate", str(tmp_path / "m"), cwd=tmp_path, env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert not ANSI.search(plain.stdout + plain.stderr)
    piped = scormkit("validate", str(tmp_path / "m"), cwd=tmp_path)  # not a TTY
    assert not ANSI.search(piped.stdout + piped.stderr + coloured.stdout)


def test_quiet_prints_errors_only_and_version(tmp_path):
    runner.invoke(app, ["init", str(tmp_path / "m")])
    quiet = scormkit("--quiet", "pack", "m", cwd=tmp_path)
    assert quiet.returncode == 0 and quiet.stdout == "" and quiet.stderr == ""
    failed = scormkit("-q", "pack", "missing", cwd=tmp_path)
    assert failed.returncode == 1
    assert failed.stderr == "missing: error[source.missing] module folder missing not found; check the path\n"
    verbose = scormkit("--verbose", "pack", "m", "-t", "scorm12", cwd=tmp_path)
    assert "resume state" in verbose.stdout and "/ 4096" in verbose.stdout
    version = scormkit("--version", cwd=tmp_path)
    assert re.fullmatch(r"scormkit \d+\.\d+\.\d+\n", version.stdout)


def test_shell_completion_script_is_offered(tmp_path):
    result = scormkit(
        "--show-completion", "bash", cwd=tmp_path, env={"_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"}
    )
    assert result.returncode == 0, result.stderr
    assert "complete" in result.stdout and "scormkit" in result.stdout.lower()


def test_schema_hover_texts_name_real_keys():
    from scormkit.authoring.schema import DESCRIPTIONS

    module_schema, quiz_schema = _schema("module"), _schema("quiz")
    for (definition, prop), text in DESCRIPTIONS.items():
        node = (
            (module_schema if prop != "items" else quiz_schema)
            if not definition
            else module_schema["$defs"][definition]
        )
        assert node["properties"][prop]["description"] == text
    assert "interaction id" in quiz_schema["$defs"]["NumericItem"]["properties"]["id"]["description"]


def test_a_scorm_zip_that_lost_its_manifest_is_still_invalid(tmp_path):
    import zipfile

    runner.invoke(app, ["init", str(tmp_path / "m")])
    assert (
        runner.invoke(app, ["pack", str(tmp_path / "m"), "-t", "scorm12", "--out", str(tmp_path / "d")]).exit_code == 0
    )
    (packed,) = (tmp_path / "d").glob("*.zip")
    broken = tmp_path / "broken.zip"
    with zipfile.ZipFile(packed) as source, zipfile.ZipFile(broken, "w") as target:
        for name in source.namelist():
            if name != "imsmanifest.xml":
                target.writestr(name, source.read(name))
    result = scormkit("validate", str(broken), cwd=tmp_path)
    assert result.returncode == 1
    assert "pkg.no-manifest" in result.stdout and "skipped" not in result.stderr
