// The least an Anthropic endpoint must answer for the Claude Code CLI to go on: a text turn, or a
// Bash tool_use turn, streamed (SSE) or whole, as the request asks.

export const TOOL_COMMAND = 'echo captured';

/** A Bash call when the request offers Bash and holds no tool result yet; text otherwise. */
export function answerFor(body, { toolRoundTrip }) {
  const offersBash = Array.isArray(body.tools) && body.tools.some((tool) => tool.name === 'Bash');
  const hasResult = JSON.stringify(body.messages ?? []).includes('"tool_result"');
  if (toolRoundTrip && offersBash && !hasResult) {
    return { type: 'tool_use', id: 'toolu_capture_01', name: 'Bash', input: { command: TOOL_COMMAND, description: 'Print a word' } };
  }
  // A call asking for JSON (the session title) gets JSON of its schema's shape.
  const schema = body.output_config?.format?.schema;
  return { type: 'text', text: schema ? JSON.stringify(sampleOf(schema)) : 'Hello from the capture server.' };
}

export function wholeMessage(body, block) {
  return {
    id: 'msg_capture_01', type: 'message', role: 'assistant', model: body.model, content: [block],
    stop_reason: block.type === 'tool_use' ? 'tool_use' : 'end_turn', stop_sequence: null,
    usage: { input_tokens: 10, output_tokens: 5 },
  };
}

export function sseEvents(body, block) {
  const { content: _, ...message } = wholeMessage(body, block);
  const start = block.type === 'tool_use' ? { ...block, input: {} } : { type: 'text', text: '' };
  const delta = block.type === 'tool_use'
    ? { type: 'input_json_delta', partial_json: JSON.stringify(block.input) }
    : { type: 'text_delta', text: block.text };
  /** @type {[string, object][]} */
  const events = [
    ['message_start', { type: 'message_start', message: { ...message, content: [], stop_reason: null, usage: { input_tokens: 10, output_tokens: 1 } } }],
    ['content_block_start', { type: 'content_block_start', index: 0, content_block: start }],
    ['content_block_delta', { type: 'content_block_delta', index: 0, delta }],
    ['content_block_stop', { type: 'content_block_stop', index: 0 }],
    ['message_delta', { type: 'message_delta', delta: { stop_reason: message.stop_reason, stop_sequence: null }, usage: { output_tokens: 5 } }],
    ['message_stop', { type: 'message_stop' }],
  ];
  return events.map(([event, data]) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`).join('');
}

/** The smallest value of a JSON schema's shape: its required properties filled in. */
function sampleOf(schema) {
  if (schema.const !== undefined) return schema.const;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  switch (schema.type) {
    case 'object':
      return Object.fromEntries((schema.required ?? []).map((name) => [name, sampleOf(schema.properties?.[name] ?? {})]));
    case 'array': return [];
    case 'boolean': return false;
    case 'number': case 'integer': return 0;
    default: return 'Capture';
  }
}
