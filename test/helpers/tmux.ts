// A terminal program under tmux, for tests of Claude Code's interactive UI: keys in, the screen
// out, waits bounded. Each session has its own tmux server (socket in a temporary folder).
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Why the tmux tests cannot run here, or undefined when they can. */
export function tmuxMissing(): string | undefined {
  try {
    execFileSync('tmux', ['-V'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return 'tmux is not installed (apt-get install -y tmux): the interactive Claude Code test is skipped';
  }
}

export interface TmuxSession {
  screen(): Promise<string>;
  /** Types text as it is (no key names). */
  type(text: string): Promise<void>;
  /** Presses keys by tmux name: Enter, Down, Escape… */
  press(...keys: string[]): Promise<void>;
  /** Polls the screen until `check` passes; fails after timeoutMs with the last screen. */
  waitFor(what: string, check: (screen: string) => boolean, timeoutMs?: number): Promise<string>;
  close(): Promise<void>;
}

export async function startTmux(command: string[], options: { cwd: string; env: Record<string, string>; width?: number; height?: number }): Promise<TmuxSession> {
  const socket = join(mkdtempSync(join(tmpdir(), 'tmux-')), 'socket');
  const tmux = (...args: string[]) => run('tmux', ['-S', socket, ...args], { encoding: 'utf8' });
  // `env -i`: the program sees only the variables given, not the test runner's.
  const env = ['env', '-i', ...Object.entries(options.env).map(([name, value]) => `${name}=${value}`)];
  await tmux('new-session', '-d', '-s', 'test', '-x', String(options.width ?? 160), '-y', String(options.height ?? 50), '-c', options.cwd, ...env, ...command);
  const session: TmuxSession = {
    screen: async () => (await tmux('capture-pane', '-p', '-t', 'test')).stdout,
    type: async (text) => void await tmux('send-keys', '-t', 'test', '-l', text),
    press: async (...keys) => void await tmux('send-keys', '-t', 'test', ...keys),
    async waitFor(what, check, timeoutMs = 20000) {
      const deadline = Date.now() + timeoutMs;
      let screen = '';
      while (Date.now() < deadline) {
        screen = await session.screen().catch(() => screen);
        if (check(screen)) return screen;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; the screen:\n${screen}`);
    },
    close: async () => void await tmux('kill-server').catch(() => undefined),
  };
  return session;
}
