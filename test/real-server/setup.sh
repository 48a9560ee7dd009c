#!/usr/bin/env bash
# Installs llama.cpp's llama-server for the real-server tests, without touching the system.
# Idempotent and cached: once installed, a run does nothing but check the folder.
#   - Only Debian sid packages llama.cpp, and its build needs a newer glibc than the machine's.
#     So: `apt-get download` under a private APT_CONFIG whose sources list names sid (the system's
#     sources and dpkg state stay as they are), then `dpkg-deb -x` of the server, its libraries
#     and sid's runtime (libc6 with its loader, libstdc++6, ...) into one folder. The server runs
#     through sid's own loader (test/real-server/lib/llama-server.ts).
#   - Every network step has a timeout. Needs apt-get and dpkg-deb (any Debian or Ubuntu), no
#     root: nothing is installed, only downloaded and unpacked.
# Prints the folder on its last line. The folder is
#   $CLAUDE_PROXY_LLAMA_HOME, else ~/.cache/claude-openai-proxy/llama-server-sid
# and test/real-server/lib/paths.ts finds it the same way. On failure the last line on stderr
# says why; the tests are then skipped with that reason.
set -euo pipefail

CACHE_ROOT="${XDG_CACHE_HOME:-$HOME/.cache}/claude-openai-proxy"
DIR="${CLAUDE_PROXY_LLAMA_HOME:-$CACHE_ROOT/llama-server-sid}"
MIRROR="${CLAUDE_PROXY_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
# The server and its libraries, then the runtime sid's build links against.
PACKAGES=(llama.cpp-tools libllama0 libggml0 libc6 libstdc++6 libgcc-s1 libgomp1 libssl3t64 zlib1g libzstd1)
started=$(date +%s)

log() { echo "[setup-llama-server] $*" >&2; }
fail() { log "$*"; exit 1; }

installed() { [ -f "$DIR/.installed" ] && [ -x "$DIR/root/usr/bin/llama-server" ]; }

if installed; then
  log "llama-server already installed in $DIR ($(head -1 "$DIR/.installed"))"
  echo "$DIR"
  exit 0
fi

for tool in apt-get dpkg-deb flock timeout; do
  command -v "$tool" >/dev/null || fail "cannot install llama-server: $tool is missing (needs a Debian-like system)"
done
[ "$(dpkg --print-architecture)" = amd64 ] || fail "cannot install llama-server: only amd64 is set up (this is $(dpkg --print-architecture))"
[ -r "$KEYRING" ] || fail "cannot install llama-server: $KEYRING is missing (package debian-archive-keyring)"

mkdir -p "$(dirname "$DIR")"
# Two test files may ask at once: the second waits for the first, then finds it installed.
exec 9>"$DIR.lock"
timeout 1200 flock 9 || fail "cannot install llama-server: another install held $DIR.lock for 20 minutes"
if installed; then echo "$DIR"; exit 0; fi

WORK="$DIR.partial"
rm -rf "$WORK"
mkdir -p "$WORK/apt/lists/partial" "$WORK/apt/archives/partial" "$WORK/apt/parts" "$WORK/debs" "$WORK/root"
touch "$WORK/apt/status"
echo "deb [signed-by=$KEYRING] $MIRROR sid main" > "$WORK/apt/sources.list"
cat > "$WORK/apt/apt.conf" <<EOF
Dir::State "$WORK/apt";
Dir::State::Lists "$WORK/apt/lists";
Dir::State::status "$WORK/apt/status";
Dir::Cache "$WORK/apt";
Dir::Cache::archives "$WORK/apt/archives";
Dir::Etc::SourceList "$WORK/apt/sources.list";
Dir::Etc::SourceParts "$WORK/apt/parts";
Dir::Etc::Preferences "/dev/null";
Dir::Etc::PreferencesParts "$WORK/apt/parts";
APT::Architecture "amd64";
APT::Architectures { "amd64"; };
Acquire::Languages "none";
Acquire::IndexTargets::deb::Contents-deb::DefaultEnabled "false";
Acquire::http::Timeout "30";
Acquire::Retries "2";
APT::Sandbox::User "$(id -un)";
EOF
export APT_CONFIG="$WORK/apt/apt.conf"
export DEBIAN_FRONTEND=noninteractive

# Runs an apt-get step bounded in time; on failure says which step, and apt's own last error.
apt_step() {
  local seconds=$1 what=$2; shift 2
  local output="$WORK/apt/step.log" status=0
  timeout "$seconds" "$@" </dev/null >"$output" 2>&1 || status=$?
  cat "$output" >&2
  [ "$status" = 0 ] && return 0
  [ "$status" = 124 ] && fail "cannot install llama-server: $what took over $seconds s"
  fail "cannot install llama-server: $what failed: $(grep -m1 '^E:' "$output" || grep -m1 '^W:' "$output" || tail -1 "$output")"
}
log "reading Debian sid's package index from $MIRROR"
apt_step 600 "apt-get update of Debian sid ($MIRROR)" apt-get update -qq -o APT::Update::Error-Mode=any
log "downloading ${PACKAGES[*]}"
cd "$WORK/debs"
apt_step 900 "apt-get download from Debian sid" apt-get download -qq "${PACKAGES[@]}"
cd - >/dev/null
for deb in "$WORK"/debs/*.deb; do dpkg-deb -x "$deb" "$WORK/root"; done

versions=$(cd "$WORK/debs" && ls *.deb)
loader="$WORK/root/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"
[ -x "$WORK/root/usr/bin/llama-server" ] && [ -e "$loader" ] || fail "cannot install llama-server: the sid packages did not bring usr/bin/llama-server and sid's loader"
libs="$WORK/root/usr/lib/x86_64-linux-gnu:$WORK/root/usr/lib/x86_64-linux-gnu/llama"
version=$("$loader" --library-path "$libs" "$WORK/root/usr/bin/llama-server" --version 2>&1 | grep -m1 '^version' || true)
[ -n "$version" ] || fail "cannot install llama-server: the unpacked llama-server does not run (--version printed no version)"

rm -rf "$WORK/apt" "$WORK/debs" "$DIR"
printf '%s\n%s\n' "$version" "$versions" > "$WORK/.installed"
mv "$WORK" "$DIR"
log "llama-server installed in $DIR in $(( $(date +%s) - started ))s: $version"
echo "$DIR"
