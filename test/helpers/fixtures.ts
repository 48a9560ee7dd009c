// The captured Claude Code requests (test/fixtures/claude-code), loaded for tests.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CapturedRequest {
  file: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body: any;
}

const folder = join(__dirname, '..', 'fixtures', 'claude-code');

export function capturedRequests(): CapturedRequest[] {
  return readdirSync(folder)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => ({ file, ...JSON.parse(readFileSync(join(folder, file), 'utf8')) }));
}

export function capturedMessageRequests(): CapturedRequest[] {
  return capturedRequests().filter((request) => request.url.startsWith('/v1/messages?'));
}
