"""The pre-commit hook and the composite action run `scormkit validate` as documented."""

from __future__ import annotations

from pathlib import Path

from ruamel.yaml import YAML

from scormkit.validate import LMS_PROFILES

REPO = Path(__file__).resolve().parents[2]


def load(name: str):
    return YAML(typ="safe").load((REPO / name).read_text())


def test_pre_commit_hook():
    (hook,) = load(".pre-commit-hooks.yaml")
    assert hook["id"] == "scormkit-validate" and hook["entry"] == "scormkit validate"
    assert hook["files"] == r"\.zip$" and hook["language"] == "python"


def test_composite_action():
    action = load("action.yml")
    assert set(action["inputs"]) >= {"paths", "lms", "strict", "format"}
    assert action["inputs"]["format"]["default"] == "github"
    assert action["runs"]["using"] == "composite"
    steps = action["runs"]["steps"]
    assert any("pip install" in s.get("run", "") and "$GITHUB_ACTION_PATH" in s.get("run", "") for s in steps)
    run = steps[-1]["run"]
    assert "scormkit validate" in run and "--strict" in run and "--lms" in run
    for lms in LMS_PROFILES:
        assert lms in action["inputs"]["lms"]["description"]
