// PDF document blocks over HTTP: sent as files where the route takes them (the strict fake checks
// the file parts), a clear 400 where it does not.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { post, sseEvents, startHarness, testRoutes, type Harness } from '../helpers/harness';

let h: Harness;
before(async () => {
  h = await startHarness({
    routes: { routes: [...testRoutes.routes, { name: 'claude-local', model: 'gpt-4.1', api: 'chat', files: false }] },
  });
});
after(async () => { await h.close(); });

const PDF_BASE64 = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Page >> endobj\n%%EOF\n', 'latin1').toString('base64');
const pdfDocument = { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: PDF_BASE64 }, title: 'report' };
const urlDocument = { type: 'document', source: { type: 'url', url: 'https://example.com/report.pdf' } };
const ask = (model: string, document: object, extra: Record<string, unknown> = {}) =>
  ({ model, max_tokens: 100, messages: [{ role: 'user', content: [document, { type: 'text', text: 'Summarise it.' }] }], ...extra });

test('a base64 PDF reaches both APIs as a file part the strict fake accepts, streamed and not', async () => {
  const cases = [
    { model: 'claude-haiku-4-5', filePart: (body: any) => body.messages.at(-1).content[0], expected: { type: 'file', file: { filename: 'report.pdf', file_data: `data:application/pdf;base64,${PDF_BASE64}` } } },
    { model: 'claude-sonnet-4-5', filePart: (body: any) => body.input.at(-1).content[0], expected: { type: 'input_file', filename: 'report.pdf', file_data: `data:application/pdf;base64,${PDF_BASE64}` } },
  ];
  for (const { model, filePart, expected } of cases) {
    h.fake.script({ kind: 'text', chunks: ['A short report.'] });
    const whole = await post(h.url, '/v1/messages', ask(model, pdfDocument));
    assert.equal(whole.status, 200, `${model}: ${await whole.clone().text()}`);
    assert.equal(((await whole.json()) as any).content[0].text, 'A short report.');
    assert.deepEqual(filePart(h.fake.requests.at(-1)!.body), expected, model);

    h.fake.script({ kind: 'text', chunks: ['Streamed ', 'summary.'] });
    const events = await sseEvents(await post(h.url, '/v1/messages', ask(model, pdfDocument, { stream: true })));
    assert.equal(events.at(-1)!.event, 'message_stop', model);
  }
});

test('a PDF by URL goes to the Responses API as file_url; Chat Completions, which cannot fetch it, gets a clear 400', async () => {
  h.fake.script({ kind: 'text', chunks: ['Fetched.'] });
  const responses = await post(h.url, '/v1/messages', ask('claude-sonnet-4-5', urlDocument));
  assert.equal(responses.status, 200);
  assert.deepEqual(h.fake.requests.at(-1)!.body.input.at(-1).content[0], { type: 'input_file', file_url: 'https://example.com/report.pdf' });

  const before = h.fake.requests.length;
  const chat = await post(h.url, '/v1/messages', ask('claude-haiku-4-5', urlDocument));
  assert.equal(chat.status, 400);
  const error = ((await chat.json()) as any).error;
  assert.equal(error.type, 'invalid_request_error');
  assert.match(error.message, /document given by URL cannot be sent on a Chat Completions route/);
  assert.equal(h.fake.requests.length, before, 'nothing sent upstream');
});

test('a route whose server takes no files answers a PDF with a 400 naming the route, before calling upstream', async () => {
  const before = h.fake.requests.length;
  for (const document of [pdfDocument, urlDocument]) {
    const response = await post(h.url, '/v1/messages', ask('claude-local', document, { stream: true }));
    assert.equal(response.status, 400, 'refused before any stream starts');
    const error = ((await response.json()) as any).error;
    assert.equal(error.type, 'invalid_request_error');
    assert.match(error.message, /^messages\.0\.content\.0: route "claude-local" \(gpt-4\.1\) does not take files/);
  }
  assert.equal(h.fake.requests.length, before, 'nothing sent upstream');

  // Text documents are plain text for any route.
  h.fake.script({ kind: 'text', chunks: ['Read.'] });
  const text = await post(h.url, '/v1/messages', ask('claude-local', { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'Meeting notes.' } }));
  assert.equal(text.status, 200);
});

test('a document of a type neither API takes is a 400 naming the field', async () => {
  const response = await post(h.url, '/v1/messages', ask('claude-sonnet-4-5', { type: 'document', source: { type: 'base64', media_type: 'application/msword', data: 'AAAA' } }));
  assert.equal(response.status, 400);
  const error = ((await response.json()) as any).error;
  assert.equal(error.type, 'invalid_request_error');
  assert.match(error.message, /^messages\.0\.content\.0\.source\.media_type: documents of type application\/msword are not supported/);
});
