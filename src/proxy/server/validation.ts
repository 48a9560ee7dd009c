// zod parse failures -> a 400 that names the offending field.
import type { ZodMiniType } from 'zod/mini';
import { invalidRequest } from '../errors';

/** No real request nests this deep; recursive code on the way (JSON.stringify in the SDK and in
 *  the token counter) overflows the stack at some thousands of levels, which would be a 500. */
export const MAX_NESTING = 256;

export function parseOrThrow<T>(schema: ZodMiniType<T>, input: unknown): T {
  if (nestedDeeperThan(input, MAX_NESTING)) throw invalidRequest(`body: nested more than ${MAX_NESTING} levels deep`);
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.slice(0, 3).map((issue) => {
    const field = issue.path.length > 0 ? issue.path.join('.') : 'body';
    return `${field}: ${issue.message}`;
  });
  throw invalidRequest(problems.join('; '));
}

/** Walks the parsed JSON without recursion. */
function nestedDeeperThan(input: unknown, limit: number): boolean {
  if (input === null || typeof input !== 'object') return false;
  const values: unknown[] = [input];
  const depths: number[] = [1];
  while (values.length > 0) {
    const value = values.pop() as object;
    const depth = depths.pop()!;
    if (depth > limit) return true;
    for (const child of Array.isArray(value) ? value : Object.values(value)) {
      if (child !== null && typeof child === 'object') {
        values.push(child);
        depths.push(depth + 1);
      }
    }
  }
  return false;
}
