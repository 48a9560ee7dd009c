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

export function redact(text: string, secrets: (string | undefined)[]): string {
  let result = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 8) result = result.split(secret).join('[redacted]');
  }
  return result;
}
