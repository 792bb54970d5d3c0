"""A pydantic validator names its diagnostic code with its error (PydanticCustomError), so no reader has to
recover the code from the English message."""

from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator
from pydantic_core import PydanticCustomError

from scormkit.diagnostics import Diagnostic, Report, Severity
from scormkit.source.yamlfile import load_yaml, validation_diagnostics


class Item(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    correct: int

    @model_validator(mode="after")
    def one_correct(self) -> "Item":
        if self.correct == 0:
            raise PydanticCustomError(
                "quiz.no-correct-answer", "item {item} has no correct choice; mark one", {"item": self.id}
            )
        return self


class Quiz(BaseModel):
    items: list[Item]


def test_a_custom_error_type_is_the_diagnostic_code(tmp_path: Path) -> None:
    path = tmp_path / "quiz.yaml"
    path.write_text("items:\n  - id: q1\n    correct: 1\n  - id: q2\n    correct: 0\n")
    report = Report()
    doc = load_yaml(path, "quiz.yaml", report)
    assert doc is not None and report.ok
    with pytest.raises(ValidationError) as caught:
        Quiz.model_validate(doc.data)
    validation_diagnostics(doc, Quiz, caught.value, report)
    assert report.diagnostics == [
        Diagnostic("quiz.yaml", 4, Severity.ERROR, "quiz.no-correct-answer", "item q2 has no correct choice; mark one")
    ]
