// What the extension tells of a provider without asking the proxy: the host of its server (whether
// it needs a key is the proxy's providerNeedsKey). No `vscode` import.

/** `http://127.0.0.1:8080/v1` -> `127.0.0.1:8080`; a string that is no URL stays as it is. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
