/** `USER@REALM!TOKENID` */
export const TOKEN_ID_RE = /^[^\s@!=:]+@[A-Za-z][A-Za-z0-9.\-_]*![A-Za-z][A-Za-z0-9.\-_]*$/;

export interface TokenCredentials {
  id: string;
  secret: string;
}

/**
 * Parses the reference's token header: `PVEAPIToken=USER@REALM!TOKENID=SECRET`
 * (also with a space after `PVEAPIToken`, as some clients send it).
 */
export function parseAuthorization(header: string | undefined): TokenCredentials | null {
  if (!header) return null;
  const m = /^PVEAPIToken[= ]\s*(\S+)\s*$/.exec(header.trim());
  if (!m) return null;
  return parseTokenString(m[1]);
}

/** `USER@REALM!TOKENID=SECRET` → credentials (the form of SDN_BOOTSTRAP_TOKEN). */
export function parseTokenString(s: string): TokenCredentials | null {
  const eq = s.indexOf('=');
  if (eq <= 0) return null;
  const id = s.slice(0, eq);
  const secret = s.slice(eq + 1);
  if (!TOKEN_ID_RE.test(id) || secret.length < 8) return null;
  return { id, secret };
}

export { hashSecret, newSalt, newSecret, secretMatches } from '@sdn/event-store';
