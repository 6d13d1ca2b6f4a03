import { isSealed, SECRET_KEY_ENV, SecretKeyError, type SecretBox } from './secret-box';

/**
 * Write-only properties per configuration section: accepted on create and
 * update, stored sealed, never returned. The one list every service uses.
 */
export const SECRET_PROPERTIES: Readonly<Record<string, readonly string[]>> = { ipams: ['token'], dns: ['key'] };

export function secretPropertiesOf(section: string): readonly string[] {
  return SECRET_PROPERTIES[section] ?? [];
}

/** Names of the section's secret properties present in `o` with a value that is not sealed yet. */
export function clearSecretsIn(section: string, o: Record<string, unknown>): string[] {
  return secretPropertiesOf(section).filter((k) => o[k] !== undefined && o[k] !== null && o[k] !== '' && !isSealed(o[k]));
}

/**
 * A copy of `o` with every clear secret property sealed; already sealed ones
 * are kept as they are (an update that does not touch the token keeps the
 * stored ciphertext). Throws SecretKeyError when there is something to seal
 * and no key.
 */
export function sealSecrets<T extends Record<string, unknown>>(section: string, o: T, box: SecretBox | undefined): T {
  const clear = clearSecretsIn(section, o);
  if (!clear.length) return o;
  if (!box) throw new SecretKeyError(`cannot be stored: ${SECRET_KEY_ENV} is not configured (secrets are kept encrypted at rest)`);
  const out: Record<string, unknown> = { ...o };
  for (const k of clear) out[k] = box.seal(String(o[k]));
  return out as T;
}

/**
 * The clear value of a secret property, for the one call that sends it to the
 * external system. A value stored before encryption existed (not sealed) is
 * returned as it is.
 */
export function revealSecret(v: unknown, box: SecretBox | undefined): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isSealed(v)) return String(v);
  if (!box) throw new SecretKeyError(`a stored secret cannot be decrypted: ${SECRET_KEY_ENV} is not configured`);
  return box.open(v);
}

/** A copy of `o` with the section's secret properties in clear (see revealSecret). */
export function revealSecrets<T extends Record<string, unknown>>(section: string, o: T, box: SecretBox | undefined): T {
  const keys = secretPropertiesOf(section).filter((k) => isSealed(o[k]));
  if (!keys.length) return o;
  const out: Record<string, unknown> = { ...o };
  for (const k of keys) out[k] = revealSecret(o[k], box);
  return out as T;
}
