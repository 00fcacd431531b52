/**
 * Which request paths are Kuiper's: the mount path and the sub-paths the cometd client posts to
 * (`/handshake`, `/connect`, `/disconnect`). Shared by every host adapter so they agree.
 */
export function ownsPath(mountPath: string, pathname: string): boolean {
  // Mounted at `/`, the sub-paths are `/handshake` etc., not `//handshake`.
  const base = mountPath === '/' ? '' : mountPath;
  if (pathname === mountPath || pathname === `${base}/`) return true;
  if (!pathname.startsWith(`${base}/`)) return false;
  const rest = pathname.slice(base.length + 1);
  return rest === 'handshake' || rest === 'connect' || rest === 'disconnect';
}
