#!/usr/bin/env bash
# Installs what Milepost needs to build and test, skipping whatever is there.
# Safe to run again and again: each step checks before it installs.
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_LEPTOS_VERSION=0.3.10
SCHEMATHESIS_VERSION=4.32.5
step() { printf '\033[1m==> %s\033[0m\n' "$*"; }
have() { command -v "$1" >/dev/null 2>&1; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

export PATH="$HOME/.cargo/bin:$PATH"

step "wasm32 target"
if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  echo "    already installed"
else
  rustup target add wasm32-unknown-unknown
fi

step "cargo-leptos $CARGO_LEPTOS_VERSION"
if cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
  echo "    already installed"
else
  # 0.3.11+ needs a newer rustc than this machine has; --locked keeps its deps buildable.
  cargo install cargo-leptos --locked --version "$CARGO_LEPTOS_VERSION"
fi

step "wasm-bindgen-cli (the version Cargo.lock resolved)"
[ -f Cargo.lock ] || cargo generate-lockfile
WASM_BINDGEN_VERSION=$(awk '$0 == "name = \"wasm-bindgen\"" { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock)
if wasm-bindgen --version 2>/dev/null | grep -q " $WASM_BINDGEN_VERSION\$"; then
  echo "    $WASM_BINDGEN_VERSION already installed"
else
  # Not --locked: its own lockfile pins a crate release the registry here does not serve.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

step "cargo-nextest (runs each Rust test in its own process)"
if cargo nextest --version >/dev/null 2>&1; then
  echo "    already installed"
else
  cargo install cargo-nextest --locked
fi

step "npm dev dependencies (tailwind, binaryen, leaflet, playwright-core)"
if [ -f node_modules/.package-lock.json ] && [ ! package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "    up to date"
else
  npm ci --no-audit --no-fund
fi
mkdir -p public/leaflet
if [ ! -f public/leaflet/leaflet.js ] || [ node_modules/leaflet/dist/leaflet.js -nt public/leaflet/leaflet.js ]; then
  cp node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css public/leaflet/
  cp -r node_modules/leaflet/dist/images public/leaflet/
fi

step "aiosmtpd (the SMTP server the notification tests send to)"
if python3 -c "import aiosmtpd" 2>/dev/null; then
  echo "    already installed"
else
  python3 -m pip install --quiet --disable-pip-version-check aiosmtpd
fi

step "schemathesis $SCHEMATHESIS_VERSION (fuzzes the API against its OpenAPI document)"
if schemathesis --version 2>/dev/null | grep -q " $SCHEMATHESIS_VERSION\$"; then
  echo "    already installed"
else
  # Pinned: its checks grow from release to release, and `make test` expects zero failures.
  python3 -m pip install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi

step "PostgreSQL server (the scale-out backend's tests start their own throwaway cluster)"
if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  echo "    $(ls -d /usr/lib/postgresql/*/ | sort -V | tail -1)"
else
  as_root apt-get update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql
fi

step "poppler-utils and zbar-tools (tests read generated PDFs as a PDF reader does, and scan their barcodes)"
if have pdftotext && have pdftoppm && have zbarimg; then
  echo "    already installed"
else
  as_root apt-get update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y poppler-utils zbar-tools
fi

step "Chromium (end-to-end tests)"
if have chromium; then
  echo "    $(chromium --version 2>/dev/null || echo present)"
else
  as_root apt-get update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
fi

if [ "${1:-}" = bench ]; then
  step "wrk, nginx and nchan (make bench's side-by-side anchors)"
  if have wrk && have nginx && [ -f /usr/lib/nginx/modules/ngx_nchan_module.so ]; then
    echo "    already installed"
  else
    as_root apt-get update
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y wrk nginx-light libnginx-mod-nchan
    # The package starts a system nginx on port 80; the bench runs its own.
    as_root systemctl disable --now nginx 2>/dev/null || as_root service nginx stop 2>/dev/null || true
  fi
fi
