/**
 * The web mode's access token. `edgetune serve` prints a URL carrying `?token=…`; the page reads it
 * once, keeps it for this tab (a reload must keep working) and takes it out of the address bar so it
 * does not end up in screenshots, history or a link someone shares.
 */

import { TOKEN_QUERY_PARAMETER } from '../../../electron/api/contract';

const STORAGE_KEY = 'edgetune.token';

export function tokenFromSearch(search: string): string | null {
  const token = new URLSearchParams(search).get(TOKEN_QUERY_PARAMETER)?.trim();
  return token ? token : null;
}

/** The same address without the token parameter; other parameters and the hash are kept. */
export function urlWithoutToken(href: string): string {
  const url = new URL(href);
  url.searchParams.delete(TOKEN_QUERY_PARAMETER);
  return url.toString();
}

export interface TokenStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** The URL's token wins over a stored one: a new `serve` prints a new token. */
export function resolveToken(search: string, storage: TokenStorage | undefined): string | null {
  const fromUrl = tokenFromSearch(search);
  if (fromUrl) {
    storage?.setItem(STORAGE_KEY, fromUrl);
    return fromUrl;
  }
  return storage?.getItem(STORAGE_KEY) ?? null;
}
