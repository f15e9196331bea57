#!/usr/bin/env bash
# Emacs (Debian's emacs-nox with elpa-dap-mode) drives mpdbg in batch mode
# through editors/emacs/dap-mpdbg.el. Installs the two packages when missing.
set -euo pipefail
cd "$(dirname "$0")"
if ! command -v emacs >/dev/null || ! dpkg -s elpa-dap-mode >/dev/null 2>&1; then
    echo "emacs test: apt-get install emacs-nox elpa-dap-mode" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends emacs-nox elpa-dap-mode
fi
: "${MPDBG_BIN:?set MPDBG_BIN to the mpdbg executable}"
# HOME of its own: dap-mode writes its breakpoint file and lsp-mode its
# session there. The debug MicroPython stays the one already built.
home="$(mktemp -d)"
trap 'rm -rf "$home"' EXIT
MPDBG_CACHE_DIR="${MPDBG_CACHE_DIR:-$HOME/.cache/mpdbg}" HOME="$home" \
    timeout 300 emacs --batch -l dap-mpdbg-test.el
