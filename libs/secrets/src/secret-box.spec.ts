import { generateSecretKey, isSealed, parseSecretKey, SecretBox, secretBoxFor, SecretKeyError } from './secret-box';
import { revealSecret, revealSecrets, sealSecrets } from './object-secrets';

describe('SecretBox (AES-256-GCM)', () => {
  const box = SecretBox.fromText(generateSecretKey());

  it('round-trips, with a fresh IV per value and no clear text in the sealed form', () => {
    const clear = 'pdns-api-key-ÄÖ-0123456789';
    const a = box.seal(clear);
    const b = box.seal(clear);
    expect(a).not.toBe(b);
    expect(isSealed(a)).toBe(true);
    expect(a).not.toContain(clear);
    expect(a.startsWith('$sdn-secret:v1:')).toBe(true);
    expect(box.open(a)).toBe(clear);
    expect(box.open(box.seal(''))).toBe('');
  });

  it('refuses a value sealed with another key, naming the key ids', () => {
    const other = SecretBox.fromText(generateSecretKey());
    expect(() => other.open(box.seal('x'))).toThrow(/another key/);
  });

  it('detects tampering with ciphertext or tag', () => {
    const s = box.seal('a-token-value');
    const parts = s.split(':');
    const flip = (t: string) => (t[0] === 'A' ? 'B' : 'A') + t.slice(1);
    const badBody = [...parts.slice(0, 4), flip(parts[4]), parts[5]].join(':');
    const badTag = [...parts.slice(0, 5), flip(parts[5])].join(':');
    expect(() => box.open(badBody)).toThrow(SecretKeyError);
    expect(() => box.open(badTag)).toThrow(SecretKeyError);
    expect(() => box.open('plain')).toThrow(/not a sealed secret/);
  });

  it('parses hex and base64 keys and rejects anything else', () => {
    const hex = 'ab'.repeat(32);
    expect(parseSecretKey(hex)).toEqual(Buffer.alloc(32, 0xab));
    expect(parseSecretKey(Buffer.alloc(32, 7).toString('base64'))).toEqual(Buffer.alloc(32, 7));
    expect(parseSecretKey(Buffer.alloc(32, 7).toString('base64url'))).toEqual(Buffer.alloc(32, 7));
    for (const bad of ['', 'short', 'ab'.repeat(31), Buffer.alloc(16).toString('base64'), 'zz'.repeat(32)]) expect(() => parseSecretKey(bad)).toThrow(/SDN_SECRET_KEY/);
    expect(secretBoxFor(undefined)).toBeUndefined();
    expect(secretBoxFor(hex)!.keyId).toBe(new SecretBox(Buffer.alloc(32, 0xab)).keyId);
    expect(() => secretBoxFor('nope')).toThrow(SecretKeyError);
  });
});

describe('object secrets', () => {
  const box = SecretBox.fromText(generateSecretKey());

  it('seals only the section’s secret properties, keeps sealed ones, and reveals them back', () => {
    const dns = { type: 'powerdns', url: 'http://x/api/v1/servers/localhost', key: 'k1', ttl: 60 };
    const sealed = sealSecrets('dns', dns, box);
    expect(sealed).toMatchObject({ type: 'powerdns', url: dns.url, ttl: 60 });
    expect(isSealed(sealed.key)).toBe(true);
    expect(sealSecrets('dns', sealed, box).key).toBe(sealed.key);
    expect(revealSecrets('dns', sealed, box)).toEqual(dns);
    const ipam = sealSecrets('ipams', { type: 'netbox', url: 'u', token: 't0k' }, box);
    expect(isSealed(ipam.token)).toBe(true);
    expect(revealSecret(ipam.token, box)).toBe('t0k');
    // Sections without secrets, and objects without the property, are untouched (same object).
    const zone = { type: 'simple', key: 'not-a-secret-here' };
    expect(sealSecrets('zones', zone, undefined)).toBe(zone);
    const pve = { type: 'pve' };
    expect(sealSecrets('ipams', pve, undefined)).toBe(pve);
  });

  it('refuses to store a clear secret without a key, and cannot reveal one without it', () => {
    expect(() => sealSecrets('ipams', { type: 'phpipam', token: 't' }, undefined)).toThrow(/SDN_SECRET_KEY is not configured/);
    expect(() => revealSecret(box.seal('t'), undefined)).toThrow(/SDN_SECRET_KEY is not configured/);
    // Stored before encryption existed: passed through.
    expect(revealSecret('legacy-clear', undefined)).toBe('legacy-clear');
  });
});
