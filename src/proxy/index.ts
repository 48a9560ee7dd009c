// The proxy as the rest of the code base sees it: the headless CLI (src/cli.ts), the VS Code
// extension (src/extension) and the usage code (src/usage) import from here and nowhere deeper.
// Nothing under src/proxy imports `vscode`.
export type { RequestRecord } from './server/context';
export { consoleLogger, redact, type Logger, type LogLevel } from './server/logger';
export { DEFAULT_LIMITS, ProxyServer, randomToken, type ProviderStatus } from './server/proxy-server';
export { autoCompactWindow } from './routing/model-facts';
export { DEFAULT_PROVIDER_NAME, namesProviders, providerNeedsKey, providerSchema, routeProvider, type ProviderConfig, type ProviderInput } from './routing/providers';
export { defaultRouteTable, parseRouteTable, routeTableSchema, type RouteTableConfig } from './routing/table';
export { canSearchTheWeb, routeCanSearch } from './routing/web-search-support';
export { defaultTransport, type UpstreamTransport } from './transport/client';
