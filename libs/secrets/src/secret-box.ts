import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Marks a value as sealed. The key id lets a service with the wrong key say
 * so instead of failing an authentication tag check with no hint.
 * Layout: `$sdn-secret:v1:<key id>:<iv>:<ciphertext>:<tag>` (base64url parts).
 */
export const SEALED_PREFIX = '$sdn-secret:v1:';
const SEALED = /^\$sdn-secret:v1:([0-9a-f]{8}):([A-Za-z0-9_-]{16}):([A-Za-z0-9_-]*):([A-Za-z0-9_-]{22})$/;

export const SECRET_KEY_ENV = 'SDN_SECRET_KEY';

export class SecretKeyError extends Error {}

/** A sealed value, recognisable without a key (e.g. to check that nothing clear slipped through). */
export function isSealed(v: unknown): v is string {
  return typeof v === 'string' && SEALED.test(v);
}

/**
 * Parses a 256-bit key written as 64 hex digits or as base64/base64url of
 * 32 bytes (`openssl rand -hex 32`, `openssl rand -base64 32`).
 */
export function parseSecretKey(text: string): Buffer {
  const t = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(t)) return Buffer.from(t, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(t)) {
    const b = Buffer.from(t.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (b.length === 32) return b;
  }
  throw new SecretKeyError(`${SECRET_KEY_ENV} must be 32 bytes as 64 hex digits or base64 (e.g. \`openssl rand -hex 32\`)`);
}

/** A new random key in the hex form parseSecretKey reads. */
export function generateSecretKey(): string {
  return randomBytes(32).toString('hex');
}

/**
 * AES-256-GCM with a random 96-bit IV per value: sealing the same secret
 * twice gives different texts, so equal tokens cannot be spotted in the log.
 */
export class SecretBox {
  readonly keyId: string;

  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new SecretKeyError('secret key must be 32 bytes');
    this.keyId = createHash('sha256').update('sdn-secret-key-id').update(key).digest('hex').slice(0, 8);
  }

  static fromText(text: string): SecretBox {
    return new SecretBox(parseSecretKey(text));
  }

  seal(clear: string): string {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.key, iv);
    // The prefix is authenticated too: a value cannot be moved to another format version.
    c.setAAD(Buffer.from(SEALED_PREFIX + this.keyId));
    const body = Buffer.concat([c.update(clear, 'utf8'), c.final()]);
    return `${SEALED_PREFIX}${this.keyId}:${iv.toString('base64url')}:${body.toString('base64url')}:${c.getAuthTag().toString('base64url')}`;
  }

  open(sealed: string): string {
    const m = SEALED.exec(sealed);
    if (!m) throw new SecretKeyError('not a sealed secret');
    const [, keyId, iv, body, tag] = m;
    if (keyId !== this.keyId) throw new SecretKeyError(`secret was sealed with another key (key id ${keyId}, configured ${this.keyId}): check ${SECRET_KEY_ENV}`);
    const d = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    d.setAAD(Buffer.from(SEALED_PREFIX + keyId));
    d.setAuthTag(Buffer.from(tag, 'base64url'));
    try {
      return Buffer.concat([d.update(Buffer.from(body, 'base64url')), d.final()]).toString('utf8');
    } catch {
      throw new SecretKeyError('sealed secret failed its integrity check (corrupted or tampered)');
    }
  }
}

/** The box for a key (`SDN_SECRET_KEY`, read by @sdn/config), or undefined without one. Throws SecretKeyError when it is malformed. */
export function secretBoxFor(key: string | undefined): SecretBox | undefined {
  return key ? SecretBox.fromText(key) : undefined;
}
