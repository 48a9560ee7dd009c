// The tiny model without llama-server: the GGUF file read back field by field, and the hand-set
// weights run through the llama forward pass (RMS norm, one RoPE attention head, output layer)
// on the prompts the chat template makes, to check the three behaviours the real-server tests
// rely on. The real server runs the same file in claude-code.test.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chatTemplate, tinyModel } from './model/tiny-model';
import { loadVocabulary, SPECIAL_TOKENS } from './model/vocabulary';
import { AFTER_TOOL_REPLY, EMBEDDING, PLAIN_REPLY, ROPE_BASE } from './model/weights';

interface Parsed { version: number; metadata: Map<string, unknown>; tensors: Map<string, { dims: number[]; data: Float32Array }> }

function parseGguf(file: Buffer): Parsed {
  let at = 0;
  const u32 = () => { at += 4; return file.readUInt32LE(at - 4); };
  const u64 = () => { at += 8; return Number(file.readBigUInt64LE(at - 8)); };
  const string = () => { const length = u64(); at += length; return file.toString('utf8', at - length, at); };
  const value = (type: number): unknown => {
    switch (type) {
      case 4: return u32();
      case 5: at += 4; return file.readInt32LE(at - 4);
      case 6: at += 4; return file.readFloatLE(at - 4);
      case 7: at += 1; return file[at - 1] === 1;
      case 8: return string();
      case 9: { const inner = u32(); return Array.from({ length: u64() }, () => value(inner)); }
      default: throw new Error(`value type ${type} at ${at}`);
    }
  };
  assert.equal(file.toString('ascii', 0, 4), 'GGUF');
  at = 4;
  const version = u32();
  const tensorCount = u64();
  const metadataCount = u64();
  const metadata = new Map<string, unknown>();
  for (let i = 0; i < metadataCount; i += 1) { const key = string(); metadata.set(key, value(u32())); }
  const infos = Array.from({ length: tensorCount }, () => {
    const name = string();
    const dims = Array.from({ length: u32() }, u64);
    assert.equal(u32(), 0, `${name} is f32`);
    return { name, dims, offset: u64() };
  });
  const dataStart = Math.ceil(at / 32) * 32;
  const tensors = new Map(infos.map(({ name, dims, offset }) => {
    assert.equal(offset % 32, 0, `${name} is aligned`);
    const length = dims.reduce((a, b) => a * b, 1);
    const bytes = file.subarray(dataStart + offset, dataStart + offset + length * 4);
    assert.equal(bytes.length, length * 4, `${name} lies inside the file`);
    return [name, { dims, data: new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length)) }];
  }));
  return { version, metadata, tensors };
}

const vocabulary = loadVocabulary();
const model = parseGguf(tinyModel());

test('the GGUF reads back: v3, llama metadata, a vocabulary as long as the embedding, the chat template', () => {
  assert.equal(model.version, 3);
  assert.equal(model.metadata.get('general.architecture'), 'llama');
  const tokens = model.metadata.get('tokenizer.ggml.tokens') as string[];
  assert.equal(tokens.length, (model.metadata.get('tokenizer.ggml.token_type') as number[]).length);
  assert.equal(tokens.length, model.metadata.get('llama.vocab_size'));
  assert.deepEqual(model.tensors.get('token_embd.weight')!.dims, [EMBEDDING, tokens.length]);
  assert.equal(tokens[model.metadata.get('tokenizer.ggml.eos_token_id') as number], '<|im_end|>');
  assert.equal((model.metadata.get('tokenizer.ggml.merges') as string[])[0], 'Ġ t');
  assert.equal(model.metadata.get('tokenizer.chat_template'), chatTemplate());
  assert.ok(Math.abs((model.metadata.get('llama.rope.freq_base') as number) / ROPE_BASE - 1) < 1e-6);
});

/** Prompt text to ids: the special tokens whole, the rest split as the model's vocabulary allows. */
function tokenize(text: string): number[] {
  const specials = Object.values(SPECIAL_TOKENS).map((special) => special.text.replace(/[|[\]]/g, '\\$&'));
  return text.split(new RegExp(`(${specials.join('|')})`)).filter(Boolean)
    .flatMap((piece) => (specials.some((special) => new RegExp(`^${special}$`).test(piece)) ? [vocabulary.id(piece)] : vocabulary.split(piece)));
}

const weight = (name: string) => model.tensors.get(name)!.data;
const rmsNorm = (x: Float32Array, gain: Float32Array) => {
  const scale = 1 / Math.sqrt(x.reduce((sum, v) => sum + v * v, 0) / x.length + 1e-5);
  return x.map((v, i) => v * scale * gain[i]);
};
const matVec = (matrix: Float32Array, x: Float32Array, rows: number) =>
  Float32Array.from({ length: rows }, (_, row) => x.reduce((sum, v, i) => sum + v * matrix[row * x.length + i], 0));
const rope = (x: Float32Array, position: number) => {
  const out = Float32Array.from(x);
  for (let i = 0; i < x.length; i += 2) {
    const angle = position * ROPE_BASE ** (-i / x.length);
    out[i] = x[i] * Math.cos(angle) - x[i + 1] * Math.sin(angle);
    out[i + 1] = x[i] * Math.sin(angle) + x[i + 1] * Math.cos(angle);
  }
  return out;
};

/** Greedy decoding with llama's forward pass (the feed-forward weights are zero and left out). */
function generate(prompt: number[], limit = 20): number[] {
  const embedding = weight('token_embd.weight');
  const size = vocabulary.tokens.length;
  const keys: Float32Array[] = [];
  const values: Float32Array[] = [];
  const sequence = [...prompt];
  const out: number[] = [];
  for (let position = 0; out.length < limit; position += 1) {
    const x = embedding.slice(sequence[position] * EMBEDDING, (sequence[position] + 1) * EMBEDDING);
    const normed = rmsNorm(x, weight('blk.0.attn_norm.weight'));
    const query = rope(matVec(weight('blk.0.attn_q.weight'), normed, EMBEDDING), position);
    keys.push(rope(matVec(weight('blk.0.attn_k.weight'), normed, EMBEDDING), position));
    values.push(matVec(weight('blk.0.attn_v.weight'), normed, EMBEDDING));
    const scores = keys.map((key) => key.reduce((sum, k, i) => sum + k * query[i], 0) / Math.sqrt(EMBEDDING));
    const top = Math.max(...scores);
    const shares = scores.map((score) => Math.exp(score - top));
    const total = shares.reduce((a, b) => a + b, 0);
    const attended = Float32Array.from({ length: EMBEDDING }, (_, i) => values.reduce((sum, value, j) => sum + value[i] * shares[j] / total, 0));
    if (position < sequence.length - 1) continue;
    const attentionOut = matVec(weight('blk.0.attn_output.weight'), attended, EMBEDDING);
    const residual = x.map((v, i) => v + attentionOut[i]);
    const logits = matVec(weight('output.weight'), rmsNorm(residual, weight('output_norm.weight')), size);
    const next = logits.indexOf(Math.max(...logits));
    out.push(next);
    if (next === vocabulary.id('<|im_end|>')) break;
    sequence.push(next);
  }
  return out;
}

const text = (ids: number[]) => ids.map((id) => vocabulary.tokens[id]).join('').replace(/Ġ/g, ' ');
const system = (tools: boolean) => `<|im_start|>system\nBe brief.${tools ? '\n\n# Tools\n<tools>\n{"name": "Bash"}\n</tools>' : ''}<|im_end|>\n`;
const user = '<|im_start|>user\nlist the files<|im_end|>\n';
const call = '<|im_start|>assistant\n<tool_call>\n{"name": "Bash", "arguments": {"command": "ls"}}\n</tool_call><|im_end|>\n';
const result = '<|im_start|>user\n<tool_response>\na.txt\n</tool_response><|im_end|>\n';
const reply = '<|im_start|>assistant\n';

test('no tools offered: the plain reply, then the end of the turn', () => {
  assert.equal(text(generate(tokenize(system(false) + user + reply))), `${PLAIN_REPLY}<|im_end|>`);
});

test('tools offered, no result yet: a tool call starts', () => {
  assert.deepEqual(generate(tokenize(system(true) + user + reply), 2).map((id) => vocabulary.tokens[id]), ['<tool_call>', 'Ċ']);
});

test('a tool result in the prompt: the reply after a tool, however long the conversation', () => {
  const long = `<|im_start|>user\n${'more words here '.repeat(50)}<|im_end|>\n`;
  assert.equal(text(generate(tokenize(system(true) + user + call + result + reply))), `${AFTER_TOOL_REPLY}<|im_end|>`);
  assert.equal(text(generate(tokenize(system(true) + long + user + call + result + long + reply))), `${AFTER_TOOL_REPLY}<|im_end|>`);
});
