// Where test/real-server/setup.sh installs llama-server (the same rule as the script).
import { homedir } from 'node:os';
import { join } from 'node:path';

export function cacheRoot(): string {
  return join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'claude-openai-proxy');
}

export function llamaHome(): string {
  return process.env.CLAUDE_PROXY_LLAMA_HOME ?? join(cacheRoot(), 'llama-server-sid');
}
