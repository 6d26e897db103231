// Drives the gateway with an official Anthropic SDK, the way an application would.
// Usage: node sdk-roundtrip.mjs <gateway URL> <SDK package name>
// Prints one JSON object with what the SDK saw; exits non-zero on any SDK error.
const [, , baseURL, sdkPackage] = process.argv;
const { default: Anthropic } = await import(sdkPackage);
const client = new Anthropic({ baseURL, apiKey: 'dummy-claude-model-proxy', maxRetries: 0 });
const model = 'claude-gpt-5.4';
const tools = [{
  name: 'get_weather',
  description: 'Current weather for a city',
  input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
}];

const plain = await client.messages.create({ model, max_tokens: 100, messages: [{ role: 'user', content: 'say hello' }] });

const textStream = client.messages.stream({ model, max_tokens: 100, messages: [{ role: 'user', content: 'stream hello' }] });
let streamedText = '';
textStream.on('text', (delta) => { streamedText += delta; });
const streamed = await textStream.finalMessage();

const toolStream = client.messages.stream({ model, max_tokens: 100, tools, messages: [{ role: 'user', content: 'weather in Paris?' }] });
const toolTurn = await toolStream.finalMessage();
const toolUse = toolTurn.content.find((block) => block.type === 'tool_use');

const answer = await client.messages.create({
  model, max_tokens: 100, tools,
  messages: [
    { role: 'user', content: 'weather in Paris?' },
    { role: 'assistant', content: toolTurn.content },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: toolUse.id, content: '18°C and sunny' }] },
  ],
});

const reasoning = await client.messages.create({
  model, max_tokens: 2000, thinking: { type: 'enabled', budget_tokens: 1024 },
  messages: [{ role: 'user', content: 'think about it' }],
});

console.log(JSON.stringify({
  plain: { model: plain.model, text: plain.content.find((b) => b.type === 'text')?.text, stop: plain.stop_reason },
  streamed: { text: streamedText, final: streamed.content.find((b) => b.type === 'text')?.text, stop: streamed.stop_reason, outputTokens: streamed.usage.output_tokens },
  tool: { name: toolUse.name, id: toolUse.id, input: toolUse.input, stop: toolTurn.stop_reason },
  answer: { text: answer.content.find((b) => b.type === 'text')?.text },
  reasoning: { types: reasoning.content.map((b) => b.type), thinking: reasoning.content.find((b) => b.type === 'thinking')?.thinking },
}));
