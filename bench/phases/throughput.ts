// Throughput: concurrency 16 and 64, small answers, streamed and not, BENCH_SECONDS per side in
// 1 s slices alternating direct / proxied / pass-through (and, for whole answers at
// concurrency 16, the reference hops) so that a change in machine load hits them all; CPU time
// per request of each process from /proc.
import { readFileSync } from 'node:fs';
import { endpoint, json, now, post, rssMb, sampleRss, summarize, type Endpoint, type StartedProxy } from '../lib';
import { startFetchProxy, startMinimalTranslator, startPassthrough, type Bench } from '../processes';
import { equivalent, small, type PairedCase, type Requests } from '../requests';
import { CCR_RECORDED_SHARE, log, SECONDS, SMALL_ANSWER } from '../settings';

type ReferenceHop = { name: string; label: string; hop: StartedProxy; target: Endpoint };
type Hops = { passthrough: StartedProxy; piped: Endpoint; referenceHops: ReferenceHop[] };
type LoadResult = Awaited<ReturnType<typeof load>>;
/** CPU ms (user + system) spent per side by each process: the load generator, the fake, the hop */
type CpuSpent = Record<string, Record<string, number>>;

/** `concurrency` clients sending `body` back to back for `seconds`. */
async function load(target: Endpoint, path: string, body: Buffer, concurrency: number, seconds: number, stream: boolean) {
  const deadline = now() + seconds * 1000;
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const done = stream ? /event: message_stop|data: \[DONE\]|response\.completed/ : null;
  const worker = async () => {
    while (now() < deadline) {
      try {
        const reply = await post(target, path, body, { timeoutMs: 20000 });
        if (reply.status === 200 && (!done || done.test(reply.text))) latencies.push(reply.ms);
        else {
          errors++;
          firstError ??= `${reply.status} ${reply.text.slice(0, 200)}`;
        }
      } catch (error) {
        errors++;
        firstError ??= (error as Error).message;
      }
    }
  };
  const started = now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = (now() - started) / 1000;
  return { requests: latencies.length, errors, firstError, rps: latencies.length / elapsed, seconds: elapsed, latencies };
}

function merge(list: LoadResult[]) {
  const latencies = list.flatMap((item) => item.latencies);
  const seconds = list.reduce((sum, item) => sum + item.seconds, 0);
  return {
    requests: latencies.length,
    errors: list.reduce((sum, item) => sum + item.errors, 0),
    firstError: list.find((item) => item.firstError)?.firstError,
    rps: latencies.length / seconds,
    latencyMs: summarize(latencies),
  };
}

function perRequest(spent: Record<string, number>, requests: number): Record<string, number> {
  return Object.fromEntries(Object.entries(spent).map(([name, ms]) => [name, ms / Math.max(1, requests)]));
}

/** CPU time (user + system) of a process in ms, from /proc (10 ms resolution). */
function cpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

/** Runs `run` and adds the CPU time the load generator, the fake and the hop spent to `side`. */
async function measureCpu<T>(spent: Record<string, number>, fakePid: number, hopPid: number | undefined, run: () => Promise<T>): Promise<T> {
  const before = { client: cpuMs(process.pid), fake: cpuMs(fakePid), hop: hopPid ? cpuMs(hopPid) : 0 };
  const result = await run();
  spent.client += cpuMs(process.pid) - before.client;
  spent.fake += cpuMs(fakePid) - before.fake;
  if (hopPid) spent.hop += cpuMs(hopPid) - before.hop;
  return result;
}

/**
 * More reference hops, for whole answers at concurrency 16 only (the bench must stay under two
 * minutes): the two minimal translators and the proxy over Node's fetch (the path inside VS Code).
 */
async function startReferenceHops(bench: Bench): Promise<ReferenceHop[]> {
  const referenceHops: ReferenceHop[] = await Promise.all((['node-http', 'openai-sdk'] as const).map(async (client) => {
    const hop = await startMinimalTranslator(bench.fake, client);
    return { name: client, label: `minimal translator over ${client}`, hop, target: endpoint(hop.url, {}) };
  }));
  const { fetchProxy, viaFetch } = await startFetchProxy(bench);
  referenceHops.push({ name: 'proxy-over-fetch', label: 'the proxy over Node\'s fetch (as in VS Code)', hop: fetchProxy, target: viaFetch });
  return referenceHops;
}

/** One configuration's slices, alternating the sides, with the CPU each side cost. */
async function runSlices(bench: Bench, hops: Hops, body: PairedCase, concurrency: number, stream: boolean) {
  const { direct, proxied, pid, fake } = bench;
  const withReferences = !stream && concurrency === 16;
  const references = withReferences ? hops.referenceHops : [];
  const slices: Record<string, LoadResult[]> = { direct: [], proxied: [], passthrough: [] };
  const cpu: CpuSpent = { direct: { client: 0, fake: 0 }, proxied: { client: 0, fake: 0, hop: 0 }, passthrough: { client: 0, fake: 0, hop: 0 } };
  for (const { name } of hops.referenceHops) {
    cpu[name] = { client: 0, fake: 0, hop: 0 };
    slices[name] = [];
  }
  const slice = (side: string, hopPid: number | undefined, target: Endpoint, path: string, bytes: Buffer) =>
    measureCpu(cpu[side], fake.pid, hopPid, () => load(target, path, bytes, concurrency, 1, stream)).then((result) => slices[side].push(result));
  for (let n = 0; n < Math.max(1, Math.round(SECONDS)); n++) {
    await slice('direct', undefined, direct, body.direct.path, body.direct.body);
    await slice('proxied', pid, proxied, '/v1/messages', body.proxied);
    await slice('passthrough', hops.passthrough.child.pid, hops.piped, body.direct.path, body.direct.body);
    for (const { name, hop, target } of references) await slice(name, hop.child.pid, target, '/v1/messages', body.proxied);
  }
  return { slices, cpu, withReferences };
}

/** Measures one configuration and returns its entry of `throughput` in the JSON, and the proxy's RSS samples. */
async function measureConfiguration(bench: Bench, hops: Hops, body: PairedCase, concurrency: number, stream: boolean) {
  const rss = sampleRss(bench.pid, 100);
  const { slices, cpu, withReferences } = await runSlices(bench, hops, body, concurrency, stream);
  const samples = rss.stop();
  const d = merge(slices.direct);
  const p = merge(slices.proxied);
  const r = merge(slices.passthrough);
  const references = withReferences
    ? Object.fromEntries(hops.referenceHops.map(({ name }) => {
      const m = merge(slices[name]);
      return [name, { rps: m.rps, ratio: m.rps / d.rps, errors: m.errors, hopCpuMsPerRequest: cpu[name].hop / Math.max(1, m.requests) }];
    }))
    : undefined;
  const entry = {
    stream, concurrency, seconds: SECONDS,
    direct: d, proxied: p, passthrough: r, ratio: p.rps / d.rps, passthroughRatio: r.rps / d.rps,
    proxyCpuMsPerRequest: cpu.proxied.hop / Math.max(1, p.requests),
    cpuMsPerRequest: {
      direct: perRequest(cpu.direct, d.requests),
      proxied: perRequest(cpu.proxied, p.requests),
      passthrough: perRequest(cpu.passthrough, r.requests),
    },
    proxyRssPeakMb: Math.max(...samples),
    ...(references ? { referenceHops: references } : {}),
    // issue 13: the proxy's rate against the minimal translator through the SDK, same slices
    ...(references ? { shareOfSdkTranslator: p.rps / references['openai-sdk'].rps } : {}),
    // issue 13: the share of direct against claude-code-router's recorded share (not measured here)
    timesCcrRecordedShare: p.rps / d.rps / CCR_RECORDED_SHARE,
  };
  return { entry, samples };
}

function logConfiguration(entry: Awaited<ReturnType<typeof measureConfiguration>>['entry'], referenceHops: ReferenceHop[]): void {
  const { direct: d, proxied: p, passthrough: r } = entry;
  const cpuLine = (name: string, side: 'direct' | 'proxied' | 'passthrough') =>
    `${name} ${Object.entries(entry.cpuMsPerRequest[side]).map(([who, ms]) => `${who} ${ms.toFixed(3)}`).join(' ')}`;
  log(`  ${entry.stream ? 'stream' : 'whole '} c=${entry.concurrency}: direct ${d.rps.toFixed(0)}/s, proxied ${p.rps.toFixed(0)}/s (${((p.rps / d.rps) * 100).toFixed(0)}%), pass-through ${r.rps.toFixed(0)}/s (${((r.rps / d.rps) * 100).toFixed(0)}%), errors ${d.errors}/${p.errors}/${r.errors}`);
  log(`    CPU ms per request: ${cpuLine('direct', 'direct')} | ${cpuLine('proxied', 'proxied')} | ${cpuLine('pass-through', 'passthrough')}`);
  for (const { name, label } of entry.referenceHops ? referenceHops : []) {
    const m = entry.referenceHops![name];
    log(`    ${label}: ${m.rps.toFixed(0)}/s (${(m.ratio * 100).toFixed(0)}%), hop CPU ${m.hopCpuMsPerRequest.toFixed(3)} ms per request, errors ${m.errors}`);
  }
  if (entry.shareOfSdkTranslator !== undefined) log(`    the proxy at ${(entry.shareOfSdkTranslator * 100).toFixed(0)}% of the minimal translator through the SDK`);
}

/** Starts the hops and gives every side one warm-up second at concurrency 16. */
async function startAndWarmUp(bench: Bench, requests: Requests): Promise<Hops> {
  const { smallChat } = requests;
  const { passthrough, piped } = await startPassthrough(bench.fake);
  const referenceHops = await startReferenceHops(bench);
  for (const { target } of referenceHops) await load(target, '/v1/messages', smallChat.proxied, 16, 1, false);
  log(`throughput: concurrency 16 and 64, ${SECONDS} s per side, in 1 s slices alternating direct / proxied / pass-through (and the reference hops, whole c=16)`);
  await load(bench.direct, smallChat.direct.path, smallChat.direct.body, 16, 1, false);
  await load(bench.proxied, '/v1/messages', smallChat.proxied, 16, 1, false);
  await load(piped, smallChat.direct.path, smallChat.direct.body, 16, 1, false);
  return { passthrough, piped, referenceHops };
}

export async function measureThroughput(bench: Bench, requests: Requests) {
  await bench.fake.rpc.call('default', { answer: SMALL_ANSWER });
  const chatStreamBody = json({ ...small('claude-haiku-4-5'), stream: true });
  const chatStream: PairedCase = { proxied: chatStreamBody, direct: await equivalent(bench, chatStreamBody) };
  const hops = await startAndWarmUp(bench, requests);
  const throughput = [];
  let peakMb = 0;
  for (const stream of [false, true]) {
    for (const concurrency of [16, 64]) {
      const { entry, samples } = await measureConfiguration(bench, hops, stream ? chatStream : requests.smallChat, concurrency, stream);
      peakMb = Math.max(peakMb, ...samples);
      throughput.push(entry);
      logConfiguration(entry, hops.referenceHops);
    }
  }
  await hops.passthrough.stop();
  // The fetch proxy stays for later phases; stopAll stops it at the end.
  const { fetchProxy } = await startFetchProxy(bench);
  await Promise.all(hops.referenceHops.filter(({ hop }) => hop !== fetchProxy).map(({ hop }) => hop.stop()));
  return { throughput, throughputRss: { peakMb, afterMb: rssMb(bench.pid) } };
}
