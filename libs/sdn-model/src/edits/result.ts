import type { ParamErrors, SdnConfig } from '../schema/normalise';

/**
 * Why an edit was refused, for the API to pick a status: every code is a
 * client error; `not-found` is the reference's "does not exist", `exists` a
 * duplicate ID, `in-use` a deletion blocked by a reference.
 */
export type EditErrorCode = 'invalid' | 'not-found' | 'exists' | 'in-use';

export type EditResult =
  | {
      ok: true;
      /** The new pending configuration; the input is never modified. */
      config: SdnConfig;
      /** ID of the object created, updated or deleted (built for subnets). */
      id: string;
    }
  | { ok: false; code: EditErrorCode; errors: ParamErrors };

export interface EditOptions {
  /**
   * Supplies the anycast MAC for an evpn zone that has none (Z11), e.g.
   * `() => macFromBytes(randomBytes(6), macPrefix)`. Without it no MAC is
   * added and the zone is stored as given.
   */
  generateMac?: () => string;
}

export function refused(code: EditErrorCode, errors: ParamErrors): EditResult {
  return { ok: false, code, errors };
}
