// Drives the real `claude-model-proxy mcp` over stdio with the official MCP TypeScript client, which
// validates a tool's structuredContent against its outputSchema (callTool throws when they disagree).
// Usage: node mcp-status-client.mjs <executable> <gateway URL> <model to request once before the call>
// Prints one JSON object: the tools list and the call result. The environment is passed to the server.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

const [, , executable, gatewayUrl, model] = process.argv;
const transport = new StdioClientTransport({ command: executable, args: ['mcp'], env: { ...process.env }, stderr: 'ignore' });
const client = new Client({ name: 'claude-model-proxy-tests', version: '1.0.0' });
await client.connect(transport);
const tools = await client.listTools();
const reply = await fetch(`${gatewayUrl}/v1/messages`, {
  method: 'POST',
  headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'x-claude-code-session-id': 'session-from-mcp-test' },
  body: JSON.stringify({ model, max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }),
});
await reply.text();
// The gateway counts a request just after its reply is written: ask until the failure shows (at most 5 s).
let result;
for (let attempt = 0; attempt < 50; attempt++) {
  result = await client.callTool({ name: 'model_proxy_status', arguments: {} });
  if (result.structuredContent?.lastFailure) break;
  await new Promise((resolve) => setTimeout(resolve, 100));
}
await client.close();
console.log(JSON.stringify({ tools, result, gatewayStatus: reply.status }));
