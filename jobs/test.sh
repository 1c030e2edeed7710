#!/usr/bin/env bash
# The test suite on a fresh machine: install the Fashion-MNIST package if missing (end-to-end
# tests train on it), then run every test with Maven.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/jobs/setup.sh" --no-build
cd "$root"
mvn -B test "$@"
