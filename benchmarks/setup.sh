#!/usr/bin/env bash
# The references of benchmarks/bench_pack.py: poppler's pdftoppm (Debian poppler-utils) and simple-scorm-packager
# (npm), installed into benchmarks/reference/node_modules from its own package-lock.json, never into the project's
# node_modules or package.json. Run by scripts/setup.sh, so CI's smoke run of the benchmark has them.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v pdftoppm >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends poppler-utils >/dev/null
fi
npm ci --prefix reference --no-audit --no-fund --loglevel=error
