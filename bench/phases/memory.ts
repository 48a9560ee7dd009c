// Memory: the proxy's RSS under 64 concurrent streams of real Claude Code requests (captures 01
// and 03, answers of 20 chunks 20 ms apart, 3 s), then how fast it comes back.
import { json, now, post, rssMb, sampleRss, sleep } from '../lib';
import type { Bench } from '../processes';
import type { Requests } from '../requests';
import { AFTER_LOAD_MS, log, SMALL_ANSWER } from '../settings';
import { eventLoopDuring } from './thread';

export async function measureMemory(bench: Bench, requests: Requests, idleMb: number) {
  log('memory: 64 concurrent streams (fixtures 01 and 03, 20 chunks 20 ms apart)');
  await bench.fake.rpc.call('default', { answer: { kind: 'text', chunks: Array.from({ length: 20 }, (_, i) => `token${i} `), delayMs: 20 } });
  const beforeLoad = rssMb(bench.pid);
  const heavy = [json(requests.fixtures[0].body), json(requests.fixtures[2].body)];
  const rssDuring = sampleRss(bench.pid, 50);
  const { result: heavyRun, held } = await eventLoopDuring(bench, () => streamFor3Seconds(bench, heavy));
  const during = rssDuring.stop();
  const after = await rssAfterLoad(bench.pid, beforeLoad);
  const at = (seconds: number) => after.samples.filter((sample) => sample.s <= seconds + 0.01).at(-1)?.mb ?? after.samples.at(-1)?.mb;
  const memory = {
    idleMb,
    beforeLoadMb: beforeLoad,
    streams64: { ...heavyRun, peakMb: Math.max(...during), addedPeakMb: Math.max(...during) - beforeLoad },
    afterMb: { '1s': at(1), '3s': at(3), last: after.samples.at(-1)?.mb, lastAtS: after.samples.at(-1)?.s },
    backWithin10MbAfterS: after.backAfterS,
  };
  await bench.fake.rpc.call('default', { answer: SMALL_ANSWER });
  return { memory, held };
}

/** 64 clients streaming the bodies in turn for 3 s; counts the answers that reached message_stop. */
async function streamFor3Seconds(bench: Bench, bodies: Buffer[]) {
  const deadline = now() + 3000;
  let next = 0;
  let ok = 0;
  let errors = 0;
  await Promise.all(Array.from({ length: 64 }, async () => {
    while (now() < deadline) {
      try {
        const reply = await post(bench.proxied, '/v1/messages', bodies[next++ % bodies.length], { timeoutMs: 20000 });
        if (reply.status === 200 && reply.text.includes('event: message_stop')) ok++;
        else errors++;
      } catch {
        errors++;
      }
    }
  }));
  return { ok, errors };
}

/**
 * RSS after the load, sampled every 250 ms until it is back within 10 MB of the level before
 * it, or AFTER_LOAD_MS (default 12 s) have passed (see bench/README.md: it does not come back).
 */
async function rssAfterLoad(pid: number, beforeLoad: number) {
  const started = now();
  const samples: { s: number; mb: number }[] = [];
  let backAfterS: number | null = null;
  while (now() - started < AFTER_LOAD_MS) {
    await sleep(250);
    const mb = rssMb(pid);
    samples.push({ s: (now() - started) / 1000, mb });
    if (mb <= beforeLoad + 10) {
      backAfterS = (now() - started) / 1000;
      break;
    }
  }
  return { samples, backAfterS };
}
