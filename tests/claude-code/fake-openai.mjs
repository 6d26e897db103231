#!/usr/bin/env node
// A tiny fake OpenAI upstream (Chat Completions and the Responses API) for the Claude Code end-to-end check (run.sh).
// Node's built-in http only; listens on 127.0.0.1.
//
//   node fake-openai.mjs [port]        (or FAKE_OPENAI_PORT; 0 picks a free port)
//
// Settings (environment):
//   FAKE_OPENAI_LOG_DIR    every request body is written here, pretty, as NNN-<kind>.json;
//                          plus tool-calls.json (the tool calls it issued) and tool-results.json
//                          (every role:"tool" message it received).
//   FAKE_OPENAI_PROOF_DIR  the folder the Bash proof command writes proof.txt into.
//   FAKE_OPENAI_PORT_FILE  the port actually bound is written here once listening.
//
// Behaviour, per POST /chat/completions:
//   - tools present and no role:"tool" message yet → a tool call to Bash running the proof command;
//   - a role:"tool" message present                → records it and answers with the final text;
//   - no tools (titles, summaries, the max_tokens:1 check, …) → a short text.
// Streams OpenAI chunks (data: …, a usage chunk with choices:[], data: [DONE]) when stream is true,
// plain JSON otherwise.
//
// A model named gemini-* behaves like Gemini 3's OpenAI endpoint: each tool call it issues carries a
// large thought signature (extra_content.google.thought_signature, 5.2 KB of base64), its stream
// sends each call whole at index 0 and ends with finish_reason "stop", and every assistant tool call that
// comes back must carry the signature it issued on that call: a missing one is rejected with Gemini's 400,
// an unknown one with "Corrupted thought signature."; the documented dummy is accepted but recorded.
// signatures.json lists what came back (real / dummy / missing / corrupted). The proof command then
// sleeps a few seconds first, so run.sh can restart the gateway between the tool call and its result.
//
// Per POST /responses, the same conversation with the Responses API's rules, as strict as OpenAI where it matters:
//   - unknown parameters (stop, max_tokens, messages, …) → 400 "Unsupported parameter: '…'.";
//     max_output_tokens < 16 → 400; a reasoning input item whose encrypted_content this fake did not mint → 400
//     "… could not be verified …";
//   - tools with Bash and no function_call_output yet → a reasoning item (minted encrypted_content) and a Bash
//     function_call; a function_call_output present → records it and answers with the final text.
//   Also writes reasoning-requested.json (the reasoning field of every request with tools) and
//   reasoning-returned.json (the reasoning items each request carried, and whether they preceded the call).
//   Streams the documented events (response.created … response.completed, each with sequence_number).
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';

const port = Number(process.argv[2] ?? process.env.FAKE_OPENAI_PORT ?? 0);
const logDir = process.env.FAKE_OPENAI_LOG_DIR ?? fs.mkdtempSync('/tmp/fake-openai-');
const proofDir = process.env.FAKE_OPENAI_PROOF_DIR ?? logDir;
const portFile = process.env.FAKE_OPENAI_PORT_FILE;
fs.mkdirSync(logDir, { recursive: true });

const proofFile = path.join(proofDir, 'proof.txt');
const proofCommand = `echo proxy-e2e-$((6*7)) > ${proofFile} && cat ${proofFile}`;
const slowProofCommand = `sleep ${process.env.FAKE_OPENAI_PROOF_SLEEP ?? 6} && ${proofCommand}`;
const geminiDummy = 'skip_thought_signature_validator';
let counter = 0;
const toolCalls = [];
const toolResults = [];
const issuedSignatures = new Map();
const signaturesSeen = [];
const minted = new Map(); // encrypted_content → reasoning item id
const reasoningRequested = [];
const reasoningReturned = [];

const writeJson = (name, value) => fs.writeFileSync(path.join(logDir, name), JSON.stringify(value, null, 2) + '\n');
const log = (line) => process.stderr.write(`[fake-openai] ${line}\n`);

/** The text of a message's content, whether a string or an array of parts. */
function textOf(content) {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((p) => (typeof p === 'string' ? p : p?.text ?? JSON.stringify(p))).join('');
  return content == null ? '' : JSON.stringify(content);
}

/** Bash's parameter names as Claude Code declares them: the command and (when it has one) the description. */
function bashArguments(bash, command = proofCommand) {
  const schema = bash.function?.parameters ?? {};
  const properties = schema.properties ?? {};
  const names = Object.keys(properties);
  const commandName = names.includes('command')
    ? 'command'
    : (schema.required ?? []).find((n) => properties[n]?.type === 'string') ?? names[0] ?? 'command';
  const args = { [commandName]: command };
  if (names.includes('description')) args.description = 'write proof';
  return { args, names, required: schema.required ?? [] };
}

function completion(body, message, finishReason, usage) {
  return {
    id: `chatcmpl-fake-${counter}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: body.model,
    choices: [{ index: 0, message: { role: 'assistant', content: null, ...message }, finish_reason: finishReason }],
    usage,
  };
}

/** The same answer as OpenAI streams it: role, content or tool-call pieces, finish, usage, [DONE]. */
function chunks(body, message, finishReason, usage, gemini = false) {
  const base = { id: `chatcmpl-fake-${counter}`, object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model: body.model };
  const chunk = (delta, finish = null) => ({ ...base, choices: [{ index: 0, delta, finish_reason: finish }] });
  const out = [chunk({ role: 'assistant', content: '' })];
  if (message.content) {
    const words = message.content.split(/(?<= )/);
    for (const w of words) out.push(chunk({ content: w }));
  }
  for (const [index, call] of (message.tool_calls ?? []).entries()) {
    if (gemini) {
      // Gemini: the whole call in one delta, every call at index 0, the signature alongside.
      out.push(chunk({ tool_calls: [{ index: 0, ...call }] }));
      continue;
    }
    const args = call.function.arguments;
    const cut = Math.floor(args.length / 2);
    out.push(chunk({ tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } }] }));
    out.push(chunk({ tool_calls: [{ index, function: { arguments: args.slice(0, cut) } }] }));
    out.push(chunk({ tool_calls: [{ index, function: { arguments: args.slice(cut) } }] }));
  }
  out.push(chunk({}, finishReason));
  out.push({ ...base, choices: [], usage });
  return out.map((c) => `data: ${JSON.stringify(c)}\n\n`).join('') + 'data: [DONE]\n\n';
}

/** Gemini's check of the thought signatures on the history's tool calls; an error answer, or null when accepted. */
function checkSignatures(messages) {
  for (const m of messages) {
    if (m?.role !== 'assistant' || !Array.isArray(m.tool_calls) || m.tool_calls.length === 0) continue;
    const call = m.tool_calls[0];
    const signature = call?.extra_content?.google?.thought_signature;
    const status = signature == null ? 'missing' : signature === geminiDummy ? 'dummy' : issuedSignatures.get(call.id) === signature ? 'real' : 'corrupted';
    if (!signaturesSeen.some((s) => s.request === counter && s.call_id === call.id)) signaturesSeen.push({ request: counter, call_id: call.id, status, length: signature?.length ?? 0 });
    writeJson('signatures.json', signaturesSeen);
    log(`request ${counter}: tool call ${call.id} came back with a ${status} thought signature`);
    if (status === 'missing')
      return { status: 400, error: [{ error: { code: 400, message: 'Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, and missing thought_signature may lead to degraded model performance.', status: 'INVALID_ARGUMENT' } }] };
    if (status === 'corrupted') return { status: 400, error: [{ error: { code: 400, message: 'Corrupted thought signature.', status: 'INVALID_ARGUMENT' } }] };
  }
  return null;
}

function answer(body) {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  const tools = Array.isArray(body.tools) ? body.tools : [];
  const toolMessages = messages.filter((m) => m?.role === 'tool');
  const usage = { prompt_tokens: 50, completion_tokens: 10, total_tokens: 60 };
  const gemini = /^gemini/.test(String(body.model ?? ''));
  if (gemini) {
    const rejected = checkSignatures(messages);
    if (rejected) return { kind: 'rejected', ...rejected };
  }

  if (toolMessages.length > 0) {
    for (const m of toolMessages) {
      const entry = {
        request: counter,
        tool_call_id: m.tool_call_id,
        content: m.content,
        text: textOf(m.content),
        matches_issued_call: toolCalls.some((c) => c.id === m.tool_call_id),
      };
      if (!toolResults.some((r) => r.tool_call_id === entry.tool_call_id && r.text === entry.text)) toolResults.push(entry);
    }
    writeJson('tool-results.json', toolResults);
    const last = textOf(toolMessages.at(-1).content);
    const found = last.match(/proxy-e2e-\d+/)?.[0];
    log(`request ${counter}: tool result for ${toolMessages.at(-1).tool_call_id}: ${JSON.stringify(last)}`);
    const text = found ? `The command printed ${found}.` : `The tool result did not contain the proof: ${last}`;
    return { kind: 'final', message: { content: text }, finish: 'stop', usage };
  }

  const bash = tools.find((t) => (t.function?.name ?? t.name) === 'Bash');
  if (bash) {
    const { args, names, required } = bashArguments(bash, gemini ? slowProofCommand : proofCommand);
    const call = { id: `call_e2e_${crypto.randomBytes(6).toString('hex')}`, type: 'function', function: { name: 'Bash', arguments: JSON.stringify(args) } };
    if (gemini) {
      // 3900 bytes (5200 base64 characters): as large as three parallel calls' signatures together, so the
      // thinking block that carries it to Claude Code and back is as large as a realistic turn makes it.
      const signature = crypto.randomBytes(3900).toString('base64');
      issuedSignatures.set(call.id, signature);
      call.extra_content = { google: { thought_signature: signature } };
    }
    toolCalls.push({ id: call.id, request: counter, arguments: args, bash_parameters: names, bash_required: required, tools: tools.map((t) => t.function?.name ?? t.name) });
    writeJson('tool-calls.json', toolCalls);
    log(`request ${counter}: issuing Bash tool call ${call.id} (Bash parameters: ${names.join(', ')}; required: ${required.join(', ')})`);
    return { kind: 'tool-call', message: { tool_calls: [call] }, finish: gemini ? 'stop' : 'tool_calls', usage, gemini };
  }

  if (tools.length > 0) log(`request ${counter}: tools without Bash: ${tools.map((t) => t.function?.name ?? t.name).join(', ')}`);
  return { kind: tools.length > 0 ? 'text-no-bash' : 'side-text', message: { content: 'Proxy e2e side answer.' }, finish: 'stop', usage };
}


// ---- the Responses API ----

const responsesParameters = new Set(['model', 'input', 'instructions', 'tools', 'tool_choice', 'parallel_tool_calls', 'max_output_tokens',
  'reasoning', 'stream', 'store', 'include', 'user', 'safety_identifier', 'prompt_cache_key', 'text', 'temperature', 'top_p', 'metadata',
  'previous_response_id', 'truncation', 'service_tier', 'background', 'max_tool_calls', 'top_logprobs', 'stream_options', 'prompt']);

/** The 400 OpenAI would answer with, or null. */
function responsesProblem(body) {
  for (const name of Object.keys(body)) if (!responsesParameters.has(name)) return `Unsupported parameter: '${name}'.`;
  if (typeof body.max_output_tokens === 'number' && body.max_output_tokens < 16)
    return `Invalid 'max_output_tokens': integer below minimum value. Expected a value >= 16, but got ${body.max_output_tokens} instead.`;
  if (String(body.model).startsWith('gpt-5') && body.temperature !== undefined) return "Unsupported parameter: 'temperature' is not supported with this model.";
  for (const item of Array.isArray(body.input) ? body.input : []) {
    if (item?.type === 'reasoning' && minted.get(item.encrypted_content) !== item.id)
      return `The encrypted content for item ${item.id} could not be verified. Reason: Encrypted content could not be decrypted or parsed.`;
  }
  if (!Array.isArray(body.input)) return "Missing required parameter: 'input'.";
  return null;
}

function responsesAnswer(body) {
  const input = body.input;
  const tools = Array.isArray(body.tools) ? body.tools : [];
  const outputs = input.filter((i) => i?.type === 'function_call_output');
  const usage = { input_tokens: 50, input_tokens_details: { cached_tokens: 20 }, output_tokens: 10, output_tokens_details: { reasoning_tokens: 4 }, total_tokens: 60 };
  if (tools.length > 0) reasoningRequested.push({ request: counter, reasoning: body.reasoning ?? null, include: body.include ?? null, store: body.store });
  writeJson('reasoning-requested.json', reasoningRequested);
  const returned = input.map((item, index) => ({ item, index })).filter(({ item }) => item?.type === 'reasoning');
  if (returned.length > 0) {
    const firstCall = input.findIndex((i) => i?.type === 'function_call');
    for (const { item, index } of returned) {
      reasoningReturned.push({ request: counter, id: item.id, encrypted_content: item.encrypted_content, minted_here: minted.get(item.encrypted_content) === item.id, before_function_call: firstCall < 0 || index < firstCall });
    }
    writeJson('reasoning-returned.json', reasoningReturned);
  }

  if (outputs.length > 0) {
    for (const o of outputs) {
      const entry = { request: counter, tool_call_id: o.call_id, content: o.output, text: textOf(o.output), matches_issued_call: toolCalls.some((c) => c.id === o.call_id) };
      if (!toolResults.some((r) => r.tool_call_id === entry.tool_call_id && r.text === entry.text)) toolResults.push(entry);
    }
    writeJson('tool-results.json', toolResults);
    const last = textOf(outputs.at(-1).output);
    const found = last.match(/proxy-e2e-\d+/)?.[0];
    log(`request ${counter}: function_call_output for ${outputs.at(-1).call_id}: ${JSON.stringify(last)}`);
    const text = found ? `The command printed ${found}.` : `The tool result did not contain the proof: ${last}`;
    return { kind: 'final', items: [{ type: 'message', text }], usage };
  }

  const bash = tools.find((t) => t.name === 'Bash');
  if (bash) {
    const { args, names, required } = bashArguments({ function: { parameters: bash.parameters } });
    const callId = `call_e2e_${crypto.randomBytes(6).toString('hex')}`;
    toolCalls.push({ id: callId, request: counter, arguments: args, bash_parameters: names, bash_required: required, tools: tools.map((t) => t.name) });
    writeJson('tool-calls.json', toolCalls);
    const encrypted = crypto.randomBytes(48).toString('base64');
    const reasoningId = `rs_e2e_${crypto.randomBytes(6).toString('hex')}`;
    minted.set(encrypted, reasoningId);
    log(`request ${counter}: issuing reasoning ${reasoningId} and Bash function_call ${callId} (reasoning requested: ${JSON.stringify(body.reasoning ?? null)})`);
    return {
      kind: 'tool-call',
      items: [
        { type: 'reasoning', id: reasoningId, summary: 'I will run the proof command.', encrypted_content: encrypted },
        { type: 'function_call', call_id: callId, name: 'Bash', arguments: JSON.stringify(args) },
      ],
      usage,
    };
  }
  return { kind: tools.length > 0 ? 'text-no-bash' : 'side-text', items: [{ type: 'message', text: 'Proxy e2e side answer.' }], usage };
}

/** The finished output items of an answer. */
function outputItems(items) {
  return items.map((item, index) => {
    if (item.type === 'reasoning') return { id: item.id, type: 'reasoning', summary: [{ type: 'summary_text', text: item.summary }], encrypted_content: item.encrypted_content };
    if (item.type === 'function_call') return { id: `fc_e2e_${counter}_${index}`, type: 'function_call', status: 'completed', call_id: item.call_id, name: item.name, arguments: item.arguments };
    return { id: `msg_e2e_${counter}_${index}`, type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: item.text, annotations: [] }] };
  });
}

function responseObject(body, output, usage, status) {
  return { id: `resp_fake_${counter}`, object: 'response', created_at: Math.floor(Date.now() / 1000), status, model: body.model, output, usage };
}

function responsesEvents(body, answerValue) {
  let sequence = 0;
  const events = [];
  const send = (type, data) => events.push(`event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: sequence++, ...data })}\n\n`);
  const output = outputItems(answerValue.items);
  send('response.created', { response: responseObject(body, [], null, 'in_progress') });
  send('response.in_progress', { response: responseObject(body, [], null, 'in_progress') });
  output.forEach((done, index) => {
    const added = { ...done, status: 'in_progress' };
    if (done.type === 'reasoning') { added.summary = []; delete added.encrypted_content; }
    if (done.type === 'message') added.content = [];
    if (done.type === 'function_call') added.arguments = '';
    send('response.output_item.added', { output_index: index, item: added });
    if (done.type === 'reasoning') {
      const text = done.summary[0].text;
      send('response.reasoning_summary_part.added', { item_id: done.id, output_index: index, summary_index: 0, part: { type: 'summary_text', text: '' } });
      for (const w of text.split(/(?<= )/)) send('response.reasoning_summary_text.delta', { item_id: done.id, output_index: index, summary_index: 0, delta: w });
      send('response.reasoning_summary_text.done', { item_id: done.id, output_index: index, summary_index: 0, text });
      send('response.reasoning_summary_part.done', { item_id: done.id, output_index: index, summary_index: 0, part: { type: 'summary_text', text } });
    } else if (done.type === 'message') {
      const text = done.content[0].text;
      send('response.content_part.added', { item_id: done.id, output_index: index, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } });
      for (const w of text.split(/(?<= )/)) send('response.output_text.delta', { item_id: done.id, output_index: index, content_index: 0, delta: w });
      send('response.output_text.done', { item_id: done.id, output_index: index, content_index: 0, text });
      send('response.content_part.done', { item_id: done.id, output_index: index, content_index: 0, part: { type: 'output_text', text, annotations: [] } });
    } else {
      const cut = Math.floor(done.arguments.length / 2);
      send('response.function_call_arguments.delta', { item_id: done.id, output_index: index, delta: done.arguments.slice(0, cut) });
      send('response.function_call_arguments.delta', { item_id: done.id, output_index: index, delta: done.arguments.slice(cut) });
      send('response.function_call_arguments.done', { item_id: done.id, output_index: index, arguments: done.arguments });
    }
    send('response.output_item.done', { output_index: index, item: done });
  });
  send('response.completed', { response: responseObject(body, output, answerValue.usage, 'completed') });
  return events.join('');
}

function handleResponses(req, res, body, number, url, headers) {
  const problem = responsesProblem(body);
  if (problem) {
    writeJson(`${number}-refused.json`, { method: req.method, url, headers, problem, body });
    log(`request ${counter}: refused: ${problem}`);
    res.writeHead(400, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { message: problem, type: 'invalid_request_error', param: null, code: null } }));
    return;
  }
  const result = responsesAnswer(body);
  const stream = body.stream === true;
  writeJson(`${number}-${result.kind}.json`, { method: req.method, url, headers, stream, answered: result.kind, body });
  log(`request ${counter}: ${url} stream=${stream} tools=${(body.tools ?? []).length} input=${body.input.length} max_output_tokens=${body.max_output_tokens ?? '-'} → ${result.kind}`);
  if (stream) {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.end(responsesEvents(body, result));
  } else {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(responseObject(body, outputItems(result.items), result.usage, 'completed')));
  }
}

const server = http.createServer((req, res) => {
  const parts = [];
  req.on('data', (d) => parts.push(d));
  req.on('end', () => {
    counter += 1;
    const raw = Buffer.concat(parts).toString('utf8');
    const headers = { ...req.headers };
    if (headers.authorization) headers.authorization = headers.authorization.replace(/^(Bearer\s+).*/i, '$1[seen]');
    let body;
    try {
      body = raw ? JSON.parse(raw) : null;
    } catch {
      body = raw;
    }
    const number = String(counter).padStart(3, '0');
    const url = req.url ?? '';
    if (req.method === 'POST' && url.split('?')[0].endsWith('/responses') && typeof body === 'object' && body !== null) {
      handleResponses(req, res, body, number, url, headers);
      return;
    }
    if (req.method !== 'POST' || !url.split('?')[0].endsWith('/chat/completions') || typeof body !== 'object' || body === null) {
      writeJson(`${number}-unexpected.json`, { method: req.method, url, headers, body });
      log(`request ${counter}: unexpected ${req.method} ${url}`);
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `fake-openai: no route for ${req.method} ${url}`, type: 'invalid_request_error' } }));
      return;
    }
    const result = answer(body);
    const stream = body.stream === true;
    writeJson(`${number}-${result.kind}.json`, { method: req.method, url, headers, stream, answered: result.kind, body });
    log(`request ${counter}: ${url} stream=${stream} tools=${(body.tools ?? []).length} messages=${(body.messages ?? []).length} max_tokens=${body.max_completion_tokens ?? body.max_tokens ?? '-'} → ${result.kind}`);
    if (result.kind === 'rejected') {
      res.writeHead(result.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(result.error));
    } else if (stream) {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.end(chunks(body, result.message, result.finish, result.usage, result.gemini));
    } else {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(completion(body, result.message, result.finish, result.usage)));
    }
  });
});

server.listen(port, '127.0.0.1', () => {
  const bound = server.address().port;
  if (portFile) fs.writeFileSync(portFile, String(bound));
  log(`listening on http://127.0.0.1:${bound}, logging to ${logDir}`);
});

for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(0));
