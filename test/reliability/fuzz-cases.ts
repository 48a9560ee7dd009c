// The fuzz cases of fuzz.test.ts: generated and mutated request bodies from a seeded PRNG.
import { capturedRequests } from '../helpers/fixtures';
import { prng } from '../helpers/reliability';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const BLOCK_TYPES = ['text', 'image', 'document', 'tool_use', 'tool_result', 'thinking', 'redacted_thinking', 'server_tool_use', 'search_result', '', 'TEXT'];

class Mutator {
  constructor(private readonly random: () => number) {}

  int(n: number): number { return Math.floor(this.random() * n); }
  pick<T>(values: readonly T[]): T { return values[this.int(values.length)]; }
  chance(p: number): boolean { return this.random() < p; }

  /** A random JSON value, up to `depth` levels. */
  value(depth = 3): Json {
    switch (this.int(depth > 0 ? 12 : 9)) {
      case 0: return null;
      case 1: return this.chance(0.5);
      case 2: return this.pick([0, -1, 1, 1.5, -0, 2 ** 31, 2 ** 53 + 2, 1e308, -1e308, 5e-324]);
      case 3: return this.pick(['', ' ', 'x', 'text', 'tool_use', 'user', 'assistant', 'auto', 'base64', 'claude-haiku-4-5', '\u0000', '\ud800', '\u202e', '🤖', '%s%n', '<|endoftext|>', '../../etc/passwd', 'null']);
      case 4: return 'w'.repeat(this.pick([64, 1000, 70000]));
      case 5: return this.int(1e9);
      case 6: return String(this.int(1e6));
      case 7: return [];
      case 8: return {};
      case 9: return Array.from({ length: this.int(4) }, () => this.value(depth - 1));
      case 10: {
        const object: Record<string, Json> = {};
        for (let i = this.int(4); i > 0; i--) object[this.pick(['type', 'text', 'content', 'role', 'name', 'input', 'source', 'data', '__proto__', 'constructor', 'id', 'x'])] = this.value(depth - 1);
        return object;
      }
      default: return { type: this.pick(BLOCK_TYPES) };
    }
  }

  /** Every [parent, key] pair in a JSON tree (bounded). */
  slots(root: Json): [Record<string, Json> | Json[], string | number][] {
    const found: [Record<string, Json> | Json[], string | number][] = [];
    const walk = (node: Json, depth: number) => {
      if (found.length > 4000 || depth > 12 || node === null || typeof node !== 'object') return;
      if (Array.isArray(node)) node.forEach((child, i) => { found.push([node, i]); walk(child, depth + 1); });
      else for (const key of Object.keys(node)) { found.push([node, key]); walk(node[key], depth + 1); }
    };
    walk(root, 0);
    return found;
  }

  /** Applies one mutation in place; returns what it did. */
  mutate(body: Record<string, Json>): string {
    const slots = this.slots(body);
    // Half the time aim at the top level, where the schema is.
    const [parent, key] = this.chance(0.4) ? [body, this.pick(Object.keys(body).length ? Object.keys(body) : ['model'])] as const : this.pick(slots.length ? slots : [[body, 'model'] as const]);
    const current = (parent as any)[key] as Json;
    const at = `${Array.isArray(parent) ? `[${key}]` : key}`;
    switch (this.int(11)) {
      case 0:
        if (Array.isArray(parent)) parent.splice(key as number, 1);
        else delete (parent as any)[key];
        return `delete ${at}`;
      case 1:
        (parent as any)[key] = this.value();
        return `retype ${at}`;
      case 2:
        (parent as any)[key] = this.chance(0.5) ? [current] : { value: current, type: typeof current === 'object' ? 'text' : String(current) };
        return `nest ${at}`;
      case 3: {
        // Move a value somewhere it does not belong.
        const [otherParent, otherKey] = this.pick(slots.length ? slots : [[body, 'system'] as const]);
        (otherParent as any)[otherKey] = current === undefined ? null : structuredClone(current); // a copy: no cycles
        return `move ${at} -> ${String(otherKey)}`;
      }
      case 4:
        if (typeof current === 'string') (parent as any)[key] = current.repeat(Math.max(1, Math.ceil(300000 / Math.max(1, current.length))));
        else if (Array.isArray(current) && current.length > 0) {
          const copies = Math.min(3000, Math.ceil(600000 / (JSON.stringify(current[0]) ?? 'null').length));
          (parent as any)[key] = Array.from({ length: copies }, () => structuredClone(current[0]));
        }
        else (parent as any)[key] = 'o'.repeat(300000);
        return `oversize ${at}`;
      case 5: {
        let deep: Json = current;
        for (let i = 0; i < this.pick([100, 300, 2000, 20000]); i++) deep = this.chance(0.5) ? [deep] : { a: deep };
        (parent as any)[key] = deep;
        return `deepen ${at}`;
      }
      case 6:
        if (current !== null && typeof current === 'object' && !Array.isArray(current)) (current as any).type = this.pick(BLOCK_TYPES);
        else (parent as any)[key] = { type: this.pick(BLOCK_TYPES) };
        return `type of ${at}`;
      case 7:
        (parent as any)[key] = this.pick([null, 0, -5, 1.5, 1e308, true, '', '100', [], {}]);
        return `edge value ${at}`;
      case 8:
        body[this.pick(['stream', 'max_tokens', 'model', 'messages', 'system', 'tools', 'tool_choice', 'thinking', 'stop_sequences', 'metadata', 'temperature', 'top_p', 'output_config'])] = this.value(2);
        return 'retype a top-level field';
      case 9:
        (parent as any)[key] = this.pick(['\ud800\udc00\ud800', '\u0000'.repeat(100), 'data:image/png;base64,iVBORw0KGgo=', 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAAB', '/9j/4AAQSkZJRgABAQ', 'R0lGODlh', 'UklGRiQAAABXRUJQVlA4', '=====', '{"session_id":5}']);
        return `odd string ${at}`;
      default: {
        // Own "__proto__" / "constructor" keys (as JSON.parse makes them), at the top and here.
        const target = current !== null && typeof current === 'object' && !Array.isArray(current) ? current : body;
        for (const object of [body, target]) {
          Object.defineProperty(object, '__proto__', { value: { polluted: true, type: 'text' }, enumerable: true, configurable: true, writable: true });
          (object as any).constructor = { prototype: { polluted: true } };
        }
        return `prototype keys at ${at}`;
      }
    }
  }
}

export interface Case { name: string; path: string; body: string | Buffer; headers?: Record<string, string> }

/** The cases, made one at a time in a fixed order (a few hundred MB if held at once). */
export function* makeCases(count: number, seed: number): Generator<Case> {
  const random = prng(seed);
  const m = new Mutator(random);
  const captured = capturedRequests();
  const small = (): Record<string, Json> => ({
    model: m.pick(['claude-haiku-4-5', 'claude-sonnet-4-5', 'claude-chat-classic', 'claude-responses-mini']),
    max_tokens: 100,
    ...(m.chance(0.5) ? { stream: true } : {}),
    system: [{ type: 'text', text: 'Be brief.' }],
    messages: [
      { role: 'user', content: [{ type: 'text', text: 'list files' }] },
      { role: 'assistant', content: [{ type: 'thinking', thinking: 'hm', signature: 'sig' }, { type: 'tool_use', id: 'toolu_1', name: 'Bash', input: { command: 'ls' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: 'a.txt' }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } }] }] },
    ],
    tools: [{ name: 'Bash', description: 'Runs a command', input_schema: { type: 'object', properties: { command: { type: 'string' } } } }],
    tool_choice: { type: 'auto' },
    metadata: { user_id: '{"device_id":"d","session_id":"s"}' },
  });
  for (let n = 0; n < count; n++) {
    const roll = random();
    let name: string;
    let path = m.chance(0.2) ? '/v1/messages/count_tokens' : '/v1/messages';
    let text: string;
    if (roll < 0.08) {
      // Random JSON, not even an object.
      const value = m.value(4);
      name = `random ${JSON.stringify(value).slice(0, 60)}`;
      text = JSON.stringify(value);
    } else {
      const fromFixture = roll < 0.35;
      const source = fromFixture ? m.pick(captured) : undefined;
      const body = source ? structuredClone(source.body) : small();
      if (source?.url.startsWith('/v1/messages/count_tokens')) path = '/v1/messages/count_tokens';
      const steps = Array.from({ length: 1 + m.int(4) }, () => m.mutate(body));
      name = `${source ? source.file : 'small'} ${path}: ${steps.join(', ')}`;
      text = JSON.stringify(body);
      if (roll > 0.93) {
        // Break the JSON text itself.
        const at = m.int(text.length);
        const breakage = m.int(4);
        if (breakage === 0) text = text.slice(0, at);
        else if (breakage === 1) text = text.slice(0, at) + m.pick(['\u0000', '}', ']', '"', ',', '\\', '\ufeff']) + text.slice(at);
        else if (breakage === 2) text = '\ufeff' + text;
        else text = text.slice(0, at) + '"\\ud800"' + text.slice(at);
        name += ` + broken text (${breakage} at ${at})`;
      }
    }
    const body = roll > 0.97 ? Buffer.concat([Buffer.from(text.slice(0, 50)), Buffer.from([0xff, 0xfe, 0xc3, 0x28]), Buffer.from(text.slice(50))]) : text;
    yield { name: `#${n} ${name}`, path, body };
  }
}
