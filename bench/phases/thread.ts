// How long the proxy holds its thread (inside VS Code: the extension host's, shared by every
// extension): bench/event-loop-probe.cjs, switched on and off by SIGUSR2, reports how late a
// 1 ms timer ran there in between.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { sleep } from '../lib';
import type { Bench } from '../processes';

export type ThreadHeld = { samples: number; p50: number; p99: number; max: number };

/** Runs `work` while the proxy's probe watches its event loop. */
export async function eventLoopDuring<T>(bench: Bench, work: () => Promise<T>): Promise<{ result: T; held: ThreadHeld }> {
  const { pid, eventLoopFile } = bench;
  rmSync(eventLoopFile, { force: true });
  process.kill(pid, 'SIGUSR2');
  await sleep(20);
  const result = await work();
  process.kill(pid, 'SIGUSR2');
  for (let waited = 0; !existsSync(eventLoopFile); waited += 10) {
    if (waited > 3000) throw new Error('the proxy\'s event-loop probe wrote nothing in 3 s');
    await sleep(10);
  }
  const held = JSON.parse(readFileSync(eventLoopFile, 'utf8')) as ThreadHeld;
  rmSync(eventLoopFile, { force: true });
  return { result, held };
}
