"""The authoring loop (issue 12): init, schema, check, GIFT/Aiken quizzes, messages, the wheel."""
