// The proxy logs through this interface: the CLI prints to stderr, the extension writes to its
// LogOutputChannel. Messages never hold secrets; `redact` is a last guard for text that came
// from elsewhere (upstream error messages).
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'off';
const order: LogLevel[] = ['debug', 'info', 'warn', 'error', 'off'];

export function consoleLogger(level: LogLevel, write: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): Logger {
  const enabled = (wanted: LogLevel) => order.indexOf(wanted) >= order.indexOf(level);
  const at = (wanted: LogLevel) => (message: string) => {
    if (enabled(wanted)) write(`${new Date().toISOString()} ${wanted.toUpperCase()} ${message}`);
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** Wraps a logger so that the given secrets never reach it, whatever the message. */
export function redactingLogger(inner: Logger, secrets: () => (string | undefined)[]): Logger {
  const clean = (message: string) => redact(message, secrets());
  return {
    debug: (message) => inner.debug(clean(message)),
    info: (message) => inner.info(clean(message)),
    warn: (message) => inner.warn(clean(message)),
    error: (message) => inner.error(clean(message)),
  };
}

/** Removes each secret (of 8 characters or more), whole and as keys are shown masked: its last
 *  4 characters after mask characters, e.g. OpenAI's "sk-proj-****abcd" or "sk-...abcd". */
export function redact(text: string, secrets: (string | undefined)[]): string {
  let result = text;
  for (const secret of secrets) {
    if (!secret || secret.length < 8) continue;
    result = result.split(secret).join('[redacted]');
    result = redactMasked(result, secret.slice(-4));
  }
  return result;
}

const MASK = new Set(['*', '•', '…', '.']);
const WORD_END = new Set([' ', '\t', '\n', '\r', '"', "'", '`']);

/** Replaces "<non-space prefix><mask characters><tail>" with [redacted]; linear in the text. */
function redactMasked(text: string, tail: string): string {
  let result = '';
  let copied = 0;
  for (let at = text.indexOf(tail); at !== -1; at = text.indexOf(tail, at + tail.length)) {
    let start = at;
    while (start > copied && MASK.has(text[start - 1])) start--;
    const masks = at - start;
    if (masks === 0 || (masks < 2 && text[at - 1] === '.')) continue; // "x.abcd" is not a mask
    while (start > copied && !WORD_END.has(text[start - 1])) start--;
    result += `${text.slice(copied, start)}[redacted]`;
    copied = at + tail.length;
  }
  return copied === 0 ? text : result + text.slice(copied);
}
