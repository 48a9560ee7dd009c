// Added latency, non-streaming: pairs of requests, one through the hop and one direct,
// alternating which goes first; the figure is the distribution of the per-pair difference.
import { post, summarize, type Reply } from '../lib';
import { startFetchProxy, startPassthrough, type Bench } from '../processes';
import type { PairedCase, Requests } from '../requests';
import { log } from '../settings';
import { eventLoopDuring } from './thread';

/** Pairs of requests, one through the hop (the proxy unless `viaHop` says otherwise), one direct. */
export async function paired(bench: Bench, list: PairedCase[], pairs: number, viaHop = (item: PairedCase) => post(bench.proxied, '/v1/messages', item.proxied)) {
  const diffs: number[] = [];
  const p: number[] = [];
  const d: number[] = [];
  let errors = 0;
  for (let i = 0; i < pairs; i++) {
    const item = list[i % list.length];
    const runProxied = () => viaHop(item);
    const runDirect = () => post(bench.direct, item.direct.path, item.direct.body);
    // alternate which side goes first, so that neither always runs on a warmer machine
    let a: Reply;
    let b: Reply;
    if (i % 2 === 0) {
      a = await runProxied();
      b = await runDirect();
    } else {
      b = await runDirect();
      a = await runProxied();
    }
    if (a.status !== 200 || b.status !== 200) errors++;
    p.push(a.ms);
    d.push(b.ms);
    diffs.push(a.ms - b.ms);
  }
  return { pairs, errors, added: summarize(diffs), proxied: summarize(p), direct: summarize(d) };
}

export async function measureLatency(bench: Bench, requests: Requests) {
  const { smallChat, smallResponses, largeCases } = requests;
  log('latency: small non-streaming, 300 pairs per API');
  const latencySmallChat = await paired(bench, [smallChat], 300);
  const latencySmallResponses = await paired(bench, [smallResponses], 300);
  // The same small Chat request through the do-nothing pipe: what any extra Node hop costs.
  const { piped } = await startPassthrough(bench.fake);
  const latencySmallChatPassthrough = await paired(bench, [smallChat], 300, (item) => post(piped, item.direct.path, item.direct.body));
  log('latency: Claude Code requests (01, 02, 03; 76-115 KB, 24 tools), 300 pairs');
  const large = await eventLoopDuring(bench, () => paired(bench, largeCases, 300));
  const latencyLarge = {
    ...large.result,
    bodies: largeCases.map((c) => ({ file: c.file, anthropicBytes: c.proxied.length, openaiBytes: c.direct.body.length, path: c.direct.path })),
  };
  log('latency: the same through the proxy over Node\'s fetch (the transport inside VS Code), 150 + 60 pairs');
  const { viaFetch } = await startFetchProxy(bench);
  const overFetch = (item: PairedCase) => post(viaFetch, '/v1/messages', item.proxied);
  for (const item of [smallChat, ...largeCases, smallChat]) await overFetch(item); // its first calls load undici and the SDK
  const latencyViaFetch = { smallChat: await paired(bench, [smallChat], 150, overFetch), large: await paired(bench, largeCases, 60, overFetch) };
  return {
    figures: { latencySmallChat, latencySmallResponses, latencySmallChatPassthrough, latencyLarge, latencyViaFetch },
    held: large.held,
  };
}
