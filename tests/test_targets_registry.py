"""The target registry, options and limits, and `Target.build` (player files + manifest)."""

from __future__ import annotations

import json
import sys
import types
from urllib.parse import unquote

import pytest

from scormkit.diagnostics import ScormkitError
from scormkit.targets import TARGETS, Target, TargetError, get_target, register
from tests.factories import make_module
from tests.manifests import parse


def test_registered_targets():
    assert {"scorm12", "scorm2004", "web"} <= set(TARGETS)
    for name, cls in TARGETS.items():
        assert cls.name == name and issubclass(cls, Target)


@pytest.mark.parametrize(
    "name, manifest, runtime",
    [("scorm12", "imsmanifest.xml", "scorm12"), ("scorm2004", "imsmanifest.xml", "scorm2004"), ("web", None, "web")],
)
def test_target_class_variables(name, manifest, runtime):
    target = get_target(name)
    assert (target.name, target.manifest_name, target.runtime) == (name, manifest, runtime)


def test_duplicate_name_refused():
    before = dict(TARGETS)

    with pytest.raises(ValueError, match=r"'scorm12' is already registered by scormkit.targets.scorm12"):

        @register
        class Again(Target):
            name = "scorm12"
            runtime = "scorm12"
            suspend_data_limit = 1

    assert before == TARGETS


def test_register_new_target_and_name_required():
    class Custom(Target):
        name = "custom-test-target"
        runtime = "web"
        manifest_name = None
        suspend_data_limit = 10

    try:
        assert register(Custom) is Custom
        assert isinstance(get_target("custom-test-target"), Custom)
    finally:
        TARGETS.pop("custom-test-target", None)

    class Nameless(Target):
        runtime = "web"

    with pytest.raises(TypeError, match="name"):
        register(Nameless)


def test_unknown_target_lists_known_names():
    with pytest.raises(TargetError) as caught:
        get_target("scorm3000")
    assert isinstance(caught.value, ScormkitError)  # the CLI's single handler prints it, exit code 1
    (diagnostic,) = caught.value.report.errors
    assert diagnostic.code == "target.unknown"
    assert diagnostic.message == f"unknown target 'scorm3000'; known targets: {', '.join(sorted(TARGETS))}"
    for name in ("scorm12", "scorm2004", "web"):
        assert name in diagnostic.message.split("known targets: ")[1].split(", ")


@pytest.mark.parametrize("name", ["scorm12", "web"])
def test_edition_refused_for_targets_without_editions(name):
    with pytest.raises(TargetError) as caught:
        get_target(name, edition="4th")
    assert caught.value.report.errors[0].code == "target.edition-not-supported"
    assert "only scorm2004 has editions" in caught.value.message


def test_unknown_edition_lists_editions():
    with pytest.raises(TargetError) as caught:
        get_target("scorm2004", edition="5th")
    assert caught.value.report.errors[0].code == "target.unknown-edition"
    assert caught.value.message.endswith("expected one of 2nd, 3rd, 4th")


@pytest.mark.parametrize(
    "name, edition, limit",
    [
        ("scorm12", None, 4096),
        ("scorm2004", "2nd", 4000),
        ("scorm2004", "3rd", 64000),
        ("scorm2004", "4th", 64000),
        ("scorm2004", None, 64000),
        ("web", None, 1_000_000),
    ],
)
def test_suspend_data_limits(name, edition, limit):
    """docs/lms-pitfalls.md rule 1: suspend_data budget per standard and edition."""
    assert get_target(name, edition=edition).suspend_data_limit == limit


@pytest.mark.parametrize("name, edition", [("scorm12", None), ("scorm2004", "2nd"), ("scorm2004", "4th")])
def test_schema_sets(name, edition):
    expected = "scorm12" if name == "scorm12" else f"scorm2004-{edition}"
    assert get_target(name, edition=edition).schema_set == expected


def test_size_warning_over_50_mb():
    """docs/lms-pitfalls.md rule 19: packages over 50 MB get a warning naming the largest files."""
    target = get_target("scorm12")
    assert target.package_warnings({"index.html": b"x" * 1000}).diagnostics == []
    files = {"slides.pdf": b"x" * (40 * 1024 * 1024), "slides/001.webp": b"x" * (11 * 1024 * 1024)}
    (warning,) = target.package_warnings(files).warnings
    assert warning.code == "package.too-large"
    assert "slides.pdf, slides/001.webp" in warning.message


# ---- build(): player files + manifest -------------------------------------------------------------------


def _fake_player(calls: list):
    def build_player(module, runtime, *, state_budget):
        calls.append((runtime, state_budget))
        files = {"index.html": b"<!doctype html>", "course.json": b"{}", "player.js": b"", "player.css": b""}
        files[f"adapters/{runtime}.js"] = b""
        files.update(module.assets)
        return files

    return build_player


@pytest.fixture
def fake_player(monkeypatch):
    """A stand-in for scormkit.player.build_player, to test the target side of the contract on its own."""
    calls: list = []
    fake = types.ModuleType("scormkit.player")
    fake.build_player = _fake_player(calls)
    monkeypatch.setitem(sys.modules, "scormkit.player", fake)
    return calls


@pytest.mark.parametrize("name, edition", [("scorm12", None), ("scorm2004", "2nd"), ("scorm2004", "3rd")])
def test_build_passes_runtime_and_budget_and_adds_manifest(fake_player, name, edition):
    """docs/lms-pitfalls.md rules 1 and 12: the player gets the target's budget; the manifest lists every other file but
    the XSD control documents at the root, which no resource lists (rule 26)."""
    target = get_target(name, edition=edition)
    files = target.build(make_module())
    assert fake_player == [(target.runtime, target.suspend_data_limit)]
    assert list(files) == sorted(files)
    others = sorted(set(files) - {"imsmanifest.xml"} - set(target.control_documents()))
    root = parse(files["imsmanifest.xml"])
    listed = [unquote(h) for h in root.xpath("//*[local-name()='file']/@href")]
    assert listed == others


def test_web_build_is_player_files_only(fake_player):
    files = get_target("web").build(make_module())
    assert fake_player == [("web", 1_000_000)]
    assert "imsmanifest.xml" not in files and "index.html" in files


@pytest.mark.parametrize(
    "name, edition",
    [("scorm12", None), ("scorm2004", "2nd"), ("scorm2004", "3rd"), ("scorm2004", "4th"), ("web", None)],
)
def test_build_with_real_player(name, edition):
    """The real scormkit.player: every file it writes is listed, its course.json carries the target's runtime and
    suspend_data budget (docs/lms-pitfalls.md rules 1 and 12), and two builds give the same bytes."""
    target = get_target(name, edition=edition)
    files = target.build(make_module())
    assert target.build(make_module()) == files
    assert "index.html" in files
    course = json.loads(files["course.json"])
    assert (course["runtime"], course["stateBudget"]) == (target.runtime, target.suspend_data_limit)
    if target.manifest_name:
        root = parse(files["imsmanifest.xml"])
        listed = sorted(unquote(h) for h in root.xpath("//*[local-name()='file']/@href"))
        assert listed == sorted(set(files) - {"imsmanifest.xml"} - set(target.control_documents()))
    else:
        assert "imsmanifest.xml" not in files
