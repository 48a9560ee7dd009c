// The extension's settings (`claudeProxy.*`), validated with zod. No `vscode` import here: the
// extension passes a getter over its WorkspaceConfiguration, the unit tests a plain object.
import * as z from 'zod/mini';
import '../zod-english';
import {
  DEFAULT_LIMITS, DEFAULT_PROVIDER_NAME, defaultRouteTable, type ProviderInput, routeCanSearch, type RouteTableConfig, routeTableSchema,
  type UpstreamTransport,
} from '../proxy';

export const SECTION = 'claudeProxy';

export const logLevels = ['debug', 'info', 'warn', 'error', 'off'] as const;

/** How the proxy calls OpenAI (proxy/transport/client.ts): `auto` picks the proxy's own
 *  connections for a server on this machine and VS Code's fetch for any other (defaultTransport). */
export const upstreamTransports = ['auto', 'fetch', 'node-http'] as const;

const httpUrl = z.string().check(z.trim(), z.refine((value) => {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}, 'must be an http:// or https:// URL, e.g. https://api.openai.com/v1'));

/** Node's timers take at most 2^31-1 ms; a longer delay fires after 1 ms instead. */
const MAX_TIMER_MS = 2_147_483_647;
const wholeNumber = (...checks: z.core.$ZodCheck<number>[]) => z.number().check(z.int('must be a whole number'), ...checks);

/** claudeProxy.providers unset: today's one upstream, OpenAI at claudeProxy.openaiBaseUrl. */
export const defaultProviders: ProviderInput[] = [{ name: DEFAULT_PROVIDER_NAME, kind: 'openai' }];

/** Every setting, with the defaults package.json declares (the two must agree: a unit test checks). */
const settingsSchema = z.object({
  autoStart: z._default(z.boolean(), true),
  port: z._default(wholeNumber(z.minimum(0, 'must be 0 (any free port) or a port number'), z.maximum(65535, 'must be at most 65535')), 4000),
  openaiBaseUrl: z._default(httpUrl, 'https://api.openai.com/v1'),
  providers: z._default(z.array(z.unknown()), defaultProviders),
  routes: z._default(z.array(z.unknown()), defaultRouteTable.routes),
  defaultRoute: z._default(z.nullable(z.string()), null),
  webSearchRoute: z._default(z.nullable(z.string()), null),
  injectEnvironment: z._default(z.boolean(), true),
  logLevel: z._default(z.enum(logLevels), 'info'),
  /** Checked on its own by the dashboard (dashboard/prices-setting.ts): a wrong price must not
   *  stop the proxy, the dashboard keeps the last valid prices. */
  prices: z._default(z.unknown(), {}),
  'dashboard.keepBodies': z._default(z.boolean(), false),
  idleTimeoutMs: z._default(wholeNumber(z.minimum(0, 'must be 0 (off) or a number of milliseconds'), z.maximum(MAX_TIMER_MS, `must be at most ${MAX_TIMER_MS}`)), DEFAULT_LIMITS.idleTimeoutMs),
  // The minimums keep a slip of the finger from refusing every request Claude Code sends.
  maxBodyBytes: z._default(wholeNumber(z.minimum(1024, 'must be at least 1024 bytes')), DEFAULT_LIMITS.maxBodyBytes),
  requestReadTimeoutMs: z._default(wholeNumber(z.minimum(1000, 'must be at least 1000 milliseconds'), z.maximum(MAX_TIMER_MS, `must be at most ${MAX_TIMER_MS}`)), DEFAULT_LIMITS.requestReadTimeoutMs),
  upstreamTransport: z._default(z.enum(upstreamTransports), 'auto'),
});

export type SettingKey = keyof z.input<typeof settingsSchema>;
export const settingKeys = Object.keys(settingsSchema.shape) as SettingKey[];

export interface ExtensionSettings {
  autoStart: boolean;
  port: number;
  openaiBaseUrl: string;
  /** The validated route table (defaults filled in), its providers included. */
  routeTable: RouteTableConfig;
  injectEnvironment: boolean;
  logLevel: (typeof logLevels)[number];
  /** claudeProxy.dashboard.keepBodies: the proxy captures bodies, the dashboard keeps the last ones. */
  keepBodies: boolean;
  /** The proxy's limits (DEFAULT_LIMITS); idleTimeoutMs 0 = off. */
  idleTimeoutMs: number;
  maxBodyBytes: number;
  requestReadTimeoutMs: number;
  upstreamTransport: (typeof upstreamTransports)[number];
}

export type SettingsResult =
  /** `notes`: what was set but is not used here, to log (e.g. a provider's keyEnv). */
  | { ok: true; settings: ExtensionSettings; notes: string[] }
  | { ok: false; problems: string[] };

/**
 * Reads and validates every setting. `get` returns a setting's value, or undefined when unset.
 * Problems name the setting the user has to fix, e.g. `claudeProxy.routes[1].api: …`.
 */
export function readSettings(get: (key: SettingKey) => unknown): SettingsResult {
  const raw: Record<string, unknown> = {};
  for (const key of settingKeys) {
    const value = get(key);
    if (value !== undefined) raw[key] = value;
  }
  const problems: string[] = [];
  const parsed = settingsSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(`${settingName(issue.path)}: ${issue.message}`);
    return { ok: false, problems };
  }
  const { providers, routes, defaultRoute, webSearchRoute, prices: _prices, 'dashboard.keepBodies': keepBodies, ...rest } = parsed.data;
  const notes: string[] = [];
  const table = routeTableSchema.safeParse({
    providers: providers.map((provider, index) => withoutKeyEnv(provider, index, notes)),
    routes,
    ...(defaultRoute === null ? {} : { defaultRoute }),
    ...(webSearchRoute === null ? {} : { webSearchRoute }),
  });
  if (!table.success) {
    for (const issue of table.error.issues) problems.push(`${settingName(issue.path)}: ${issue.message}`);
    return { ok: false, problems };
  }
  const routeTable = webSearchRoute === null ? withDefaultSearchRoute(table.data) : table.data;
  return { ok: true, settings: { ...rest, openaiBaseUrl: rest.openaiBaseUrl.replace(/\/+$/, ''), routeTable, keepBodies }, notes };
}

/** keyEnv names the environment variable of the headless proxy; in VS Code keys live in
 *  SecretStorage. A provider copied from a JSON config keeps working, and the log says why the
 *  variable is not read. */
function withoutKeyEnv(provider: unknown, index: number, notes: string[]): unknown {
  if (typeof provider !== 'object' || provider === null || !('keyEnv' in provider)) return provider;
  const { keyEnv: _keyEnv, ...rest } = provider;
  notes.push(`${settingName(['providers', index, 'keyEnv'])} is ignored in VS Code: keys are kept in SecretStorage ("Claude Proxy: Set Provider API Key")`);
  return rest;
}

/** claudeProxy.webSearchRoute unset: the default table's search route, where this table has a
 *  route of that name that can search. VS Code hands out a setting's default as if it were set,
 *  so the default cannot name a route that a table of one's own may lack. */
function withDefaultSearchRoute(table: RouteTableConfig): RouteTableConfig {
  const name = defaultRouteTable.webSearchRoute;
  const route = table.routes.find((candidate) => candidate.name === name);
  return route && routeCanSearch(table, route) ? { ...table, webSearchRoute: name } : table;
}

/** The transport to give the proxy: none for `auto`, so that it chooses by host. */
export function transportOf(settings: ExtensionSettings): UpstreamTransport | undefined {
  return settings.upstreamTransport === 'auto' ? undefined : settings.upstreamTransport;
}

/** `['routes', 1, 'api']` -> `claudeProxy.routes[1].api` */
export function settingName(path: readonly PropertyKey[]): string {
  let name = SECTION;
  for (const part of path) name += typeof part === 'number' ? `[${part}]` : `.${String(part)}`;
  return name;
}

/** What changed between two valid settings, to decide between re-routing and restarting.
 *  The read timeout is fixed when the HTTP server is created, so it restarts; the body limit and
 *  the idle timeout are read per request, so `limits` applies them to the running server. */
export function settingsDiff(before: ExtensionSettings, after: ExtensionSettings): {
  restart: boolean; reconfigure: boolean; limits: boolean; environment: boolean; logLevel: boolean; providers: boolean;
} {
  return {
    /** Other providers may need other keys: they are read again. */
    providers: JSON.stringify(before.routeTable.providers) !== JSON.stringify(after.routeTable.providers),
    restart: before.port !== after.port || before.requestReadTimeoutMs !== after.requestReadTimeoutMs,
    reconfigure: before.openaiBaseUrl !== after.openaiBaseUrl || before.upstreamTransport !== after.upstreamTransport
      || JSON.stringify(before.routeTable) !== JSON.stringify(after.routeTable),
    limits: before.maxBodyBytes !== after.maxBodyBytes || before.idleTimeoutMs !== after.idleTimeoutMs,
    environment: before.injectEnvironment !== after.injectEnvironment,
    logLevel: before.logLevel !== after.logLevel,
  };
}
