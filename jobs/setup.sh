#!/usr/bin/env bash
# Installs what a fresh machine lacks (Debian packages: the Fashion-MNIST data set; Chromium, in which
# the report test renders its page; libjpeg-turbo's TurboJPEG, which decodes JPEGs twice as fast as
# ImageIO, which is used where it is missing) and builds the project.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
missing=()
[[ -d /usr/share/datasets/fashion-mnist ]] || missing+=(dataset-fashion-mnist)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
ldconfig -p 2>/dev/null | grep -q 'libturbojpeg\.so\.0' || missing+=(libturbojpeg0)
if (( ${#missing[@]} > 0 )); then
  sudo_cmd=""
  [[ "$(id -u)" -ne 0 ]] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  $sudo_cmd apt-get install -y -qq "${missing[@]}"
fi
cd "$root"
if [[ "${1:-}" != "--no-build" ]]; then
  mvn -B -q package -DskipTests
fi
