#!/usr/bin/env bash
# Everything scormkit and its test suite need on a fresh Debian machine (run as root, or with sudo for apt).
# Python: scormkit itself + test tools. Debian: chromium (Playwright drives Debian's build; never
# `playwright install`), xmllint for the validate benchmark. npm: scorm-again (the LMS runtime of the
# browser tests), Learning Locker's xapi-validation and the other test-only JS packages pinned in
# package-lock.json; Ralph, the test LRS, in .lrs/venv.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null || ! command -v xmllint >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core libxml2-utils >/dev/null
fi
python3 -m pip install -q --disable-pip-version-check -e '.[test,lint]'
npm ci --no-audit --no-fund --loglevel=error
# The LRS of the xAPI/cmi5 journeys (Ralph), in its own virtualenv: scripts/lrs-setup.sh says why.
bash scripts/lrs-setup.sh
# The pack benchmark's references (pdftoppm, simple-scorm-packager in benchmarks/reference/), for its smoke test.
bash benchmarks/setup.sh
