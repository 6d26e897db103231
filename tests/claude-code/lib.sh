# Shared by the Claude Code end-to-end scripts (run.sh, run-slots.sh): installing the pinned Claude Code,
# finding the gateway under test, free ports, and the environment that keeps Claude Code on 127.0.0.1.
# Expects $here (this folder) and $root (the repository); start_run sets up $out, $pids, cleanup and fail().

CLAUDE_CODE_VERSION=2.1.332
started=$(date +%s.%N)
elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
fail() { echo "FAIL: $*"; echo "logs: $out"; exit 1; }

# start_run NAME: $out is CLAUDE_E2E_OUT (kept) or a new /tmp/NAME.XXXXXX (removed after a PASS unless CLAUDE_E2E_KEEP=1);
# every pid added to $pids is stopped when the script exits.
start_run() {
  keep_out=${CLAUDE_E2E_KEEP:-0}
  if [ -n "${CLAUDE_E2E_OUT:-}" ]; then out="$CLAUDE_E2E_OUT"; mkdir -p "$out"; keep_out=1; else out="$(mktemp -d "/tmp/$1.XXXXXX")"; fi
  pids=()
  trap cleanup EXIT
  trap 'exit 130' INT TERM
}
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done
}
cache="$here/.cache"
claude="$cache/node_modules/.bin/claude"

# ensure_claude: installs @anthropic-ai/claude-code@$CLAUDE_CODE_VERSION into $cache unless it is there.
ensure_claude() {
  if [ "$("$claude" --version 2>/dev/null | awk '{print $1}')" != "$CLAUDE_CODE_VERSION" ]; then
    echo "installing @anthropic-ai/claude-code@$CLAUDE_CODE_VERSION into $cache"
    local t
    t=$(date +%s.%N)
    mkdir -p "$cache"
    npm install --prefix "$cache" --no-audit --no-fund --no-save "@anthropic-ai/claude-code@$CLAUDE_CODE_VERSION" >"$out/npm-install.log" 2>&1 \
      || { cat "$out/npm-install.log"; fail "npm install @anthropic-ai/claude-code@$CLAUDE_CODE_VERSION"; }
    [ "$("$claude" --version 2>/dev/null | awk '{print $1}')" = "$CLAUDE_CODE_VERSION" ] || fail "claude --version after install: $("$claude" --version 2>&1)"
    echo "installed in $(elapsed "$t") s"
  fi
  echo "claude: $("$claude" --version)"
}

# find_gateway: sets $gateway to CLAUDE_MODEL_PROXY_BIN, else the Release build, else the Debug build, else builds Release.
find_gateway() {
  gateway="${CLAUDE_MODEL_PROXY_BIN:-}"
  if [ -z "$gateway" ]; then
    for candidate in "$root/src/ClaudeModelProxy/bin/Release/net10.0/claude-model-proxy" "$root/src/ClaudeModelProxy/bin/Debug/net10.0/claude-model-proxy"; do
      if [ -x "$candidate" ]; then gateway="$candidate"; break; fi
    done
  fi
  if [ -z "$gateway" ]; then
    echo "building the gateway (Release)"
    dotnet build "$root/src/ClaudeModelProxy" -c Release >"$out/build.log" 2>&1 || { tail -30 "$out/build.log"; fail "dotnet build"; }
    gateway="$root/src/ClaudeModelProxy/bin/Release/net10.0/claude-model-proxy"
  fi
  [ -x "$gateway" ] || fail "no gateway executable at $gateway"
  echo "gateway: $gateway"
}

free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

# Every switch that turns off telemetry, error reporting, auto-update and other non-essential traffic.
quiet_claude_env=(
  CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1
  DISABLE_AUTOUPDATER=1
  DISABLE_TELEMETRY=1
  DISABLE_ERROR_REPORTING=1
  DISABLE_BUG_COMMAND=1
  DISABLE_NON_ESSENTIAL_MODEL_CALLS=1
)
