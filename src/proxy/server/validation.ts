// zod parse failures -> a 400 that names the offending field.
import type { core, ZodMiniType } from 'zod/mini';
import { invalidRequest } from '../anthropic/errors';

/** No real request nests this deep; recursive code on the way (JSON.stringify in the SDK and in
 *  the token counter) overflows the stack at some thousands of levels, which would be a 500. */
export const MAX_NESTING = 256;

export function parseOrThrow<T>(schema: ZodMiniType<T>, input: unknown): T {
  if (nestedDeeperThan(input, MAX_NESTING)) throw invalidRequest(`body: nested more than ${MAX_NESTING} levels deep`);
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.flatMap((issue) => problemsOf(issue, [], input)).slice(0, 3);
  throw invalidRequest(problems.map(({ path, text }) => `${path.length > 0 ? path.join('.') : 'body'}: ${text}`).join('; '));
}

type Path = readonly PropertyKey[];
interface Problem { path: Path; text: string }

/** What to report for one issue, with paths from the body's root. A union's own "Invalid input"
 *  says nothing: it is replaced by the problems of the branch that fits the value. */
function problemsOf(issue: core.$ZodIssue, at: Path, input: unknown): Problem[] {
  const path = [...at, ...issue.path];
  if (issue.code !== 'invalid_union') return [{ path, text: issue.message.replace(/^Invalid input: /, '') }];
  if (issue.discriminator !== undefined && issue.errors.length === 0 && 'options' in issue) {
    return [{ path, text: unknownTypeText(path, valueAt(input, path), issue.options ?? []) }];
  }
  // A branch that failed on the value's own type is an alternative the value is not (a string
  // where an array came); the one it is failed deeper, and says why.
  const fitting = issue.errors.filter((branch) => !branch.every((inner) => inner.code === 'invalid_type' && inner.path.length === 0));
  if (fitting.length === 0) {
    const expected = issue.errors.flat().map((inner) => (inner as core.$ZodIssueInvalidType).expected);
    return [{ path, text: `expected ${expected.join(' or ')}, received ${kindOf(valueAt(input, path))}` }];
  }
  const deepest = fitting.reduce((best, branch) => (depth(branch) > depth(best) ? branch : best));
  return deepest.flatMap((inner) => problemsOf(inner, path, input));
}

/** `unknown block type "foo" (expected text, image)`: "block" for an element of a list, else the field's name. */
function unknownTypeText(path: Path, value: unknown, options: readonly unknown[]): string {
  const owner = path.at(-2);
  const what = owner === undefined ? 'type' : typeof owner === 'number' ? 'block type' : `${String(owner)} type`;
  const expected = `(expected ${options.join(', ')})`;
  return value === undefined ? `${what} missing ${expected}` : `unknown ${what} ${JSON.stringify(value)} ${expected}`;
}

function depth(branch: core.$ZodIssue[]): number {
  return Math.max(...branch.map((inner) => inner.path.length));
}

function valueAt(input: unknown, path: Path): unknown {
  let value = input;
  for (const key of path) value = value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  return value;
}

function kindOf(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
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
