import { ApiClient, type Credentials } from '../api/client';

/** The tab's login, kept in sessionStorage so a reload keeps it and closing the tab ends it. */
const KEY = 'sdn-panel-session';

export function loadCredentials(storage: Pick<Storage, 'getItem'> = sessionStorage): Credentials | null {
  try {
    const raw = storage.getItem(KEY);
    return raw ? (JSON.parse(raw) as Credentials) : null;
  } catch {
    return null;
  }
}

export function saveCredentials(c: Credentials | null, storage: Pick<Storage, 'setItem' | 'removeItem'> = sessionStorage): void {
  if (c) storage.setItem(KEY, JSON.stringify(c));
  else storage.removeItem(KEY);
}

/** `USER@REALM!TOKENID=SECRET` or the two fields apart. */
export function parseToken(tokenId: string, secret: string): Credentials | null {
  const whole = tokenId.trim();
  const eq = whole.indexOf('=');
  if (!secret && eq > 0) return parseToken(whole.slice(0, eq), whole.slice(eq + 1));
  if (!/^[^\s@!]+@[^\s@!]+![A-Za-z][A-Za-z0-9._-]*$/.test(whole) || !secret.trim()) return null;
  return { kind: 'token', tokenId: whole, secret: secret.trim() };
}

interface TicketAnswer {
  ticket: string;
  CSRFPreventionToken: string;
  username: string;
}

/** Password login: POST /access/ticket, then the ticket travels as the PVEAuthCookie cookie. */
export async function passwordLogin(username: string, password: string, realm?: string): Promise<Credentials> {
  const api = new ApiClient(null);
  const t = await api.request<TicketAnswer>('POST', '/access/ticket', { username, password, realm });
  document.cookie = `PVEAuthCookie=${encodeURIComponent(t.ticket)}; path=/; SameSite=Strict${location.protocol === 'https:' ? '; Secure' : ''}`;
  return { kind: 'ticket', username: t.username, ticket: t.ticket, csrf: t.CSRFPreventionToken };
}

export function logout(): void {
  document.cookie = 'PVEAuthCookie=; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT';
  saveCredentials(null);
}
