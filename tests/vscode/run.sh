#!/usr/bin/env bash
# The VS Code end-to-end test: installs (once, cached) chromium, code-server
# and playwright-core, then drives the packaged extension in a real VS Code.
# Needs MPDBG_BIN and the packaged editors/vscode/dist/mpdbg.vsix.
set -euo pipefail
cd "$(dirname "$0")"
start=$SECONDS
MPDBG_VSCODE_INSTALL="$(./install.sh | tail -n 1)"
export MPDBG_VSCODE_INSTALL
npm ci --no-audit --no-fund --loglevel=error
echo "vscode e2e: installs ready in $((SECONDS - start)) s"
node e2e.js
