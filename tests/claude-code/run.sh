#!/usr/bin/env bash
# Claude Code end-to-end check of the translated route.
#
# Installs @anthropic-ai/claude-code (pinned below) into tests/claude-code/.cache, starts the fake OpenAI
# upstream (fake-openai.mjs) and the gateway in front of it, then runs
#   claude -p "…" --model claude-gpt-5.4 --allowedTools Bash --output-format json
# against the gateway. The fake upstream answers with a Bash tool call; Claude Code must run it and send
# the tool_result back through the gateway. Checks:
#   1. the proof file the command writes exists and holds proxy-e2e-42;
#   2. the fake upstream received a role:"tool" message whose tool_call_id is the id of the tool call it
#      issued and whose content contains proxy-e2e-42;
#   3. Claude Code's final answer mentions proxy-e2e-42.
# On the Responses wire (the default; CLAUDE_E2E_WIRE=chat for Chat Completions), Claude Code runs with thinking
# on (MAX_THINKING_TOKENS) and the fake speaks /responses, answering the first turn with an encrypted reasoning
# item before the Bash call. Further checks:
#   4. the request that got the tool call asked for reasoning (reasoning.effort) with store:false and the
#      encrypted reasoning included;
#   5. the request carrying the tool result returned that exact encrypted_content as a reasoning item before
#      the function_call (the fake refuses reasoning it did not mint, as OpenAI does).
# Prints PASS or FAIL and exits non-zero on failure.
#
# Scenarios (CLAUDE_E2E_SCENARIO; unset runs both, one after the other):
#   openai          the round trip above on claude-gpt-5.4;
#   gemini-restart  the same on claude-gemini-3-flash-preview, whose fake upstream signs each tool call with a
#                   realistic Gemini thought signature and rejects a history that lacks it; the gateway is
#                   killed and a fresh one started on the same port while Claude Code runs the (slow) proof
#                   command, so the tool result goes through a process that never saw the tool call. Also
#                   checks: 4. the tool call came back to the upstream with the real signature it issued (not
#                   the dummy, not missing); 5. the first gateway served the tool call, the second the result.
#
# Environment:
#   CLAUDE_MODEL_PROXY_BIN  the gateway executable (default: the Release build, else the Debug build,
#                           else `dotnet build -c Release` first)
#   CLAUDE_E2E_OUT          where logs go (default: a new temporary folder, removed after a PASS)
#   CLAUDE_E2E_KEEP=1       keep the logs after a PASS too
#   CLAUDE_E2E_STRACE=1     run Claude Code under strace and list every connect() that is not loopback
#   CLAUDE_E2E_TIMEOUT      seconds Claude Code may take (default 120)
#   CLAUDE_E2E_WIRE         responses (default) or chat: the gateway's OPENAI_WIRE_API
#
# Claude Code only ever talks to 127.0.0.1: it and the gateway run with a cleared environment (no real
# keys), a throw-away HOME, and every switch that turns off telemetry, error reporting, auto-update and
# other non-essential traffic; all model families (haiku/sonnet/opus, the small fast model) map to the
# translated alias so no side request goes anywhere else.
set -uo pipefail

scenario="${CLAUDE_E2E_SCENARIO:-}"
if [ -z "$scenario" ]; then
  status=0
  for s in openai gemini-restart; do
    echo "=== scenario $s"
    CLAUDE_E2E_SCENARIO=$s "$0" || status=1
  done
  exit $status
fi
case "$scenario" in
  openai) MODEL=claude-gpt-5.4; provider_env=(OPENAI_BASE_URL OPENAI_API_KEY); restart=0 ;;
  gemini-restart) MODEL=claude-gemini-3-flash-preview; provider_env=(GEMINI_BASE_URL GEMINI_API_KEY); restart=1 ;;
  *) echo "unknown CLAUDE_E2E_SCENARIO=$scenario (openai or gemini-restart)"; exit 2 ;;
esac
WIRE=${CLAUDE_E2E_WIRE:-responses}
[ "$restart" = 1 ] && WIRE=chat  # Gemini speaks Chat Completions; the wire only concerns OpenAI
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
. "$here/lib.sh"
start_run claude-code-e2e
mkdir -p "$out/upstream" "$out/work" "$out/home"

# --- Claude Code and the gateway executable ---------------------------------------------------------
ensure_claude
find_gateway

base_env=(PATH="$PATH" HOME="$out/home" LANG=C.UTF-8)
[ -n "${DOTNET_ROOT:-}" ] && base_env+=(DOTNET_ROOT="$DOTNET_ROOT")

# --- the fake OpenAI upstream ------------------------------------------------------------------------
env -i "${base_env[@]}" FAKE_OPENAI_LOG_DIR="$out/upstream" FAKE_OPENAI_PROOF_DIR="$out/work" FAKE_OPENAI_PORT_FILE="$out/fake.port" \
  node "$here/fake-openai.mjs" 0 >"$out/fake-openai.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do [ -s "$out/fake.port" ] && break; sleep 0.1; done
[ -s "$out/fake.port" ] || { cat "$out/fake-openai.log"; fail "the fake upstream did not start"; }
fake_port=$(cat "$out/fake.port")

# --- the gateway -------------------------------------------------------------------------------------
gw_port=$(free_port)
# start_gateway LOG: starts the gateway on $gw_port logging to LOG, sets gw_pid, waits for /healthz.
start_gateway() {
  env -i "${base_env[@]}" PORT="$gw_port" "${provider_env[0]}=http://127.0.0.1:$fake_port" "${provider_env[1]}=sk-fake" UPSTREAM_RETRIES=0 OPENAI_WIRE_API="$WIRE" \
    "$gateway" serve >"$1" 2>&1 &
  gw_pid=$!
  pids+=($gw_pid)
  for _ in $(seq 200); do
    curl -fsS "http://127.0.0.1:$gw_port/healthz" >/dev/null 2>&1 && return 0
    kill -0 "$gw_pid" 2>/dev/null || { cat "$1"; fail "the gateway exited"; }
    sleep 0.1
  done
  cat "$1"; fail "the gateway did not answer /healthz"
}
start_gateway "$out/gateway.log"
echo "fake upstream: http://127.0.0.1:$fake_port   gateway: http://127.0.0.1:$gw_port"

# --- Claude Code ------------------------------------------------------------------------------------
claude_env=(
  "${base_env[@]}" TERM=dumb
  ANTHROPIC_BASE_URL="http://127.0.0.1:$gw_port"
  ANTHROPIC_API_KEY=dummy-claude-model-proxy
  ANTHROPIC_MODEL="$MODEL"
  ANTHROPIC_SMALL_FAST_MODEL="$MODEL"
  ANTHROPIC_DEFAULT_HAIKU_MODEL="$MODEL"
  ANTHROPIC_DEFAULT_SONNET_MODEL="$MODEL"
  ANTHROPIC_DEFAULT_OPUS_MODEL="$MODEL"
  CLAUDE_CODE_SUBAGENT_MODEL="$MODEL"
  "${quiet_claude_env[@]}"
)
# Thinking on, so that the Responses route has reasoning to request and to carry between the turns.
if [ "$WIRE" = responses ]; then claude_env+=(MAX_THINKING_TOKENS=8000); fi
prompt="Run the proof command with Bash and tell me what it printed"
cmd=("$claude" -p "$prompt" --model "$MODEL" --allowedTools Bash --output-format json)
if [ "${CLAUDE_E2E_STRACE:-0}" = 1 ]; then cmd=(strace -f -qq -e trace=connect -o "$out/connect.trace" "${cmd[@]}"); fi
echo "running: claude -p \"$prompt\" --model $MODEL --allowedTools Bash --output-format json"
t=$(date +%s.%N)
(cd "$out/work" && env -i "${claude_env[@]}" timeout "${CLAUDE_E2E_TIMEOUT:-120}" "${cmd[@]}" </dev/null >"$out/claude.json" 2>"$out/claude.stderr") &
claude_pid=$!
if [ "$restart" = 1 ]; then
  # Once the upstream has issued the tool call, replace the gateway while Claude Code runs the slow proof command.
  for _ in $(seq 1200); do { [ -s "$out/upstream/tool-calls.json" ] || ! kill -0 "$claude_pid" 2>/dev/null; } && break; sleep 0.1; done
  if [ -s "$out/upstream/tool-calls.json" ]; then
    # Kill only once the gateway has finished every reply the upstream gave (its log line comes after the last byte).
    for _ in $(seq 100); do
      [ "$(grep -c 'POST /v1/messages' "$out/gateway.log")" -ge "$(ls "$out/upstream" | grep -c '^[0-9]\{3\}-')" ] && break
      sleep 0.1
    done
    sleep 0.2
    kill "$gw_pid"; wait "$gw_pid" 2>/dev/null
    echo "gateway restarted after the tool call ($(elapsed "$t") s in)"
    start_gateway "$out/gateway-after-restart.log"
  fi
fi
wait "$claude_pid"
claude_status=$?
claude_seconds=$(elapsed "$t")
echo "claude exited $claude_status after $claude_seconds s"

# --- checks -----------------------------------------------------------------------------------------
failures=()
proof="$out/work/proof.txt"
if [ -f "$proof" ] && grep -q '^proxy-e2e-42$' "$proof"; then echo "ok   proof file holds $(cat "$proof")"; else failures+=("proof file $proof missing or without proxy-e2e-42"); fi

summary=$(node - "$out" "$WIRE" "$restart" <<'EOF'
const fs = require('fs'), path = require('path');
const out = process.argv[2];
const wire = process.argv[3];
const read = (f, d) => { try { return JSON.parse(fs.readFileSync(path.join(out, f), 'utf8')); } catch { return d; } };
const calls = read('upstream/tool-calls.json', []);
const results = read('upstream/tool-results.json', []);
const lines = [], failures = [];
const issued = new Set(calls.map((c) => c.id));
lines.push(`tool calls issued: ${calls.map((c) => c.id).join(', ') || 'none'}`);
if (calls[0]) lines.push(`Bash parameters Claude Code declared: ${calls[0].bash_parameters.join(', ')} (required: ${calls[0].bash_required.join(', ')})`);
const good = results.find((r) => issued.has(r.tool_call_id) && /proxy-e2e-42/.test(r.text));
if (good) lines.push(`ok   tool message for ${good.tool_call_id}: ${JSON.stringify(good.text)}`);
else failures.push(`no role:"tool" message with an issued tool_call_id and proxy-e2e-42 (received: ${JSON.stringify(results.map((r) => [r.tool_call_id, r.text]))})`);
let claude = null;
try { claude = JSON.parse(fs.readFileSync(path.join(out, 'claude.json'), 'utf8')); } catch {}
const answer = claude?.result ?? '';
if (claude && !claude.is_error && /proxy-e2e-42/.test(answer)) lines.push(`ok   Claude Code's answer: ${JSON.stringify(answer)}`);
else failures.push(`Claude Code's output does not mention proxy-e2e-42: ${fs.existsSync(path.join(out, 'claude.json')) ? fs.readFileSync(path.join(out, 'claude.json'), 'utf8').slice(0, 600) : 'none'}`);
if (claude) lines.push(`claude: num_turns=${claude.num_turns} duration_ms=${claude.duration_ms} duration_api_ms=${claude.duration_api_ms}`);
const requests = fs.readdirSync(path.join(out, 'upstream')).filter((f) => /^\d{3}-/.test(f)).sort();
lines.push(`upstream requests (${requests.length}):`);
for (const f of requests) {
  const r = read(path.join('upstream', f), {});
  const b = r.body ?? {};
  lines.push(`  ${f}: ${r.method} ${r.url} stream=${b.stream === true} tools=${(b.tools ?? []).length} messages=${(b.messages ?? b.input ?? []).length} max_tokens=${b.max_completion_tokens ?? b.max_output_tokens ?? b.max_tokens ?? '-'}${b.reasoning ? ` reasoning=${JSON.stringify(b.reasoning)}` : ''}`);
}
if (wire === 'responses') {
  if (requests.some((f) => !/\/responses$/.test(read(path.join('upstream', f), {}).url ?? ''))) failures.push('a request did not go to /responses');
  const requested = read('upstream/reasoning-requested.json', []);
  const toolTurn = requested.find((r) => calls.some((c) => c.request === r.request));
  if (toolTurn?.reasoning?.effort && toolTurn.store === false && (toolTurn.include ?? []).includes('reasoning.encrypted_content'))
    lines.push(`ok   reasoning requested with the tools: ${JSON.stringify(toolTurn.reasoning)}, store:false, encrypted reasoning included`);
  else failures.push(`the tool-call request did not ask for reasoning the stateless way: ${JSON.stringify(toolTurn ?? requested)}`);
  const returned = read('upstream/reasoning-returned.json', []);
  const back = returned.find((r) => r.minted_here && r.before_function_call && results.some((x) => x.request === r.request));
  if (back) lines.push(`ok   request ${back.request} returned the encrypted reasoning ${back.id} (${back.encrypted_content.length} characters, exactly as minted) before the function_call`);
  else failures.push(`no tool-result request returned the minted encrypted reasoning before the function_call: ${JSON.stringify(returned)}`);
  const refused = fs.readdirSync(path.join(out, 'upstream')).filter((f) => /-refused\.json$/.test(f));
  if (refused.length > 0) failures.push(`the fake refused ${refused.length} request(s): ${refused.map((f) => read(path.join('upstream', f), {}).problem).join(' | ')}`);
}
if (process.argv[4] === '1') {
  const seen = read('upstream/signatures.json', []);
  lines.push(`thought signatures that came back: ${seen.map((s) => `${s.call_id}=${s.status} (${s.length} chars)`).join(', ') || 'none'}`);
  if (seen.length > 0 && seen.every((s) => s.status === 'real') && seen.some((s) => issued.has(s.call_id))) lines.push('ok   every tool call came back with the real thought signature it was issued');
  else failures.push(`the tool calls did not all come back with their real thought signatures: ${JSON.stringify(seen)}`);
  const served = (f) => { try { return fs.readFileSync(path.join(out, f), 'utf8').split('\n').filter((l) => /POST \/v1\/messages .*gemini\/.* 200 /.test(l)).length; } catch { return 0; } };
  const before = served('gateway.log'), after = served('gateway-after-restart.log');
  if (before > 0 && after > 0) lines.push(`ok   the first gateway served ${before} Gemini request(s), the restarted one ${after}`);
  else failures.push(`expected Gemini requests through both gateways (before the restart: ${before}, after: ${after})`);
}
for (const l of lines) console.log(l);
for (const f of failures) console.log(`FAILURE ${f}`);
EOF
)
echo "$summary" | grep -v '^FAILURE '
while IFS= read -r line; do failures+=("${line#FAILURE }"); done < <(echo "$summary" | grep '^FAILURE ')

for log in "$out/gateway.log" "$out/gateway-after-restart.log"; do
  [ -f "$log" ] || continue
  echo "gateway log ($(basename "$log")):"
  sed 's/^/  /' "$log" | grep -v '^  *$' | tail -20
done

if [ "${CLAUDE_E2E_STRACE:-0}" = 1 ] && [ -f "$out/connect.trace" ]; then
  outside=$(grep -E 'connect\(' "$out/connect.trace" | grep -E 'AF_INET6?' | grep -vE 'inet_addr\("127\.|inet_pton\(AF_INET6, "::1"|"::ffff:127\.' || true)
  if [ -n "$outside" ]; then echo "connect() calls to non-loopback addresses:"; echo "$outside" | sed 's/^/  /'; else echo "ok   no connect() to a non-loopback address"; fi
fi

if [ "$claude_status" -ne 0 ]; then failures+=("claude exited $claude_status: $(tail -c 600 "$out/claude.stderr")"); fi

echo "total $(elapsed "$started") s"
if [ "${#failures[@]}" -eq 0 ]; then
  if [ "$restart" = 1 ]; then echo "PASS: Claude Code $CLAUDE_CODE_VERSION ran Bash through $MODEL, the gateway restarted in between, and the tool_result went back with the real thought signature"
  else echo "PASS: Claude Code $CLAUDE_CODE_VERSION ran Bash through $MODEL ($WIRE wire) and sent the tool_result back"; fi
  if [ "$keep_out" = 1 ]; then echo "logs: $out"; else rm -rf "$out"; fi
  exit 0
fi
for f in "${failures[@]}"; do echo "FAIL: $f"; done
echo "logs: $out"
exit 1
