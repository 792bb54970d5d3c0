"""scormkit.text serves every package: the same prompt comes out as the same text wherever a package carries it."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from importlib import resources

import pytest

from scormkit.model import Choice, SingleChoiceItem
from scormkit.targets import get_target
from tests.factories import make_module

#: Markdown emphasis, a list, a code span and more than 250 characters, so every conversion and the cut show.
PROMPT = (
    "Which **opioid** is the *first* choice here?\n\n"
    "- the patient takes `morphine` now\n"
    "- the pain is constant and severe, worse at night, and the patient wants to stay at home as long as it is "
    "possible for the family, who care for the patient every day and who have asked for a plan they can follow "
    "without a nurse coming to the house more than once a week"
)


def scorm2004_description(prompt_text: str) -> str:
    """What the SCORM 2004 adapter writes to cmi.interactions.n.description: its own `text()` run on promptText."""
    adapter = resources.files("scormkit.player").joinpath("static", "adapters", "scorm2004.js").read_text("utf-8")
    function = re.search(r"^ *function text\(v\) \{.*\}$", adapter, re.M)
    assert function is not None, "scorm2004.js has no one-line text(v) function any more"
    script = f"{function.group(0)}\nprocess.stdout.write(text(JSON.parse(process.argv[1])));"
    return subprocess.run(
        ["node", "-e", script, json.dumps(prompt_text)], check=True, capture_output=True, text=True
    ).stdout


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node to run the SCORM 2004 adapter's text()")
def test_same_prompt_same_text_in_scorm2004_course_json_and_xapi_json():
    item = SingleChoiceItem(
        id="q1", type="single", prompt=PROMPT, choices=[Choice(text="Morphine", correct=True), Choice(text="None")]
    )
    module = make_module().model_copy(update={"items": [item]})
    course = json.loads(get_target("scorm2004").build(module)["course.json"])
    prompt_text = course["quiz"]["items"][0]["promptText"]
    definition = json.loads(get_target("xapi").build(module)["xapi.json"])["items"]["q1"]["definition"]

    assert prompt_text.startswith("Which opioid is the first choice here? - the patient takes morphine now - the ")
    assert len(prompt_text) <= 250 and prompt_text.endswith("\u2026")
    assert scorm2004_description(prompt_text) == prompt_text
    assert definition["name"] == {"en": prompt_text}
    assert definition["description"] == {"en": prompt_text}
