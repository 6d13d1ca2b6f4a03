import type { ParamErrors, SdnConfig } from '../schema/normalise';
import type { ConfigIndex } from '../validation/config-index';

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
      /** The object as stored after the edit; null when deleted. */
      object: Record<string, unknown> | null;
      /** Set when the edit stored a subnet gateway outside its subnet, as `gatewayOutsideSubnet` allowed. */
      gatewayOutsideSubnet?: true;
    }
  | { ok: false; code: EditErrorCode; errors: ParamErrors };

export interface EditOptions {
  /**
   * Supplies the anycast MAC for an evpn zone that has none (Z11), e.g.
   * `() => macFromBytes(randomBytes(6), macPrefix)`. Without it no MAC is
   * added and the zone is stored as given.
   */
  generateMac?: () => string;
  /**
   * Look-up tables describing exactly the configuration being edited (the
   * holder keeps them in step with every change, see ConfigIndex). With them
   * an edit validates only what it can affect instead of the whole
   * configuration, with the same result.
   */
  index?: ConfigIndex;
  /**
   * Subnets: the gateway this edit sets may lie outside the subnet (rule S4
   * lifted for this edit; the request parameter `gateway-outside-subnet`).
   * Proxmox's API refuses such a gateway too, but its nodes render one that is
   * on disk (older versions accepted it), so an import of such a cluster must
   * be able to hold it. Only S4 is lifted; the edit changes nothing else.
   */
  gatewayOutsideSubnet?: boolean;
}

export function refused(code: EditErrorCode, errors: ParamErrors): EditResult {
  return { ok: false, code, errors };
}
