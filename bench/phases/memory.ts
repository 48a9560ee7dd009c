// Memory: the proxy's RSS under the load one user makes, 16 concurrent Claude Code streams (main
// agent and subagents: captures 01, 03, 07, 11), then 30 s of recovery; then under 64 streams of
// captures 01 and 03, and how fast it comes back. Answers of 20 chunks 20 ms apart, 3 s of load
// each. The thread probe watches both loads.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { json, now, post, rssMb, sampleRss, sleep } from '../lib';
import type { Bench } from '../processes';
import type { Requests } from '../requests';
import { AFTER_16_MS, AFTER_LOAD_MS, FIXTURES, log, SMALL_ANSWER } from '../settings';
import { eventLoopDuring } from './thread';

/** The captures streamed by the 16 clients: the main agent (01, 03, 11) and a subagent (07). */
export const STREAMS16_FILES = ['01-p-hello-default-opus-stream.json', '03-p-model-haiku-thinking-budget.json', '07-subagent-explore-haiku.json', '11-p-hello-opus-5-5-deferred-tools.json'];

export async function measureMemory(bench: Bench, requests: Requests, idleMb: number) {
  await bench.fake.rpc.call('default', { answer: { kind: 'text', chunks: Array.from({ length: 20 }, (_, i) => `token${i} `), delayMs: 20 } });

  // 16 streams first, on a proxy that has seen only the warm-up: the load of one user.
  log(`memory: 16 concurrent streams (fixtures 01, 03, 07, 11), then up to ${(AFTER_16_MS / 1000).toFixed(0)} s of recovery`);
  const mixed = STREAMS16_FILES.map((file) => json((JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')) as { body: unknown }).body));
  const baseline = rssMb(bench.pid);
  const sixteen = await streamsAndRecovery(bench, mixed, 16, AFTER_16_MS, baseline);

  log('memory: 64 concurrent streams (fixtures 01 and 03, 20 chunks 20 ms apart)');
  const heavy = [json(requests.fixtures[0].body), json(requests.fixtures[2].body)];
  // Measured from the same baseline as the 16 (the proxy after the warm-up), as this figure was
  // before the 16 streams came first: what the 16 left behind counts here too.
  const beforeThisLoadMb = rssMb(bench.pid);
  const sixtyFour = await streamsAndRecovery(bench, heavy, 64, AFTER_LOAD_MS, baseline);

  const memory = {
    idleMb,
    // the 64 streams, under the keys they have always had
    beforeLoadMb: sixtyFour.beforeLoadMb,
    streams64: { ...sixtyFour.run, beforeThisLoadMb },
    afterMb: sixtyFour.afterMb,
    backWithin10MbAfterS: sixtyFour.backWithin10MbAfterS,
    // the 16 streams (issue 13's target: <= +40 MB, within 10 MB of before 30 s after)
    streams16: {
      ...sixteen.run,
      files: STREAMS16_FILES,
      bodyKb: mixed.map((body) => body.length / 1024),
      beforeLoadMb: sixteen.beforeLoadMb,
      afterMb: sixteen.afterMb,
      backWithin10MbAfterS: sixteen.backWithin10MbAfterS,
      waitedMs: AFTER_16_MS,
    },
  };
  await bench.fake.rpc.call('default', { answer: SMALL_ANSWER });
  return { memory, held16: sixteen.held, held64: sixtyFour.held };
}

/**
 * `clients` streams for 3 s with the probe on, RSS sampled every 50 ms, then the recovery:
 * both against `beforeLoadMb`.
 */
async function streamsAndRecovery(bench: Bench, bodies: Buffer[], clients: number, waitMs: number, beforeLoadMb: number) {
  const rssDuring = sampleRss(bench.pid, 50);
  const { result, held } = await eventLoopDuring(bench, () => streamFor3Seconds(bench, bodies, clients));
  const during = rssDuring.stop();
  const after = await rssAfterLoad(bench.pid, beforeLoadMb, waitMs);
  const at = (seconds: number) => after.samples.filter((sample) => sample.s <= seconds + 0.01).at(-1)?.mb ?? after.samples.at(-1)?.mb;
  return {
    beforeLoadMb,
    run: { ...result, peakMb: Math.max(...during), addedPeakMb: Math.max(...during) - beforeLoadMb },
    afterMb: { '1s': at(1), '3s': at(3), last: after.samples.at(-1)?.mb, lastAtS: after.samples.at(-1)?.s },
    backWithin10MbAfterS: after.backAfterS,
    held,
  };
}

/** `clients` clients streaming the bodies in turn for 3 s; counts the answers that reached message_stop. */
async function streamFor3Seconds(bench: Bench, bodies: Buffer[], clients: number) {
  const deadline = now() + 3000;
  let next = 0;
  let ok = 0;
  let errors = 0;
  let firstError: string | undefined;
  await Promise.all(Array.from({ length: clients }, async () => {
    while (now() < deadline) {
      try {
        const reply = await post(bench.proxied, '/v1/messages', bodies[next++ % bodies.length], { timeoutMs: 20000 });
        if (reply.status === 200 && reply.text.includes('event: message_stop')) ok++;
        else {
          errors++;
          firstError ??= `${reply.status} ${reply.text.slice(0, 200)}`;
        }
      } catch (error) {
        errors++;
        firstError ??= (error as Error).message;
      }
    }
  }));
  if (firstError) log(`  ${clients} streams: ${errors} errors, first: ${firstError}`);
  return { ok, errors };
}

/**
 * RSS after the load, sampled every 250 ms until it is back within 10 MB of the level before
 * it, or `waitMs` have passed (see bench/README.md: after 64 streams it does not come back).
 */
async function rssAfterLoad(pid: number, beforeLoad: number, waitMs: number) {
  const started = now();
  const samples: { s: number; mb: number }[] = [];
  let backAfterS: number | null = null;
  while (now() - started < waitMs) {
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
