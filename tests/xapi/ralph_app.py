"""Run Ralph's LRS API for the tests: file-system backend, no database, no reloader.

Runs inside Ralph's own virtualenv (scripts/lrs-setup.sh), never in scormkit's: `python ralph_app.py HOST PORT`.
Configuration comes from RALPH_* environment variables set by tests/xapi/conftest.py.

Workaround (docs/xapi-cmi5.md, "The test LRS"): Ralph's file-system data backend writes with the CREATE operation by
default, which refuses to touch an existing file, so every POST after the first answers 500 "Statements bulk
indexation failed" (seen in 4.2.0, 5.0.1 and 5.1.0). The LRS keeps all statements in one JSON-lines file, so the
only correct mode for it is APPEND: we set that default here, without changing Ralph's files. `ralph runserver`
is not used either: it starts uvicorn with reload=True (a file watcher and a child process we could not stop
cleanly).
"""

import sys

from ralph.backends.data.base import BaseOperationType
from ralph.backends.data.fs import FSDataBackend

FSDataBackend.default_operation_type = BaseOperationType.APPEND

import uvicorn  # noqa: E402  (after the patch, so the app's backend sees it either way)


def main() -> None:
    host, port = sys.argv[1], int(sys.argv[2])
    uvicorn.run("ralph.api:app", host=host, port=port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
