// The tiny model's weights, set by hand rather than trained. One layer, one attention head,
// no feed-forward (all zero). What each part does:
//   - the embedding of most tokens is a constant; a few tokens get a dimension of their own;
//   - the one head attends only to the markers <tools> (tools offered) and <tool_response> (a
//     tool result) and writes into two dimensions what share of them are which;
//   - the output layer reads a bigram from the token's own dimension (each token of a fixed
//     reply says which comes next), a fixed preference from the constant (closing JSON
//     quotes and brackets first: under llama-server's tool-call grammar the arguments come out
//     minimal and short), and, after "assistant\n", the choice between a tool call (tools
//     offered, no result yet), the reply after a tool result, and the plain reply.
import { SPECIAL_TOKENS, type Vocabulary } from './vocabulary';
import type { Tensor } from './gguf';

export const EMBEDDING = 32;
export const FEED_FORWARD = 32;
export const PLAIN_REPLY = 'Hello from the tiny model.';
export const AFTER_TOOL_REPLY = 'The tool has answered.';
/** The command of every tool call the model makes (a Bash call runs it). */
export const TOOL_COMMAND = 'ls';

const CONSTANT = 0;
const MARK_TOOLS = 1;
const MARK_RESULT = 2;
const SEEN_TOOLS = 3;
const SEEN_RESULT = 4;
const FIRST_OWN = 5;
/** RoPE's slowest-turning pair: with the huge base below it turns by well under a milliradian
 *  over 100k positions, so that the marker scores do not depend on distance. */
const ROPE_PAIR = EMBEDDING - 2;
export const ROPE_BASE = 1e10;

const BIGRAM = 10;
const DECISION = 12;

export function weights(vocabulary: Vocabulary): Tensor[] {
  const size = vocabulary.tokens.length;
  const embedding = new Float32Array(size * EMBEDDING);
  const output = new Float32Array(size * EMBEDDING);
  const id = vocabulary.id;
  const out = (token: number, dim: number, value: number) => { output[token * EMBEDDING + dim] += value; };

  for (let token = 0; token < size; token += 1) embedding[token * EMBEDDING + CONSTANT] = 1;
  embedding[id(SPECIAL_TOKENS.tools.text) * EMBEDDING + MARK_TOOLS] = 1;
  embedding[id(SPECIAL_TOKENS.toolResponse.text) * EMBEDDING + MARK_RESULT] = 1;

  // Tokens with a dimension of their own, and which token each one calls for next.
  const next = new Map<number, number[]>();
  const follow = (token: number, ...after: number[]) => {
    const before = next.get(token);
    if (before && before.join() !== after.join()) throw new Error(`token ${vocabulary.tokens[token]} would have two successors`);
    next.set(token, after);
  };
  const imEnd = id(SPECIAL_TOKENS.imEnd.text);
  const toolCall = id(SPECIAL_TOKENS.toolCall.text);
  const chain = (tokens: number[]) => tokens.forEach((token, index) => follow(token, tokens[index + 1] ?? imEnd));
  const plain = vocabulary.split(PLAIN_REPLY);
  const afterTool = vocabulary.split(AFTER_TOOL_REPLY);
  const lineFeed = id('Ċ');
  follow(lineFeed, plain[0], afterTool[0], toolCall);
  chain(plain);
  chain(afterTool);
  // llama-server's grammar starts at "<tool_call>\n"; the line feed then asks for a tool call
  // again, which the grammar no longer allows: the preference below takes over.
  follow(toolCall, lineFeed);
  // Inside a tool call the grammar allows only JSON: the first string it leaves free, the
  // command, becomes TOOL_COMMAND; then the closing tag and the end of the turn.
  const quote = id('"');
  const command = vocabulary.split(TOOL_COMMAND);
  follow(quote, command[0]);
  command.forEach((token, index) => follow(token, command[index + 1] ?? quote));
  follow(id(SPECIAL_TOKENS.toolCallEnd.text), imEnd);

  let dim = FIRST_OWN;
  for (const [token, successors] of next) {
    if (dim >= ROPE_PAIR) throw new Error('more tokens with a role than dimensions');
    embedding[token * EMBEDDING + dim] = 1;
    for (const successor of successors) out(successor, dim, BIGRAM);
    dim += 1;
  }

  // After "assistant\n" all three starts get the same bigram; the markers decide.
  out(toolCall, SEEN_TOOLS, DECISION);
  out(toolCall, SEEN_RESULT, -DECISION);
  out(toolCall, CONSTANT, -DECISION / 2);
  out(afterTool[0], SEEN_RESULT, DECISION);
  out(afterTool[0], CONSTANT, -DECISION / 4);

  // The order JSON tokens are preferred in where the grammar leaves a choice: close first.
  const preference = ['}', ']', '"', SPECIAL_TOKENS.toolCallEnd.text, '{', '1', ':', ','];
  preference.forEach((token, rank) => out(id(token), CONSTANT, 2.5 - rank * 0.25));

  const square = () => new Float32Array(EMBEDDING * EMBEDDING);
  const set = (matrix: Float32Array, row: number, column: number, value: number) => { matrix[row * EMBEDDING + column] = value; };
  // Scores: a marker key meets every query through the constant, about 45 above any other key.
  const query = square();
  set(query, ROPE_PAIR, CONSTANT, 4);
  const key = square();
  set(key, ROPE_PAIR, MARK_TOOLS, 4);
  set(key, ROPE_PAIR, MARK_RESULT, 4);
  // Values: a marker's normalized dimension is 4 (two ones over 32 dimensions), read back as 1.
  const value = square();
  set(value, SEEN_TOOLS, MARK_TOOLS, 0.25);
  set(value, SEEN_RESULT, MARK_RESULT, 0.25);
  const attentionOut = square();
  set(attentionOut, SEEN_TOOLS, SEEN_TOOLS, 1);
  set(attentionOut, SEEN_RESULT, SEEN_RESULT, 1);

  const ones = new Float32Array(EMBEDDING).fill(1);
  const zeros = (length: number) => new Float32Array(length);
  return [
    { name: 'token_embd.weight', dims: [EMBEDDING, size], data: embedding },
    { name: 'blk.0.attn_norm.weight', dims: [EMBEDDING], data: ones },
    { name: 'blk.0.attn_q.weight', dims: [EMBEDDING, EMBEDDING], data: query },
    { name: 'blk.0.attn_k.weight', dims: [EMBEDDING, EMBEDDING], data: key },
    { name: 'blk.0.attn_v.weight', dims: [EMBEDDING, EMBEDDING], data: value },
    { name: 'blk.0.attn_output.weight', dims: [EMBEDDING, EMBEDDING], data: attentionOut },
    { name: 'blk.0.ffn_norm.weight', dims: [EMBEDDING], data: ones },
    { name: 'blk.0.ffn_gate.weight', dims: [EMBEDDING, FEED_FORWARD], data: zeros(EMBEDDING * FEED_FORWARD) },
    { name: 'blk.0.ffn_up.weight', dims: [EMBEDDING, FEED_FORWARD], data: zeros(EMBEDDING * FEED_FORWARD) },
    { name: 'blk.0.ffn_down.weight', dims: [FEED_FORWARD, EMBEDDING], data: zeros(EMBEDDING * FEED_FORWARD) },
    { name: 'output_norm.weight', dims: [EMBEDDING], data: ones },
    { name: 'output.weight', dims: [EMBEDDING, size], data: output },
  ];
}
