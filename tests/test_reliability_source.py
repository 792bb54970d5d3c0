"""Issue 15, source side: every hostile or broken module folder ends as `file:line: error[code]` and exit 1.

Each case was a traceback, a hang, unbounded memory or a silently wrong package before (see the issue). Cases that
could hang or exhaust memory run the real CLI in a child process under RLIMIT_AS and a watchdog (tests/bounded.py);
the others run in-process through typer's CliRunner, which goes through the same error boundary.
"""

from __future__ import annotations

import json
import os
import shutil
import zipfile
from pathlib import Path

import pytest
from bounded import assert_kept_promise, diagnostic_lines, run_bounded
from typer.testing import CliRunner

from scormkit.cli import app
from scormkit.validate import validate_path
from tests.factories import MODULE_YAML, edit, module_folder

runner = CliRunner()


@pytest.fixture
def mod(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return module_folder(tmp_path, monkeypatch)


def pack(src: Path, *args: str, env: dict | None = None):
    """`scormkit pack` in-process; asserts the boundary held (no traceback, no internal error)."""
    result = runner.invoke(app, ["pack", str(src), "--out", "dist", *args], env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.stderr and "error[internal]" not in result.stderr, result.stderr
    return result


def failure(src: Path, *args: str, env: dict | None = None) -> list[str]:
    result = pack(src, *args, env=env)
    assert result.exit_code == 1, result.output
    assert not list(Path("dist").glob("*.zip")), "a failed pack wrote a zip"
    return [line for line in result.stderr.splitlines() if "error[" in line or "warning[" in line]


# ---- YAML bounds -------------------------------------------------------------------------------------------

ALIAS_BOMB = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 10)}]\n" for i in range(8)
)


def test_yaml_alias_bomb_is_refused_under_bounds(mod: Path) -> None:
    """3.4 KB expanding to 10^9 values: was 45 s, 2 GB, then MemoryError."""
    (mod / "quiz.yaml").write_text(ALIAS_BOMB)
    outcome = run_bounded(["pack", str(mod), "--out", "dist"], cwd=Path.cwd())
    assert_kept_promise(outcome, exit_code=1)
    assert diagnostic_lines(outcome)[0].startswith(
        "mod/quiz.yaml:5: error[yaml.too-complex] the file expands to more than 200,000 values once its aliases"
    )


def test_yaml_nesting_is_bounded(mod: Path) -> None:
    """300+ levels gave RecursionError; flow and block styles alike."""
    (mod / "quiz.yaml").write_text("items: " + "[" * 5000 + "]" * 5000 + "\n")
    block = "".join("  " * depth + f"k{depth}:\n" for depth in range(400))
    (mod / "module.yaml").write_text(block)
    outcome = run_bounded(["pack", str(mod), "--out", "dist"], cwd=Path.cwd())
    assert_kept_promise(outcome, exit_code=1)
    lines = diagnostic_lines(outcome)
    assert "mod/module.yaml:65: error[yaml.too-deep] values nest more than 64 levels deep" in lines[0]
    assert lines[1].startswith("mod/quiz.yaml:1: error[yaml.too-deep]")


def test_yaml_file_size_is_bounded(mod: Path) -> None:
    """100 MB of comments: no answer in 300 s before."""
    with (mod / "module.yaml").open("a") as fh:
        fh.write(("# " + "x" * 1000 + "\n") * 3000)
    outcome = run_bounded(["pack", str(mod), "--out", "dist"], cwd=Path.cwd())
    assert_kept_promise(outcome, exit_code=1)
    assert diagnostic_lines(outcome) == [
        "mod/module.yaml: error[yaml.too-large] file is 3,009,353 bytes; the limit is 2 MiB (docs/limits.md): split "
        "the quiz or remove what the module does not need"
    ]


def test_a_fifo_for_a_quiz_is_refused_not_waited_on(mod: Path) -> None:
    (mod / "quiz.yaml").unlink()
    os.mkfifo(mod / "quiz.yaml")
    outcome = run_bounded(["pack", str(mod), "--out", "dist"], cwd=Path.cwd(), timeout=60)
    assert_kept_promise(outcome, exit_code=1)
    assert "mod/quiz.yaml: error[source.not-a-file] mod/quiz.yaml is not a regular file" in outcome.stderr


# ---- values ------------------------------------------------------------------------------------------------

NUMERIC = """\
  - id: q3
    type: numeric
    objective: dosing
    prompt: How many?
    answer: {answer}
    tolerance: {tolerance}
"""


@pytest.mark.parametrize("answer, tolerance, line", [(".nan", "0", 19), ("1", ".inf", 20), ("-.inf", "0", 19)])
def test_nan_and_infinity_are_refused(mod: Path, answer: str, tolerance: str, line: int) -> None:
    """They packed with exit 0, and the player's JSON.parse then threw on `NaN`: Start never showed."""
    with (mod / "quiz.yaml").open("a") as fh:
        fh.write(NUMERIC.format(answer=answer, tolerance=tolerance))
    lines = failure(mod)
    assert lines[0].startswith(f"mod/quiz.yaml:{line}: error[schema.invalid] item 'q3' ")
    assert lines[0].endswith("; it must be a finite number")


def test_nan_weight_and_credits_are_refused(mod: Path) -> None:
    edit(mod / "quiz.yaml", "    answer: true\n", "    answer: true\n    weight: .nan\n")
    edit(
        mod / "module.yaml",
        "updated: 2024-01-31\n",
        "updated: 2024-01-31\ncredit:\n  provider: EACCME\n  credits: .inf\n  expires: 2030\n",
    )
    lines = failure(mod)
    assert "mod/module.yaml:13: error[schema.invalid] credit.credits is inf; it must be a finite number" in lines
    assert "mod/quiz.yaml:15: error[schema.invalid] item 'q2' weight is nan; it must be a finite number" in lines


@pytest.mark.parametrize(
    "date, why", [("2023-02-30", "day is out of range for month"), ("2023-13-01", "month must be in 1..12")]
)
def test_impossible_dates_name_the_line(mod: Path, date: str, why: str) -> None:
    edit(mod / "module.yaml", "updated: 2024-01-31", f"updated: {date}")
    assert failure(mod) == [
        f"mod/module.yaml:10: error[yaml.invalid-date] cannot read the value '{date}' ({why}); "
        "write a real date as YYYY-MM-DD"
    ]


def test_a_date_after_2107_is_refused(mod: Path) -> None:
    """Zip dates end in 2107: `updated: 2200-01-01` reached zipfile's ValueError."""
    edit(mod / "module.yaml", "updated: 2024-01-31", "updated: 2200-01-01")
    assert failure(mod) == [
        "mod/module.yaml:10: error[source.date-range] updated 2200-01-01 is after 2107, the last year "
        "a zip can carry; write the date of the last update"
    ]


@pytest.mark.parametrize(
    "escaped, code",
    [("\\x1b[31mred\\x1b[0m", "U+001B"), ("nul\\0", "U+0000"), ("\\uFFFE", "U+FFFE"), ("\\x85next", "U+0085")],
)
def test_control_characters_in_text_are_refused_and_never_printed(mod: Path, escaped: str, code: str) -> None:
    """lxml's ValueError (130 fuzz hits), or raw ANSI escapes echoed to the terminal."""
    edit(mod / "module.yaml", "title: Demo", f'title: "{escaped}"')
    lines = failure(mod)
    assert lines == [
        f"mod/module.yaml:3: error[yaml.control-character] title holds the character {code} (a control "
        "character or a noncharacter), which cannot be shown or packaged; remove it"
    ]


def test_raw_escape_in_a_key_is_never_printed_raw(mod: Path) -> None:
    edit(mod / "module.yaml", "title: Demo", 'title: Demo\n"\\x1b]0;pwned\\x07": 1')
    result = pack(mod)
    assert result.exit_code == 1
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr
    assert "error[yaml.control-character]" in result.stderr


@pytest.mark.parametrize(
    "value, code", [("!!binary AAAA", "bytes"), ("!custom x", "!custom"), ("!!set {a}", "CommentedSet")]
)
def test_yaml_tags_that_are_no_plain_value_are_refused(mod: Path, value: str, code: str) -> None:
    edit(mod / "module.yaml", "publisher: Example", f"publisher: {value}")
    assert failure(mod) == [
        f"mod/module.yaml:9: error[yaml.unsupported-value] publisher is a {code} value; write plain "
        "text, a number, a date, a list or a mapping"
    ]


# ---- unanswerable items ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "item, message",
    [
        (
            "type: matching\n    pairs:\n      - {source: A, target: One}\n      - {source: B, target: One}",
            "item q9 has the target 'One' twice",
        ),
        (
            "type: matching\n    pairs:\n      - {source: A, target: One}\n      - {source: a, target: Two}",
            "item q9 has the source 'a' twice",
        ),
        ("type: sequencing\n    steps: [First, Second, first]", "item q9 has the step 'first' twice"),
        (
            "type: single\n    choices:\n      - {text: Yes, correct: true}\n      - {text: ' yes '}",
            "item q9 has the choice 'yes' twice",
        ),
        (
            "type: multiple\n    choices:\n      - {text: Yes, correct: true}\n      - {text: Yes}",
            "item q9 has the choice 'Yes' twice",
        ),
    ],
)
def test_unanswerable_items_are_refused(mod: Path, item: str, message: str) -> None:
    with (mod / "quiz.yaml").open("a") as fh:
        fh.write(f"  - id: q9\n    objective: dosing\n    prompt: Which?\n    {item}\n")
    lines = failure(mod)
    assert len(lines) == 1 and lines[0].startswith("mod/quiz.yaml:")
    assert f"error[quiz.unanswerable] {message}; the learner cannot tell them apart" in lines[0]


def test_sequencing_of_one_step_is_refused(mod: Path) -> None:
    with (mod / "quiz.yaml").open("a") as fh:
        fh.write("  - id: q9\n    objective: dosing\n    prompt: Order\n    type: sequencing\n    steps: [Only]\n")
    assert failure(mod) == [
        "mod/quiz.yaml:19: error[schema.invalid] invalid item 'q9' steps ['Only']: it must have at "
        "least 2 items after validation, not 1"
    ]


# ---- paths: links, loops, non-canonical and case-only names ------------------------------------------------


def test_module_yaml_linked_outside_the_module_is_not_read(mod: Path, tmp_path: Path) -> None:
    """Its values shipped before; now nothing of it is read."""
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text(MODULE_YAML.replace("title: Demo", "title: SECRET-FROM-OUTSIDE"))
    (mod / "module.yaml").unlink()
    (mod / "module.yaml").symlink_to(outside)
    lines = failure(mod)
    assert lines == [
        "mod/module.yaml: error[source.outside-module] module.yaml is a link to a file outside mod; copy "
        "the file into the module folder"
    ]


def test_quiz_keys_are_not_echoed_from_outside_when_module_yaml_is_broken(mod: Path, tmp_path: Path) -> None:
    """With module.yaml broken, the fallback check of quiz.yaml followed a link out and echoed its keys."""
    secret = tmp_path / "credentials.yaml"
    secret.write_text("aws_secret_access_key: AKIA-DO-NOT-LEAK\n")
    (mod / "quiz.yaml").unlink()
    (mod / "quiz.yaml").symlink_to(secret)
    (mod / "module.yaml").write_text("id: [unclosed\n")
    result = pack(mod)
    assert result.exit_code == 1
    assert "aws_secret_access_key" not in result.output and "AKIA" not in result.output
    assert "error[yaml.syntax]" in result.stderr


@pytest.mark.parametrize("which", ["module.yaml", "quiz.yaml", "slides.pdf"])
def test_symlink_loops_are_an_error(mod: Path, which: str) -> None:
    (mod / which).unlink()
    (mod / "loop-b").symlink_to("loop-a")
    (mod / "loop-a").symlink_to("loop-b")
    (mod / which).symlink_to("loop-a")
    lines = failure(mod)
    assert any("error[source.broken-link]" in line and "leads nowhere (dangling or a loop)" in line for line in lines)


PROMPT_IMAGE = "    prompt: Which dose?\n"


def image_prompt(mod: Path, *targets: str) -> None:
    images = " ".join(f"![chart]({t})" for t in targets)
    edit(mod / "quiz.yaml", PROMPT_IMAGE, f"    prompt: 'Which dose? {images}'\n")


PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63f8ffff3f0005fe02fea7d6a4810000000049454e44ae426082"
)


@pytest.mark.parametrize(
    "written, canonical",
    [
        ("assets//chart.png", "assets/chart.png"),
        ("assets/./chart.png", "assets/chart.png"),
        ("assets/sub/../chart.png", None),
    ],
)
def test_non_canonical_image_paths_are_refused_with_the_right_spelling(mod: Path, written: str, canonical) -> None:
    """`assets//x` reached the manifest writer as a "scormkit bug"; `assets/./x` gave a package validate flagged."""
    (mod / "assets" / "sub").mkdir(parents=True)
    (mod / "assets" / "chart.png").write_bytes(PNG)
    image_prompt(mod, written)
    lines = failure(mod)
    assert len(lines) == 1 and "error[markdown.image-path]" in lines[0]
    if canonical:
        assert lines[0].endswith(f"shows the image {written!r}; write the path as {canonical!r}")


def test_image_names_differing_only_by_case_are_refused(mod: Path) -> None:
    (mod / "assets").mkdir()
    (mod / "assets" / "Chart.png").write_bytes(PNG)
    (mod / "assets" / "chart.png").write_bytes(PNG)
    image_prompt(mod, "assets/Chart.png", "assets/chart.png")
    lines = failure(mod)
    assert lines == [
        "mod/quiz.yaml:5: error[markdown.image-case] the prompt of item 'q1' shows the image "
        "'assets/chart.png', which differs from 'assets/Chart.png' only in letter case; the two would "
        "collide on Windows and macOS: rename one (docs/lms-pitfalls.md rule 12)"
    ]


def test_image_names_with_spaces_and_accents_ship_and_validate(mod: Path) -> None:
    """They could not be used: markdown-it percent-encodes the link, and the encoded name was looked up on disk."""
    (mod / "assets").mkdir()
    (mod / "assets" / "dose chart.png").write_bytes(PNG)
    (mod / "assets" / "échelle.png").write_bytes(PNG)
    image_prompt(mod, "<assets/dose chart.png>", "assets/échelle.png")
    result = pack(mod, "--target", "scorm12")
    assert result.exit_code == 0, result.stderr
    package = Path("dist/demo-module-1.0.0-scorm12.zip")
    with zipfile.ZipFile(package) as archive:
        assert archive.read("assets/dose chart.png") == PNG
        assert archive.read("assets/échelle.png") == PNG
        course = archive.read("course.json").decode()
    # the page asks for the encoded names, which a web server decodes to the zip entries above
    assert 'src=\\"assets/dose%20chart.png\\"' in course and 'src=\\"assets/%C3%A9chelle.png\\"' in course
    assert validate_path(package).valid, [str(f) for f in validate_path(package).errors]


def test_a_huge_image_is_refused_before_it_is_read(mod: Path) -> None:
    """A 3 GB image was read into memory (MemoryError); now its size is judged from the file system."""
    (mod / "assets").mkdir()
    with (mod / "assets" / "huge.png").open("wb") as fh:
        fh.write(PNG)
        fh.truncate(3 * 1024**3)  # sparse: costs no disk
    image_prompt(mod, "assets/huge.png")
    outcome = run_bounded(["pack", str(mod), "--out", "dist"], cwd=Path.cwd())
    assert_kept_promise(outcome, exit_code=1)
    assert diagnostic_lines(outcome) == [
        "mod/quiz.yaml:5: error[markdown.image-too-large] the image 'assets/huge.png' is 3072 MiB; the limit is 50 MiB "
        "(docs/limits.md): save it smaller"
    ]


# ---- content that ships: warnings --------------------------------------------------------------------------


def test_html_named_png_and_svg_with_script_are_warned_about(mod: Path) -> None:
    (mod / "assets").mkdir()
    (mod / "assets" / "fake.png").write_text("<!DOCTYPE html><script>alert(1)</script>")
    (mod / "assets" / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>')
    image_prompt(mod, "assets/fake.png", "assets/logo.svg")
    result = pack(mod, "--target", "web")
    assert result.exit_code == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "warning[" in line]
    assert warnings == [
        "mod/quiz.yaml:5: warning[markdown.image-content] the image 'assets/fake.png' holds HTML, not PNG; browsers "
        "may refuse it: save it as a real image of that type",
        "mod/quiz.yaml:5: warning[markdown.image-active] the SVG 'assets/logo.svg' holds script or event handlers; "
        "browsers do not run them in an <img>, but remove them or export a PNG",
    ]


@pytest.mark.parametrize("feature", ["JavaScript", "embedded files"])
def test_a_pdf_with_javascript_or_attachments_is_warned_about(mod: Path, feature: str) -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(mod / "slides.pdf"))
    if feature == "JavaScript":
        from pypdf.actions import JavaScript

        writer.add_open_action(JavaScript("app.alert('hello');"))
    else:
        writer.add_attachment("notes.txt", b"attached")
    with (mod / "slides.pdf").open("wb") as fh:
        writer.write(fh)
    result = pack(mod, "--target", "web")
    assert result.exit_code == 0, result.stderr
    assert (
        f"mod/module.yaml:17: warning[slides.active-content] slides.pdf contains {feature}; it ships as is for the "
        "'Download slides' link: export the PDF again without them, or set slides.download: false"
    ) in result.stderr


def test_a_pdf_that_does_not_ship_is_not_warned_about(mod: Path) -> None:
    """With slides.download: false only the rendered pages ship: the PDF's JavaScript never reaches a learner, and
    the warning's own advice ("or set slides.download: false") has been followed."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.actions import JavaScript

    writer = PdfWriter(clone_from=PdfReader(mod / "slides.pdf"))
    writer.add_open_action(JavaScript("app.alert('hello');"))
    with (mod / "slides.pdf").open("wb") as fh:
        writer.write(fh)
    module_yaml = mod / "module.yaml"
    module_yaml.write_text(
        module_yaml.read_text().replace("  file: slides.pdf\n", "  file: slides.pdf\n  download: false\n")
    )
    result = pack(mod, "--target", "web")
    assert result.exit_code == 0, result.stderr
    assert "slides.active-content" not in result.stderr and "warning[" not in result.stderr
    (package,) = Path("dist").glob("*.zip")
    with zipfile.ZipFile(package) as z:
        assert "slides.pdf" not in z.namelist() and "slides/001.webp" in z.namelist()


def test_the_catalogue_is_read_by_the_probing_worker_not_the_packing_process(mod: Path) -> None:
    """The catalogue check (names tree, open action) parsed the whole PDF with pypdf in the packing process: 64 MB
    for the 500-slide benchmark deck, and a parser outside the worker's limits. The probe reports it instead."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.actions import JavaScript

    from scormkit.pdfworker import probe

    writer = PdfWriter(clone_from=PdfReader(mod / "slides.pdf"))
    writer.add_open_action(JavaScript("app.alert('hello');"))
    writer.add_attachment("notes.txt", b"attached")
    with (mod / "slides.pdf").open("wb") as fh:
        writer.write(fh)
    assert probe(str(mod / "slides.pdf"), "slides.pdf").features == ("JavaScript", "embedded files")
    assert probe(str(Path(__file__).resolve().parents[1] / "module_src" / "slides.pdf"), "slides.pdf").features == ()


def test_names_inside_a_stream_are_not_taken_for_actions(mod: Path) -> None:
    """A 100-slide deck of photos was warned about "JavaScript": one photo's bytes held "/JS" by chance. A stream's
    body (image data, a slide's text) is content, not a PDF action."""
    from fpdf import FPDF

    pdf = FPDF(orientation="L", format=(90, 160))
    pdf.set_compression(False)  # the slide text stands in the content stream as written
    pdf.set_font("helvetica", size=12)
    for text in ("Avoid /JS and /JavaScript in forms", "/Launch /EmbeddedFiles are PDF names"):
        pdf.add_page()
        pdf.cell(text=text)
    pdf.output(str(mod / "slides.pdf"))
    assert b"(Avoid /JS and /JavaScript in forms) Tj" in (mod / "slides.pdf").read_bytes()
    result = pack(mod, "--target", "web")
    assert result.exit_code == 0, result.stderr
    assert "slides.active-content" not in result.stderr


# ---- the environment and the output folder -----------------------------------------------------------------


@pytest.mark.parametrize(
    "value, message",
    [
        ("yesterday", "SOURCE_DATE_EPOCH is 'yesterday'; it must be a whole number of seconds since 1970-01-01"),
        ("99999999999999999999", "SOURCE_DATE_EPOCH is '99999999999999999999'; it must be a whole number"),
        ("4354819200", "SOURCE_DATE_EPOCH 4354819200 is 2108-01-01, after 2107, the last year a zip can carry"),
        ("-5", "SOURCE_DATE_EPOCH -5 is before 1970"),
    ],
)
def test_bad_source_date_epoch_is_one_clear_error(mod: Path, value: str, message: str) -> None:
    lines = failure(mod, env={"SOURCE_DATE_EPOCH": value})
    assert len(lines) == 1 and lines[0].startswith(f"SOURCE_DATE_EPOCH: error[source.date-range] {message}")


@pytest.mark.parametrize("base", ['https://lms.example/x"y', "https://lms.example/<x>", "https://lms.example/a b"])
def test_an_iri_base_with_quotes_or_angle_brackets_is_refused(mod: Path, base: str) -> None:
    """pack accepted it, and validate then rejected the package (cmi5.id-not-iri)."""
    lines = failure(mod, "--target", "xapi", env={"SCORMKIT_XAPI_IRI_BASE": base})
    assert len(lines) == 1 and lines[0].startswith(
        f"SCORMKIT_XAPI_IRI_BASE: error[cli.iri-base] xAPI IRI base {base!r}"
    )


def test_out_naming_a_file_is_one_clear_error(mod: Path) -> None:
    Path("dist").write_text("not a folder")
    assert failure(mod) == [
        "dist: error[cli.out-not-a-folder] --out dist is a file, not a folder; give a folder (it is created if missing)"
    ]


def test_read_only_output_folder_is_one_clear_error(mod: Path) -> None:
    """A read-only file system (here /proc/sys, read-only in containers; root cannot write there either)."""
    if os.access("/proc/sys", os.W_OK):
        pytest.skip("/proc/sys is writable here: no read-only file system to write into")
    outcome = run_bounded(["pack", str(mod), "--out", "/proc/sys/scormkit-dist"], cwd=Path.cwd())
    assert_kept_promise(outcome, exit_code=1)
    assert diagnostic_lines(outcome) == [
        "/proc/sys/scormkit-dist: error[cli.out-not-writable] --out /proc/sys/scormkit-dist cannot be created: "
        "/proc/sys is read-only for this user; choose another folder with --out or fix the permissions"
    ]


def test_read_only_dist_is_one_clear_error(mod: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root writes into a folder whatever its mode; the read-only file system case covers it")
    Path("dist").mkdir(mode=0o555)
    outcome = run_bounded(["pack", str(mod), "--out", "dist"], cwd=Path.cwd())
    assert_kept_promise(outcome, exit_code=1)
    assert diagnostic_lines(outcome) == [
        "dist: error[cli.out-not-writable] --out dist is read-only for this user; choose another folder with --out or "
        "fix the permissions"
    ]


def test_an_unreadable_module_file_is_one_clear_error(mod: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root reads a file whatever its mode")
    os.chmod(mod / "quiz.yaml", 0o000)
    outcome = run_bounded(["pack", str(mod), "--out", "dist"], cwd=Path.cwd())
    assert_kept_promise(outcome, exit_code=1)
    assert diagnostic_lines(outcome) == [
        "mod/quiz.yaml: error[source.unreadable] cannot read mod/quiz.yaml: Permission denied; check its permissions"
    ]


def test_a_write_that_fails_midway_is_one_clear_error(mod: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A full disk (ENOSPC) while writing a zip: the OSError reached the user as a traceback."""
    import errno

    import scormkit.package

    def full_disk(entries, *, date_time):
        path = entries[0][0]
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    # The zips go in as one set (package.write_packages, imported by api.pack when it runs).
    monkeypatch.setattr(scormkit.package, "write_packages", full_disk)
    result = pack(mod)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "dist/demo-module-1.0.0-scorm12.zip: error[io.enospc] No space left on device; the disk is full: free some "
        "space or choose another folder with --out"
    ]


def test_json_of_info_is_valid_with_a_non_numeric_mastery_score(tmp_path: Path) -> None:
    """`info` crashed on masteryScore="high" and printed NaN (not JSON) for masteryScore="NaN"."""
    cmi5 = (
        '<?xml version="1.0"?><courseStructure xmlns="https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd">'
        '<course id="https://example.org/c"><title><langstring lang="en">C</langstring></title></course>'
        '<au id="https://example.org/a{n}" moveOn="Passed" masteryScore="{score}"><title><langstring lang="en">A'
        "</langstring></title><url>index.html</url></au></courseStructure>"
    )
    for n, score in enumerate(["high", "NaN", "0.8"]):
        path = tmp_path / f"c{n}" / "cmi5.xml"
        path.parent.mkdir()
        path.write_text(cmi5.format(n=n, score=score))
        (path.parent / "index.html").write_text("<html></html>")
        result = runner.invoke(app, ["info", str(path.parent), "--format", "json"])
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
        facts = json.loads(result.stdout, parse_constant=lambda name: pytest.fail(f"{name} is not JSON"))
        assert facts["units"][0]["masteryScore"] == (0.8 if score == "0.8" else score)


def test_library_warnings_do_not_break_one_line_per_problem(mod: Path) -> None:
    """pypdf logs "incorrect startxref pointer" to stderr; every stderr line must stay a diagnostic."""
    pdf = (mod / "slides.pdf").read_bytes()
    head, _, tail = pdf.rpartition(b"startxref\n")
    (mod / "slides.pdf").write_bytes(head + b"startxref\n" + b"12" + tail[tail.index(b"\n") :])
    edit(mod / "module.yaml", "updated: 2024-01-31", "updated: 2024-02-30")  # a failure, so stderr has lines
    outcome = run_bounded(["pack", str(mod), "--out", "dist"], cwd=Path.cwd())
    assert_kept_promise(outcome, exit_code=1)
    lines = outcome.stderr.splitlines()
    assert lines == diagnostic_lines(outcome) + ["1 error(s), 0 warning(s); nothing was written."]


def test_a_packed_module_still_validates(mod: Path) -> None:
    """The hardening leaves a good module as it was: exit 0 and a valid package."""
    shutil.rmtree("dist", ignore_errors=True)
    result = pack(mod, "--target", "scorm2004")
    assert result.exit_code == 0, result.stderr
    assert validate_path(Path("dist/demo-module-1.0.0-scorm2004.zip")).valid


def test_a_yaml_file_ruamel_itself_fails_on_is_a_yaml_error(mod: Path) -> None:
    """Found by the long quiz fuzz run: ruamel raised AttributeError ('ScalarNode' ... 'flow_style')."""
    found = Path(__file__).resolve().parent / "fuzz" / "found-quiz-flow-style.yaml"
    (mod / "quiz.yaml").write_bytes(found.read_bytes())
    lines = failure(mod)
    assert (
        "mod/quiz.yaml: error[yaml.syntax] could not parse YAML (AttributeError); check merge keys (<<:), anchors "
        "and aliases" in lines
    )
