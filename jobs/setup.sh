#!/usr/bin/env bash
# Installs what a fresh machine lacks (the Fashion-MNIST Debian package) and builds the project.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [[ ! -d /usr/share/datasets/fashion-mnist ]]; then
  sudo_cmd=""
  [[ "$(id -u)" -ne 0 ]] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  $sudo_cmd apt-get install -y -qq dataset-fashion-mnist
fi
cd "$root"
if [[ "${1:-}" != "--no-build" ]]; then
  mvn -B -q package -DskipTests
fi
