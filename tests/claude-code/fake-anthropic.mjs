#!/usr/bin/env node
// A tiny fake Anthropic Messages upstream (a DeepSeek-style pass-through provider) for the Claude Code
// end-to-end check of the family slots (run.sh, scenario "slots"). Node's built-in http only; 127.0.0.1.
//
//   node fake-anthropic.mjs [port]     (0 picks a free port)
//
// Settings (environment):
//   FAKE_ANTHROPIC_LOG_DIR     every request is written here as NNN-<kind>.json ({url, headers, body});
//                              plus tool-uses.json (the tool_use blocks it issued) and tool-results.json
//                              (every tool_result block it received).
//   FAKE_ANTHROPIC_PROOF_DIR   the folder the Bash proof command writes proof.txt into.
//   FAKE_ANTHROPIC_PORT_FILE   the port actually bound is written here once listening.
//   FAKE_ANTHROPIC_KEY         the only key it accepts (Authorization: Bearer …), as DeepSeek checks it.
//   FAKE_ANTHROPIC_MODELS      comma-separated models it serves; any other model is a 404, as upstreams
//                              answer a name they do not know — so an alias leaking upstream fails the run.
//
// Behaviour, per POST …/v1/messages:
//   - tools with Bash and no tool_result yet → a tool_use of Bash running the proof command;
//   - a tool_result present                   → records it and answers with the final text;
//   - anything else (titles, the max_tokens:1 check, …) → a short text.
// Streams Anthropic SSE (message_start … message_stop, every event named) when stream is true, JSON otherwise.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';

const port = Number(process.argv[2] ?? 0);
const logDir = process.env.FAKE_ANTHROPIC_LOG_DIR ?? fs.mkdtempSync('/tmp/fake-anthropic-');
const proofDir = process.env.FAKE_ANTHROPIC_PROOF_DIR ?? logDir;
const portFile = process.env.FAKE_ANTHROPIC_PORT_FILE;
const key = process.env.FAKE_ANTHROPIC_KEY ?? 'sk-fake-deepseek';
const models = new Set((process.env.FAKE_ANTHROPIC_MODELS ?? 'deepseek-v4-pro,deepseek-v4-flash').split(','));
fs.mkdirSync(logDir, { recursive: true });

const proofFile = path.join(proofDir, 'proof.txt');
const proofCommand = `echo proxy-e2e-$((6*7)) > ${proofFile} && cat ${proofFile}`;
let counter = 0;
const toolUses = [];
const toolResults = [];

const writeJson = (name, value) => fs.writeFileSync(path.join(logDir, name), JSON.stringify(value, null, 2) + '\n');
const log = (line) => process.stderr.write(`[fake-anthropic] ${line}\n`);

function error(res, status, type, message) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ type: 'error', error: { type, message } }));
}

const textOf = (content) => typeof content === 'string' ? content
  : Array.isArray(content) ? content.map((b) => (typeof b === 'string' ? b : b?.text ?? '')).join('') : '';

function reply(body) {
  const blocks = body.messages.flatMap((m) => (Array.isArray(m.content) ? m.content : []));
  const result = blocks.filter((b) => b?.type === 'tool_result').at(-1);
  if (result) {
    toolResults.push({ tool_use_id: result.tool_use_id, text: textOf(result.content) });
    writeJson('tool-results.json', toolResults);
    return { content: [{ type: 'text', text: `The proof command printed ${textOf(result.content).trim()}.` }], stop: 'end_turn' };
  }
  const bash = (body.tools ?? []).find((t) => t.name === 'Bash');
  if (bash) {
    const id = `toolu_fake_${String(counter).padStart(3, '0')}`;
    const input = { command: proofCommand, description: 'write proof' };
    toolUses.push({ id, model: body.model });
    writeJson('tool-uses.json', toolUses);
    return { content: [{ type: 'tool_use', id, name: 'Bash', input }], stop: 'tool_use' };
  }
  return { content: [{ type: 'text', text: 'ok' }], stop: 'end_turn' };
}

function sse(res, body, answer) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const send = (event, data) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  const usage = { input_tokens: 20, output_tokens: 0 };
  send('message_start', { type: 'message_start', message: { id: `msg_fake_${counter}`, type: 'message', role: 'assistant', model: body.model, content: [], stop_reason: null, stop_sequence: null, usage } });
  answer.content.forEach((block, index) => {
    if (block.type === 'text') {
      send('content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
      send('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text: block.text } });
    } else {
      send('content_block_start', { type: 'content_block_start', index, content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} } });
      send('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: JSON.stringify(block.input) } });
    }
    send('content_block_stop', { type: 'content_block_stop', index });
  });
  send('message_delta', { type: 'message_delta', delta: { stop_reason: answer.stop, stop_sequence: null }, usage: { input_tokens: 20, output_tokens: 10 } });
  send('message_stop', { type: 'message_stop' });
  res.end();
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    counter++;
    const raw = Buffer.concat(chunks).toString('utf8');
    let body = null;
    try { body = JSON.parse(raw); } catch {}
    const kind = req.url.includes('count_tokens') ? 'count-tokens' : body?.tools?.length ? 'main' : 'side';
    writeJson(`${String(counter).padStart(3, '0')}-${kind}.json`, { method: req.method, url: req.url, headers: { 'anthropic-version': req.headers['anthropic-version'], 'anthropic-beta': req.headers['anthropic-beta'] }, body });
    if (req.method !== 'POST' || !/\/v1\/messages(\/count_tokens)?(\?|$)/.test(req.url)) return error(res, 404, 'not_found_error', `Not found: ${req.method} ${req.url}`);
    if (req.headers.authorization !== `Bearer ${key}`) return error(res, 401, 'authentication_error', 'Authentication Fails, Your api key is invalid');
    if (!body || typeof body.model !== 'string') return error(res, 400, 'invalid_request_error', 'Failed to deserialize the JSON body');
    if (!models.has(body.model)) return error(res, 404, 'not_found_error', `Model Not Exist: ${body.model}`);
    log(`${req.url} model=${body.model} stream=${body.stream === true} tools=${(body.tools ?? []).length}`);
    if (kind === 'count-tokens') { res.writeHead(200, { 'content-type': 'application/json' }); return res.end(JSON.stringify({ input_tokens: 42 })); }
    const answer = reply(body);
    if (body.stream) return sse(res, body, answer);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id: `msg_fake_${counter}`, type: 'message', role: 'assistant', model: body.model, content: answer.content, stop_reason: answer.stop, stop_sequence: null, usage: { input_tokens: 20, output_tokens: 10 } }));
  });
});
server.listen(port, '127.0.0.1', () => {
  const bound = server.address().port;
  if (portFile) fs.writeFileSync(portFile, String(bound));
  log(`listening on 127.0.0.1:${bound}`);
});
