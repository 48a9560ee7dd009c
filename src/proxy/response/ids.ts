import { randomBytes } from 'node:crypto';

export function randomMessageId(): string {
  return `msg_${randomBytes(12).toString('base64url')}`;
}

/** For servers that stream a tool call without an id. */
export function randomToolId(): string {
  return `toolu_${randomBytes(12).toString('base64url')}`;
}
