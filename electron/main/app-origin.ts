/** Where the desktop app's pages live: the IPC sender check and the protocol handler agree on it. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'edgetune';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/**
 * Compared by scheme and host: Node's URL gives every non-special scheme the opaque origin 'null',
 * even one Chromium treats as standard.
 */
export function isAppUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === `${APP_SCHEME}:` && url.host === APP_HOST && url.username === '' && url.password === '' && url.port === '';
  } catch {
    return false;
  }
}
