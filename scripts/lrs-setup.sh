#!/usr/bin/env bash
# The LRS of the xAPI/cmi5 browser tests: Ralph (PyPI ralph-malph, France Universite Numerique), file-system
# backend, no database, in its own virtualenv so its pinned dependencies (fastapi, pydantic, ...) never meet
# scormkit's. tests/xapi/conftest.py starts it (tests/xapi/ralph_app.py); why this version and the workaround
# around its file-system backend: docs/xapi-cmi5.md, "The test LRS".
#   scripts/lrs-setup.sh            create or update .lrs/venv (idempotent; quick when already in place)
#   SCORMKIT_LRS_VENV=/path ...     put the virtualenv elsewhere (the tests read the same variable)
set -euo pipefail
cd "$(dirname "$0")/.."

venv="${SCORMKIT_LRS_VENV:-.lrs/venv}"
requirements=tests/xapi/ralph-requirements.txt
stamp="$venv/.requirements.sha256"
want="$(sha256sum "$requirements" | cut -d' ' -f1)"

if [ -x "$venv/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
python3 -m venv "$venv"
"$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$requirements"
# Import check: configuration comes from RALPH_* variables; the fs backend needs no service.
RALPH_RUNSERVER_BACKEND=fs "$venv/bin/python" -c "import ralph.api, bcrypt, uvicorn" 
echo "$want" > "$stamp"
echo "Ralph LRS ready in $venv"
