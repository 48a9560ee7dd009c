// A stream lasts seconds to minutes. The parsed request (a Claude Code request is 100 KB and
// more) must not stay reachable while it runs: held across a long stream it is promoted to V8's
// old generation, and under concurrent streams the heap grows by hundreds of MB (bench/README.md).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { messagesRequest } from '../../src/proxy/anthropic/schema';
import { capturedMessageRequests } from '../helpers/fixtures';
import { collectGarbage } from '../helpers/gc';
import { post, startHarness, type Harness } from '../helpers/harness';

let h: Harness;
const parsed: WeakRef<object>[] = [];
const originalSafeParse = messagesRequest.safeParse.bind(messagesRequest);

before(async () => {
  // Every request the proxy validates, watched without being held.
  (messagesRequest as { safeParse: unknown }).safeParse = (...args: Parameters<typeof originalSafeParse>) => {
    const result = originalSafeParse(...args);
    if (result.success) parsed.push(new WeakRef(result.data));
    return result;
  };
  h = await startHarness();
});
after(async () => {
  (messagesRequest as { safeParse: unknown }).safeParse = originalSafeParse;
  await h.close();
});

for (const model of ['claude-sonnet-4-5', 'claude-haiku-4-5']) {
  test(`${model}: while a Claude Code request streams, its parsed request can be collected`, async () => {
    const capture = capturedMessageRequests().find((c) => c.body.tools?.length >= 20)!;
    h.fake.script({ kind: 'text', chunks: ['one ', 'two ', 'three ', 'four'], delayMs: 250 });
    parsed.length = 0;
    const response = await post(h.url, '/v1/messages', { ...capture.body, model, stream: true });
    assert.equal(response.status, 200);
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const readUntil = async (pattern: RegExp) => {
      while (!pattern.test(text)) {
        const { done, value } = await reader.read();
        if (done) return;
        text += decoder.decode(value, { stream: true });
      }
    };
    await readUntil(/"text":"one "/); // mid-stream: three chunks still to come
    assert.equal(parsed.length, 1, 'the proxy validated the request once');
    await collectGarbage();
    assert.equal(parsed[0].deref(), undefined, 'the parsed request is still reachable while the stream runs');
    assert.doesNotMatch(text, /message_stop/, 'checked while the stream was still running');
    await readUntil(/event: message_stop/);
    assert.match(text, /"text":"four"/, 'the stream still ends normally');
  });
}
