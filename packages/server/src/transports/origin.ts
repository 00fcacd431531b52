/**
 * Origin checks (SPEC: SEC-6) for WebSocket upgrades and CORS. A browser always sends `Origin`
 * on a WebSocket; without an allow-list only same-origin pages (Origin host = Host header) and
 * non-browser clients (no Origin at all) may connect, which stops cross-site WebSocket hijacking.
 */
export type OriginCheck = '*' | readonly string[] | ((origin: string) => boolean);

export function originAllowed(check: OriginCheck | undefined, origin: string | undefined, host: string | undefined): boolean {
  if (origin === undefined) return true;
  if (check === '*') return true;
  if (typeof check === 'function') {
    // A user's check that throws (say, `new URL('null')`) refuses; it must never crash the server.
    try {
      return check(origin) === true;
    } catch {
      return false;
    }
  }
  if (check !== undefined && check.includes(origin)) return true;
  if (host === undefined) return false;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}
