// Drives the gateway's Responses route (claude-gpt-5.4) with an official Anthropic SDK: tools and thinking,
// non-streamed and streamed, each followed by the tool_result turn an application sends back.
// Usage: node sdk-responses.mjs <gateway URL> <SDK package name>
// Prints one JSON object with what the SDK saw; exits non-zero on any SDK error.
const [, , baseURL, sdkPackage] = process.argv;
const { default: Anthropic } = await import(sdkPackage);
const client = new Anthropic({ baseURL, apiKey: 'dummy-claude-model-proxy', maxRetries: 0 });
const model = 'claude-gpt-5.4';
const thinking = { type: 'enabled', budget_tokens: 4096 };
const tools = [{
  name: 'get_weather',
  description: 'Current weather for a city',
  input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
}];
const question = { role: 'user', content: 'weather in Paris and Rome?' };

function followUp(turn) {
  return [
    question,
    { role: 'assistant', content: turn.content },
    {
      role: 'user',
      content: turn.content.filter((b) => b.type === 'tool_use')
        .map((b) => ({ type: 'tool_result', tool_use_id: b.id, content: `18°C and sunny in ${b.input.city}` })),
    },
  ];
}

function describe(turn) {
  return {
    types: turn.content.map((b) => b.type),
    thinking: turn.content.find((b) => b.type === 'thinking')?.thinking,
    signature: turn.content.find((b) => b.type === 'thinking')?.signature,
    tools: turn.content.filter((b) => b.type === 'tool_use').map((b) => ({ id: b.id, name: b.name, input: b.input })),
    stop: turn.stop_reason,
    usage: turn.usage,
  };
}

const plainTurn = await client.messages.create({ model, max_tokens: 8192, thinking, tools, messages: [question] });
const plainAnswer = await client.messages.create({ model, max_tokens: 8192, thinking, tools, messages: followUp(plainTurn) });

const stream = client.messages.stream({ model, max_tokens: 8192, thinking, tools, messages: [question] });
let streamedThinking = '';
stream.on('thinking', (delta) => { streamedThinking += delta; });
const streamedTurn = await stream.finalMessage();
const answerStream = client.messages.stream({ model, max_tokens: 8192, thinking, tools, messages: followUp(streamedTurn) });
const streamedAnswer = await answerStream.finalMessage();

console.log(JSON.stringify({
  plain: describe(plainTurn),
  plainAnswer: plainAnswer.content.find((b) => b.type === 'text')?.text,
  streamed: { ...describe(streamedTurn), thinkingEvents: streamedThinking },
  streamedAnswer: streamedAnswer.content.find((b) => b.type === 'text')?.text,
}));
