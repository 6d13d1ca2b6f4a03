import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/** Password hashes (table `access_passwords`), shared by the API and `sdnctl user passwd`. */
type Q = { query(sql: string, params?: unknown[]): Promise<any> };

/**
 * scrypt, memory-hard: N=2^15, r=8 (32 MiB and some tens of ms per
 * guess). The parameters are stored with the hash, so they can be raised
 * later without invalidating existing passwords.
 */
const N = 32768;
const R = 8;
const P = 1;
const KEY_LEN = 32;
const MAXMEM = 64 * 1024 * 1024;

function derive(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(password.normalize('NFC'), salt, KEY_LEN, { N: n, r, p, maxmem: MAXMEM }, (e, key) => (e ? reject(e) : resolve(key))));
}

/** `$scrypt$N=32768,r=8,p=1$<salt b64>$<hash b64>`. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, N, R, P);
  return `$scrypt$N=${N},r=${R},p=${P}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  const m = /^\$scrypt\$N=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(stored);
  if (!m) return false;
  const expected = Buffer.from(m[5], 'base64');
  const key = await derive(password, Buffer.from(m[4], 'base64'), Number(m[1]), Number(m[2]), Number(m[3]));
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/**
 * A hash computed from nothing anyone knows: checked when a user has no
 * password, so an unknown user costs as much time as a wrong password.
 */
let decoy: Promise<string> | undefined;
export function decoyPasswordHash(): Promise<string> {
  decoy ??= hashPassword(randomBytes(24).toString('base64'));
  return decoy;
}

export async function setPasswordHash(q: Q, userid: string, hash: string): Promise<void> {
  await q.query(
    `INSERT INTO access_passwords (userid, hash, updated_at) VALUES ($1, $2, now())
     ON CONFLICT (userid) DO UPDATE SET hash = EXCLUDED.hash, updated_at = EXCLUDED.updated_at`,
    [userid, hash],
  );
}

export async function deletePasswordHash(q: Q, userid: string): Promise<void> {
  await q.query('DELETE FROM access_passwords WHERE userid = $1', [userid]);
}

export async function readPasswordHash(q: Q, userid: string): Promise<string | undefined> {
  const rows: { hash: string }[] = await q.query('SELECT hash FROM access_passwords WHERE userid = $1', [userid]);
  return rows[0]?.hash;
}
