// Small helpers for reading requests and writing JSON answers.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AnthropicError } from '../anthropic/errors';

/** Reads a whole body. Plain 'data' / 'end' listeners rather than `for await`: the stream's async
 *  iterator costs promises per chunk, and a 100 KB Claude Code body arrives in several chunks. */
export function readBody(request: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limitBytes) return Promise.reject(tooLarge(limitBytes));
  if (request.destroyed) return Promise.reject(incomplete());
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (error?: AnthropicError) => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('close', onIncomplete);
      // An error emitted later must not become an uncaught one, so an 'error' listener stays; but
      // not this one: the request lives as long as its answer (a stream: minutes), and this
      // listener's closure would keep the chunks and the body in memory all that time.
      request.off('error', onIncomplete);
      request.on('error', ignoreLateError);
      if (error) reject(error);
      else resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) {
        // The rest of the body is discarded (the stream keeps flowing with no listener), so
        // that the 413 still reaches the client; the socket is not cut.
        finish(tooLarge(limitBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => finish();
    const onIncomplete = () => finish(incomplete());
    request.on('data', onData);
    request.once('end', onEnd);
    request.once('error', onIncomplete);
    request.once('close', onIncomplete);
    if (request.readableEnded) finish(); // already read to the end elsewhere: an empty body
  });
}

function ignoreLateError(): void {}

export function parseJson(body: Buffer): unknown {
  const text = body.toString('utf8');
  if (text.trim() === '') throw new AnthropicError('invalid_request_error', 'The request body is empty; a JSON object is required');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new AnthropicError('invalid_request_error', `The request body is not valid JSON: ${(error as Error).message}`);
  }
}

function incomplete(): AnthropicError {
  return new AnthropicError('invalid_request_error', 'The request body was not received completely');
}

function tooLarge(limitBytes: number): AnthropicError {
  return new AnthropicError('request_too_large', `The request body exceeds the proxy's limit of ${limitBytes} bytes`);
}

export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (response.headersSent) return;
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  response.end(text);
}

export function sendError(response: ServerResponse, error: AnthropicError): void {
  sendJson(response, error.status, error.toBody(), error.headers);
}
