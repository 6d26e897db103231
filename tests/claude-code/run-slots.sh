#!/usr/bin/env bash
# Claude Code end-to-end check of the family slots and model discovery, on a pass-through provider.
#
# Starts a strict fake Anthropic-format upstream (fake-anthropic.mjs, standing in for DeepSeek: it accepts only
# its key and the models deepseek-v4-pro / deepseek-v4-flash) and the gateway in front of it, then runs Claude Code
# 2.1.332 twice with CLAUDE_CODE_ENABLE_GATEWAY_MODEL_DISCOVERY=1 and CLAUDE_CODE_GATEWAY_HINT_HEADERS=1:
#   sonnet-slot  claude -p … --model claude-sonnet, the four ANTHROPIC_DEFAULT_*_MODEL set to the slots;
#   haiku-slot   claude -p … --model haiku with only ANTHROPIC_DEFAULT_HAIKU_MODEL=claude-haiku.
# Each run must complete a Bash tool round trip (proof file, tool_result with the issued id, final answer), the
# upstream must see the slot's real model (deepseek-v4-pro, deepseek-v4-flash), and Claude Code's discovery cache
# (~/.claude/cache/gateway-models.json) must hold exactly the ids the gateway's GET /v1/models lists — which is how
# we know Claude Code made the discovery call and took the answer. Prints the models Claude Code listed, then
# PASS or FAIL (exit 1). Environment as in run.sh (CLAUDE_MODEL_PROXY_BIN, CLAUDE_E2E_OUT, CLAUDE_E2E_KEEP,
# CLAUDE_E2E_TIMEOUT).
set -uo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
. "$here/lib.sh"
start_run claude-code-slots

ensure_claude
find_gateway
base_env=(PATH="$PATH" LANG=C.UTF-8)
[ -n "${DOTNET_ROOT:-}" ] && base_env+=(DOTNET_ROOT="$DOTNET_ROOT")

failures=()
for run in sonnet-slot haiku-slot; do
  dir="$out/$run"
  mkdir -p "$dir/upstream" "$dir/work" "$dir/home"
  echo "=== $run"
  env -i "${base_env[@]}" HOME="$dir/home" FAKE_ANTHROPIC_LOG_DIR="$dir/upstream" FAKE_ANTHROPIC_PROOF_DIR="$dir/work" FAKE_ANTHROPIC_PORT_FILE="$dir/fake.port" \
    FAKE_ANTHROPIC_KEY=sk-fake-deepseek node "$here/fake-anthropic.mjs" 0 >"$dir/fake.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do [ -s "$dir/fake.port" ] && break; sleep 0.1; done
  [ -s "$dir/fake.port" ] || { cat "$dir/fake.log"; fail "the fake upstream did not start"; }
  gw_port=$(free_port)
  env -i "${base_env[@]}" HOME="$dir/home" PORT="$gw_port" DEEPSEEK_BASE_URL="http://127.0.0.1:$(cat "$dir/fake.port")" DEEPSEEK_API_KEY=sk-fake-deepseek UPSTREAM_RETRIES=0 \
    "$gateway" serve >"$dir/gateway.log" 2>&1 &
  gw_pid=$!
  pids+=($gw_pid)
  for _ in $(seq 200); do
    curl -fsS "http://127.0.0.1:$gw_port/healthz" >/dev/null 2>&1 && break
    kill -0 "$gw_pid" 2>/dev/null || { cat "$dir/gateway.log"; fail "the gateway exited"; }
    sleep 0.1
  done
  curl -fsS "http://127.0.0.1:$gw_port/v1/models?limit=1000" >"$dir/listed.json" || fail "GET /v1/models"

  claude_env=("${base_env[@]}" HOME="$dir/home" TERM=dumb ANTHROPIC_BASE_URL="http://127.0.0.1:$gw_port" ANTHROPIC_API_KEY=dummy-claude-model-proxy
    CLAUDE_CODE_ENABLE_GATEWAY_MODEL_DISCOVERY=1 CLAUDE_CODE_GATEWAY_HINT_HEADERS=1 "${quiet_claude_env[@]}")
  if [ "$run" = sonnet-slot ]; then
    model=claude-sonnet; expected=deepseek-v4-pro
    claude_env+=(ANTHROPIC_DEFAULT_HAIKU_MODEL=claude-haiku ANTHROPIC_DEFAULT_SONNET_MODEL=claude-sonnet ANTHROPIC_DEFAULT_OPUS_MODEL=claude-opus ANTHROPIC_DEFAULT_FABLE_MODEL=claude-fable CLAUDE_CODE_SUBAGENT_MODEL=claude-haiku)
  else
    model=haiku; expected=deepseek-v4-flash
    claude_env+=(ANTHROPIC_DEFAULT_HAIKU_MODEL=claude-haiku)
  fi
  echo "running: claude -p … --model $model --allowedTools Bash --output-format json"
  t=$(date +%s.%N)
  (cd "$dir/work" && env -i "${claude_env[@]}" timeout "${CLAUDE_E2E_TIMEOUT:-120}" "$claude" -p "Run the proof command with Bash and tell me what it printed" \
    --model "$model" --allowedTools Bash --output-format json </dev/null >"$dir/claude.json" 2>"$dir/claude.stderr")
  status=$?
  echo "claude exited $status after $(elapsed "$t") s"
  [ "$status" -eq 0 ] || failures+=("$run: claude exited $status: $(tail -c 600 "$dir/claude.stderr")")

  summary=$(node - "$dir" "$expected" <<'JS'
const fs = require('fs'), path = require('path');
const [dir, expected] = process.argv.slice(2);
const read = (f, d) => { try { return JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')); } catch { return d; } };
const lines = [], failures = [];
const uses = read('upstream/tool-uses.json', []), results = read('upstream/tool-results.json', []);
const proof = fs.existsSync(path.join(dir, 'work/proof.txt')) ? fs.readFileSync(path.join(dir, 'work/proof.txt'), 'utf8').trim() : '';
if (proof === 'proxy-e2e-42') lines.push('ok   proof file holds proxy-e2e-42'); else failures.push(`proof file holds "${proof}"`);
const good = results.find((r) => uses.some((u) => u.id === r.tool_use_id) && /proxy-e2e-42/.test(r.text));
if (good) lines.push(`ok   tool_result for ${good.tool_use_id}: ${JSON.stringify(good.text)}`); else failures.push(`no tool_result for an issued tool_use with proxy-e2e-42 (${JSON.stringify(results)})`);
const answer = read('claude.json', {})?.result ?? '';
if (/proxy-e2e-42/.test(answer)) lines.push(`ok   Claude Code's answer: ${JSON.stringify(answer)}`); else failures.push(`answer without proxy-e2e-42: ${JSON.stringify(answer).slice(0, 300)}`);
const requests = fs.readdirSync(path.join(dir, 'upstream')).filter((f) => /^\d{3}-/.test(f)).sort().map((f) => read(path.join('upstream', f), {}));
const models = [...new Set(requests.map((r) => r.body?.model))];
if (requests.length > 0 && models.every((m) => m === expected)) lines.push(`ok   the upstream saw only ${expected} (${requests.length} requests)`);
else failures.push(`the upstream saw models ${JSON.stringify(models)}, expected only ${expected}`);
const listed = (read('listed.json', {}).data ?? []).map((m) => m.id);
const cached = (read('home/.claude/cache/gateway-models.json', {}).models ?? []).map((m) => m.id);
lines.push(`models Claude Code listed (${cached.length}): ${cached.join(', ')}`);
if (cached.length > 0 && JSON.stringify(cached) === JSON.stringify(listed)) lines.push('ok   Claude Code discovered exactly what GET /v1/models lists');
else failures.push(`Claude Code's discovery cache ${JSON.stringify(cached)} differs from GET /v1/models ${JSON.stringify(listed)}`);
for (const l of lines) console.log(l);
for (const f of failures) console.log(`FAILURE ${f}`);
JS
)
  echo "$summary" | grep -v '^FAILURE '
  while IFS= read -r line; do failures+=("$run: ${line#FAILURE }"); done < <(echo "$summary" | grep '^FAILURE ')
  echo "gateway log:"; grep 'POST /v1/messages' "$dir/gateway.log" | sed 's/^/  /' | tail -5
  kill "$gw_pid" 2>/dev/null
done

echo "total $(elapsed "$started") s"
if [ "${#failures[@]}" -eq 0 ]; then
  echo "PASS: Claude Code $CLAUDE_CODE_VERSION discovered the gateway's models and ran Bash through claude-sonnet and claude-haiku"
  if [ "$keep_out" = 1 ]; then echo "logs: $out"; else rm -rf "$out"; fi
  exit 0
fi
for f in "${failures[@]}"; do echo "FAIL: $f"; done
echo "logs: $out"
exit 1
