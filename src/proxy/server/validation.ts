// zod parse failures -> a 400 that names the offending field.
import type { ZodType } from 'zod';
import { invalidRequest } from '../errors';

export function parseOrThrow<T>(schema: ZodType<T>, input: unknown): T {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.slice(0, 3).map((issue) => {
    const field = issue.path.length > 0 ? issue.path.join('.') : 'body';
    return `${field}: ${issue.message}`;
  });
  throw invalidRequest(problems.join('; '));
}
