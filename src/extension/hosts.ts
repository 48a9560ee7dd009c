// A base URL's host, as the tooltip, the quick picks and the key's input box name a provider's
// server. No `vscode` import.

/** `http://127.0.0.1:8080/v1` -> `127.0.0.1:8080`; a string that is no URL stays as it is. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
