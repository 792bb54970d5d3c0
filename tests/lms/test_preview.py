"""`scormkit preview` driven in Debian's Chromium: the course runs in the LMS frame, the panel shows what the LMS
receives, a save rebuilds and relaunches, a broken save shows its error and keeps the last good build.

Screenshots of the page go to $SCORMKIT_SCREENSHOTS when set (docs/preview.png is one of them).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from scormkit.preview import Preview

from .conftest import MODULE_SRC

pytestmark = pytest.mark.browser
TIMEOUT_MS = 60_000  # a rebuild renders changed slides; the machine may be busy


def shot(page: Any, tmp_path: Path, name: str) -> None:
    folder = Path(os.environ.get("SCORMKIT_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"))


def cmi_cell(page: Any, element: str) -> Any:
    """The value cell of one row of the panel's learner data table."""
    return page.locator(f'#cmi tr[data-element="{element}"] td').nth(1)


def wait_value(page: Any, element: str, value: str) -> None:
    cell = cmi_cell(page, element)
    cell.wait_for(timeout=TIMEOUT_MS)
    page.wait_for_function(
        '([e, v]) => { const c = document.querySelector(`#cmi tr[data-element="${e}"] td:nth-child(2)`);'
        " return c && c.textContent === v; }",
        arg=[element, value],
        timeout=TIMEOUT_MS,
    )


@pytest.fixture
def module_copy(tmp_path: Path) -> Path:
    """module_src copied, so the test can edit it."""
    src = tmp_path / "module_src"
    shutil.copytree(MODULE_SRC, src, ignore=shutil.ignore_patterns("__pycache__"))
    return src


@pytest.fixture
def start_preview():
    sessions: list[Preview] = []

    def start(src: Path, **options: Any) -> Preview:
        messages: list[str] = []
        session = Preview(src, port=0, say=messages.append, **options)
        session.messages = messages  # type: ignore[attr-defined]
        sessions.append(session)
        assert session.start(), messages
        return session

    yield start
    for session in sessions:
        session.close()


@pytest.fixture
def page(browser: Any):
    context = browser.new_context(viewport={"width": 1400, "height": 860}, service_workers="block")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.errors = []  # type: ignore[attr-defined]
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    yield page
    context.close()


def test_preview_runs_the_course_and_follows_the_source(start_preview, page, module_copy: Path, tmp_path: Path):
    session = start_preview(module_copy, target="scorm12")
    assert session.lms._httpd.socket.getsockname()[0] == "127.0.0.1"
    assert not (module_copy / "dist").exists() and not (MODULE_SRC.parent / "dist" / ".preview").exists()
    page.goto(session.url)
    page.wait_for_function("window.__lms && window.__lms.initialized === true")
    content = page.frame_locator("#sco")

    # The course runs in its frame; after Start the panel shows the CMI the LMS holds.
    content.get_by_role("button", name="Start").click()
    content.get_by_role("button", name="Next").click()
    wait_value(page, "cmi.core.lesson_location", "2")
    assert cmi_cell(page, "cmi.core.lesson_status").inner_text() == "incomplete"
    assert cmi_cell(page, "cmi.core.student_name").inner_text() == "Learner, Preview"
    assert cmi_cell(page, "cmi.core.entry").inner_text() == "ab-initio"
    assert cmi_cell(page, "cmi.student_data.mastery_score").inner_text() == "80"  # like Moodle (rule 6)
    calls = page.locator("#calls li")
    assert calls.first.inner_text().startswith('#0 LMSInitialize("") → "true"')
    assert page.locator("#calls li.error").count() == 0
    shot(page, tmp_path, "preview-scorm12")

    # Saving module.yaml rebuilds; the page relaunches the content with what the LMS stored (a resume).
    yaml = module_copy / "module.yaml"
    text = yaml.read_text()
    yaml.write_text(
        text.replace(
            "title: Practical Tips for the Management of Difficult Pain Problems", "title: Practical Tips (edited)", 1
        )
    )
    content.get_by_role("heading", name="Practical Tips (edited)", exact=True).first.wait_for(timeout=TIMEOUT_MS)
    page.wait_for_function("window.__lms.launches === 2 && window.__lms.initialized === true")
    wait_value(page, "cmi.core.entry", "resume")
    assert page.locator("#title").inner_text() == "Practical Tips (edited)"
    assert any("module.yaml" in m and "rebuilding" in m for m in session.messages)

    # A broken save: the error with file and line in the page; the last good build keeps running.
    lines = yaml.read_text().splitlines(keepends=True)
    line = next(i for i, text in enumerate(lines, 1) if text.startswith("language:"))
    lines[line - 1] = "langauge: en\n"
    yaml.write_text("".join(lines))
    problems = page.locator("#build-problems li")
    problems.first.wait_for(timeout=TIMEOUT_MS)
    assert page.locator("#build").is_visible()
    shown = problems.all_inner_texts()
    assert any(re.search(rf"module\.yaml:{line}: error\[[a-z.-]+\] .*'langauge'", t) for t in shown), shown
    shot(page, tmp_path, "preview-build-error")
    assert page.evaluate("window.__lms.launches") == 2
    content.get_by_role("heading", name="Practical Tips (edited)", exact=True).first.wait_for()

    # Fixed: the error goes, the new build is launched.
    yaml.write_text(text)
    page.locator("#build").wait_for(state="hidden", timeout=TIMEOUT_MS)
    content.get_by_role(
        "heading", name="Practical Tips for the Management of Difficult Pain Problems", exact=True
    ).first.wait_for(timeout=TIMEOUT_MS)
    assert page.errors == []


def test_relaunch_resumes_and_reset_learner_starts_over(start_preview, page, our_package):
    session = start_preview(our_package("scorm2004"))  # a zip is previewed as it is
    page.goto(session.url)
    page.wait_for_function("window.__lms && window.__lms.initialized === true")
    content = page.frame_locator("#sco")
    content.get_by_role("button", name="Start").click()
    content.get_by_role("button", name="Next").click()
    wait_value(page, "cmi.location", "2")

    page.get_by_role("button", name="Relaunch").click()
    page.wait_for_function("window.__lms.launches === 2 && window.__lms.initialized === true")
    wait_value(page, "cmi.entry", "resume")
    assert cmi_cell(page, "cmi.location").inner_text() == "2"
    # entry=resume means the LMS stored the exit=suspend the player sent on unload (docs/lms-pitfalls.md rule 2)
    assert page.locator("#calls li.error").count() == 0

    page.get_by_role("button", name="Reset learner").click()
    page.wait_for_function("window.__lms.launches === 3 && window.__lms.initialized === true")
    wait_value(page, "cmi.entry", "ab-initio")
    wait_value(page, "cmi.location", "1")
    content.get_by_role("button", name="Start").wait_for()


@pytest.mark.parametrize("target", ["xapi", "cmi5"])
def test_preview_lists_the_statements(start_preview, page, module_copy: Path, tmp_path: Path, target: str):
    session = start_preview(module_copy, target=target)
    page.goto(session.url)
    statements = page.locator("#statements li")
    page.locator("#statements li", has_text="initialized").first.wait_for(timeout=TIMEOUT_MS)
    content = page.frame_locator("#sco")
    content.get_by_role("button", name="Start").click()
    page.locator("#statements li", has_text="experienced").first.wait_for(timeout=TIMEOUT_MS)
    assert page.locator("#statements li.error").count() == 0, statements.all_inner_texts()
    assert not page.locator("#cmi-section").is_visible()
    if target == "cmi5":
        assert statements.first.inner_text() == "· POST fetch → 200"
    shot(page, tmp_path, f"preview-{target}")


def test_preview_refuses_a_target_for_a_zip(our_package):
    with pytest.raises(ValueError, match="--target and --edition apply to a module folder"):
        Preview(our_package("scorm12"), target="scorm2004")


def test_ctrl_c_stops_cleanly(module_copy: Path, tmp_path: Path):
    """The CLI in a real process: it prints the URL, serves, and on SIGINT stops, frees the port, removes its build."""
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {**os.environ, "TMPDIR": str(temp), "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "scormkit", "preview", str(module_copy), "--port", "0"],
        stderr=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        # Ctrl-C in a terminal reaches a foreground process with SIGINT at its default. A test suite started in the
        # background of a non-interactive shell inherits SIGINT ignored, and Python keeps it ignored.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        url = None
        deadline = time.monotonic() + 120
        seen = []
        while url is None and time.monotonic() < deadline:
            line = proc.stderr.readline()
            if not line:
                break
            seen.append(line)
            found = re.search(r"at (http://127\.0\.0\.1:\d+/)", line)
            url = found.group(1) if found else None
        assert url, "".join(seen)
        import urllib.request

        with urllib.request.urlopen(url, timeout=10) as answer:
            assert answer.status == 200
        assert [p.name for p in temp.iterdir() if p.name.startswith("scormkit-preview-")]
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "Traceback" not in err and err.strip().endswith("stopped")
    assert list(temp.iterdir()) == []
    with pytest.raises(OSError):
        urllib.request.urlopen(url, timeout=5)


def test_sigterm_stops_cleanly_too(module_copy: Path, tmp_path: Path):
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {**os.environ, "TMPDIR": str(temp), "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "scormkit", "preview", str(module_copy), "--port", "0"],
        stderr=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        # Ctrl-C in a terminal reaches a foreground process with SIGINT at its default. A test suite started in the
        # background of a non-interactive shell inherits SIGINT ignored, and Python keeps it ignored.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        seen = []
        while not any("Ctrl-C stops" in line for line in seen):
            line = proc.stderr.readline()
            if not line:
                break
            seen.append(line)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, "".join(seen) + err
    assert err.strip().endswith("stopped") and list(temp.iterdir()) == []
