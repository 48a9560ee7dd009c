// Small helpers for reading requests and writing JSON answers.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AnthropicError } from '../errors';

export async function readJsonBody(request: IncomingMessage, limitBytes: number): Promise<unknown> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limitBytes) throw tooLarge(limitBytes);
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of request) {
      size += (chunk as Buffer).length;
      if (size > limitBytes) throw tooLarge(limitBytes);
      chunks.push(chunk as Buffer);
    }
  } catch (error) {
    if (error instanceof AnthropicError) throw error;
    throw new AnthropicError('invalid_request_error', 'The request body was not received completely');
  }
  const text = chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') throw new AnthropicError('invalid_request_error', 'The request body is empty; a JSON object is required');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new AnthropicError('invalid_request_error', `The request body is not valid JSON: ${(error as Error).message}`);
  }
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
