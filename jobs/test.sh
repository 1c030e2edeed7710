#!/usr/bin/env bash
# The test suite on a fresh machine: install the Fashion-MNIST package if missing (end-to-end
# tests train on it), then run every test with Maven: unit tests, package, then the integration tests
# (*IT: a standalone cluster on 127.0.0.1 running the application jar).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/jobs/setup.sh" --no-build
cd "$root"
jobs/cpu-report.sh
mvn -B verify "$@"
