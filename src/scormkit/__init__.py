"""scormkit: turn e-learning modules into SCORM, xAPI and cmi5 packages that every LMS imports and records correctly."""

__version__ = "0.1.0"
