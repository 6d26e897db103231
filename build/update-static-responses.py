#!/usr/bin/env python3
"""Writes the server's live `initialize` and `tools/list` results into manifest.json's
_meta["com.microsoft.windows"].static_responses (the test StatusToolContractTests fails when they drift).

Usage: python3 build/update-static-responses.py [path to the built claude-model-proxy executable]
(default: src/ClaudeModelProxy/bin/Debug/net10.0/claude-model-proxy; build it first).
Only the _meta block is rewritten; the rest of manifest.json keeps its formatting."""
import json, os, subprocess, sys, tempfile

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
exe = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "src", "ClaudeModelProxy", "bin", "Debug", "net10.0", "claude-model-proxy")
manifest_path = os.path.join(root, "manifest.json")
text = open(manifest_path, encoding="utf-8").read()
manifest = json.loads(text)
version = manifest.get("_meta", {}).get("com.microsoft.windows", {}).get("static_responses", {}).get("initialize", {}).get("protocolVersion", "2025-06-18")

requests = [
    {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"protocolVersion": version, "capabilities": {}, "clientInfo": {"name": "windows-host", "version": "1.0"}}},
    {"jsonrpc": "2.0", "method": "notifications/initialized"},
    {"jsonrpc": "2.0", "id": 2, "method": "tools/list"},
]
env = {"PATH": os.environ.get("PATH", ""), "HOME": tempfile.mkdtemp(), "PORT": "18987"}
process = subprocess.Popen([exe, "mcp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, text=True)
results = {}
for request in requests:
    process.stdin.write(json.dumps(request) + "\n")
    process.stdin.flush()
    if "id" not in request:
        continue
    while request["id"] not in results:
        message = json.loads(process.stdout.readline())
        if "id" in message:
            results[message["id"]] = message["result"]
process.stdin.close()
process.wait(timeout=10)

meta = {"com.microsoft.windows": {"static_responses": {"initialize": results[1], "tools/list": results[2]}}}
block = "\n".join("  " + line for line in json.dumps(meta, indent=2, ensure_ascii=False).split("\n")).lstrip()
start = text.find('\n  "_meta": ')
if start >= 0:
    body = text[:start].rstrip()
    if body.endswith(","):
        body = body[:-1]
else:
    body = text.rstrip()[:-1].rstrip()
updated = body + ',\n  "_meta": ' + block + "\n}\n"
json.loads(updated)
open(manifest_path, "w", encoding="utf-8").write(updated)
print("manifest.json: static_responses updated from", exe)
