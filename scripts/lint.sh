#!/usr/bin/env bash
# The project's own checks, run by .ci/run before the tests and by contributors before a commit
# (.pre-commit-config.yaml runs the same tools). Any finding fails.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "lint: ruff check"; ruff check .
echo "lint: ruff format --check"; ruff format --check .
echo "lint: mypy"; mypy
echo "lint: eslint (player JavaScript)"; npm run --silent lint -- --max-warnings 0
