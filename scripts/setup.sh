#!/usr/bin/env bash
# Install everything the product needs on a fresh Debian 12 machine, then the Python env.
# System packages are installed with apt when run as root; otherwise we stop and name them.
set -euo pipefail
cd "$(dirname "$0")/.."

# fonts-noto-cjk: Chinese text in PDFs; libharfbuzz-subset0: fast font subsetting in
# WeasyPrint (without it it falls back to fontTools, ~40x slower on CJK fonts);
# poppler-utils: pdftoppm/pdftotext to look at PDFs; chromium: browser tests (Playwright);
# wrk: the load generator of bench/api_bench.py (C, so it does not compete with the server).
packages=(fonts-noto-cjk libharfbuzz-subset0 poppler-utils chromium wrk)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  if [ "$(id -u)" -eq 0 ]; then
    echo "installing system packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >/dev/null
    apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "missing system packages: ${missing[*]}" >&2
    echo "install them with: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi

if ! command -v uv >/dev/null 2>&1 && ! python3 -m uv --version >/dev/null 2>&1; then
  echo "installing uv"
  python3 -m pip install --quiet uv
fi
uv_cmd() { if command -v uv >/dev/null 2>&1; then uv "$@"; else python3 -m uv "$@"; fi; }
uv_cmd sync --frozen --quiet
mkdir -p var
