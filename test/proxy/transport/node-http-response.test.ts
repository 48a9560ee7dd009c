// The light Response that node-http-fetch gives the openai SDK, checked against what Node's own
// fetch Response does with the same answer.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bodyChunks, NodeHttpResponse, ResponseHeaders } from '../../../src/proxy/transport/node-http-response';
import { withFetchServer } from '../../helpers/fetch-server';

const RAW_HEADER_LISTS: string[][] = [
  ['Content-Type', 'application/json', 'X-Request-Id', 'req_1'],
  ['x-b', '2', 'X-A', '1', 'x-b', '3', 'Set-Cookie', 'a=1', 'set-cookie', 'b=2', 'Retry-After', '7'],
  [],
];

test('ResponseHeaders reads, combines and iterates as a fetch Response\'s headers do', () => {
  for (const raw of RAW_HEADER_LISTS) {
    const pairs: [string, string][] = [];
    for (let i = 0; i < raw.length; i += 2) pairs.push([raw[i], raw[i + 1]]);
    const expected = new Response(null, { headers: pairs }).headers;
    const ours = new ResponseHeaders(raw);
    assert.deepEqual([...ours], [...expected], `iteration of ${raw.join(' ')}`);
    assert.deepEqual([...ours.entries()], [...expected.entries()]);
    assert.deepEqual([...ours.keys()], [...expected.keys()]);
    assert.deepEqual([...ours.values()], [...expected.values()]);
    assert.deepEqual(ours.getSetCookie(), expected.getSetCookie());
    for (const name of ['content-type', 'CONTENT-TYPE', 'x-b', 'X-A', 'set-cookie', 'retry-after', 'absent']) {
      assert.equal(ours.get(name), expected.get(name), `get(${name})`);
      assert.equal(ours.has(name), expected.has(name), `has(${name})`);
    }
    const seen: string[] = [];
    ours.forEach((value, name) => seen.push(`${name}=${value}`));
    const wanted: string[] = [];
    expected.forEach((value, name) => wanted.push(`${name}=${value}`));
    assert.deepEqual(seen, wanted);
    // Another Headers can be built from it, as from a fetch Response's headers.
    assert.deepEqual([...new Headers(ours)], [...expected]);
  }
});

test('ResponseHeaders are read-only and show no own properties (the SDK\'s debug log lists them)', () => {
  const headers = new ResponseHeaders(['Authorization-Echo', 'secret', 'X-Request-Id', 'req_1']);
  assert.throws(() => headers.set(), TypeError);
  assert.throws(() => headers.append(), TypeError);
  assert.throws(() => headers.delete(), TypeError);
  assert.deepEqual(Object.entries(headers), []);
  assert.equal(headers.get('x-request-id'), 'req_1');
});

const BIG = Buffer.alloc(1_000_000, 'é'); // a multi-byte character split across chunk edges

test('text(), json(), arrayBuffer() and bytes() read the body as Node\'s own fetch does, BOM and all', async () => {
  await withFetchServer(({ url = '/' }, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    if (url === '/bom') res.end(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":"ü"}')]));
    else if (url === '/big') {
      res.write(BIG.subarray(0, 300_001));
      setTimeout(() => res.end(BIG.subarray(300_001)), 10);
    } else res.end('{"a":[1,2]}');
  }, async (url, fetch) => {
    for (const path of ['/bom', '/big', '/plain']) {
      const [ours, node] = await Promise.all([fetch(`${url}${path}`), globalThis.fetch(`${url}${path}`)]);
      assert.ok(ours instanceof NodeHttpResponse);
      assert.equal(ours.ok, true);
      assert.equal(ours.status, node.status);
      assert.equal(ours.statusText, node.statusText);
      assert.equal(await ours.text(), await node.text(), path);
      assert.equal(ours.bodyUsed, true);
      await assert.rejects(ours.text(), TypeError, 'a body is read once');
    }
    assert.deepEqual(await (await fetch(`${url}/plain`)).json(), { a: [1, 2] });
    const bytes = await (await fetch(`${url}/big`)).arrayBuffer();
    assert.ok(Buffer.from(bytes).equals(BIG));
    assert.deepEqual([...await (await fetch(`${url}/bom`) as NodeHttpResponse).bytes()].slice(0, 3), [0xef, 0xbb, 0xbf]);
  });
});

test('chunks() hands over each chunk as it arrives; stopping early closes the connection', async () => {
  let release: (() => void) | undefined;
  await withFetchServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write('one');
    release = () => res.write('two');
  }, async (url, fetch, sockets) => {
    const response = await fetch(`${url}/stream`);
    const chunks = bodyChunks(response) as AsyncIterableIterator<Uint8Array>;
    assert.equal(Buffer.from((await chunks.next()).value).toString(), 'one');
    const next = chunks.next();
    release!();
    assert.equal(Buffer.from((await next).value).toString(), 'two', 'the second chunk comes when it is sent');
    await chunks.return!();
    const deadline = Date.now() + 1000;
    while (sockets.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal(sockets.size, 0, 'the connection is closed');
    assert.throws(() => (response as NodeHttpResponse).chunks(), TypeError, 'the body was taken');
  });
});

test('bodyChunks of another fetch\'s Response is its web stream; an answer without a body has none', async () => {
  const other = new Response('x');
  assert.equal(bodyChunks(other), other.body);
  await withFetchServer((_req, res) => {
    res.writeHead(204);
    res.end();
  }, async (url, fetch) => {
    const response = await fetch(url, { method: 'POST', body: '{}' });
    assert.equal(response.status, 204);
    assert.equal(response.body, null);
    assert.equal(await response.text(), '');
  });
});

test('a large body read slowly is held back at the socket, not queued whole in memory', async () => {
  await withFetchServer((_req, res) => {
    res.writeHead(200);
    res.end(Buffer.alloc(8_000_000, 'x'));
  }, async (url, fetch) => {
    const response = await fetch(url) as NodeHttpResponse;
    const chunks = response.chunks();
    let received = (await chunks.next()).value!.length;
    await new Promise((resolve) => setTimeout(resolve, 100)); // the server has sent it all by now
    const queued = (response as unknown as { source: { queuedBytes: number } }).source.queuedBytes;
    assert.ok(queued < 1_000_000, `${queued} bytes queued while nobody read`);
    for (;;) {
      const next = await chunks.next();
      if (next.done) break;
      received += next.value.length;
    }
    assert.equal(received, 8_000_000);
  });
});
