import type { ObjectKind } from '../schema/kind';
import { BUILTIN_IPAM } from '../schema/ipams';
import { parseCidr } from '../schema/formats';
import { SCHEMAS, isPlainObject, normaliseObject, type SdnConfig } from '../schema/normalise';
import { buildSubnetId } from '../schema/subnet-id';
import { text } from '../values';
import { accepted, editErrors, hasObject, ids, liftsGatewayCheck, notFound, stripApiParams } from './common';
import { refused as refuse, type EditOptions, type EditResult } from './result';

/**
 * POST of a zone, vnet, subnet, controller, IPAM or DNS server on the
 * pending configuration. `params` are the request parameters including the
 * ID parameter (`zone`, `vnet`, …; for subnets the path `vnet` and the
 * `subnet` CIDR). `digest` and `lock-token` are ignored (the API's job).
 */
export function createObject(config: SdnConfig, kind: ObjectKind, params: unknown, options: EditOptions = {}): EditResult {
  const schema = SCHEMAS[kind];
  if (!isPlainObject(params)) return refuse('invalid', { [schema.idParam]: 'parameters must be an object' });

  let id: string;
  let props: Record<string, unknown>;
  if (kind === 'subnets') {
    // §1.9: the ID is `<zone of the vnet>-<cidr with / replaced by ->`, address kept verbatim.
    const vnetId = params.vnet;
    if (vnetId === undefined || vnetId === null || vnetId === '') return refuse('invalid', { vnet: "missing value for required option 'vnet'" });
    if (typeof vnetId !== 'string' || !hasObject(config, 'vnets', vnetId)) return refuse('not-found', { vnet: notFound('vnets', String(vnetId)) });
    const zone = text(ids(config, 'vnets')[vnetId].zone);
    if (!zone) return refuse('invalid', { vnet: `vnet ${vnetId} has no zone` });
    const cidr = params.subnet;
    if (cidr === undefined || cidr === null || cidr === '') return refuse('invalid', { subnet: "missing value for required option 'subnet'" });
    if (typeof cidr !== 'string' || !parseCidr(cidr)) return refuse('invalid', { subnet: 'value does not look like a valid CIDR network' });
    id = buildSubnetId(zone, cidr);
    props = stripApiParams(params, ['subnet']);
  } else {
    const rawId = params[schema.idParam];
    if (rawId === undefined || rawId === null || rawId === '') {
      return refuse('invalid', { [schema.idParam]: `missing value for required option '${schema.idParam}'` });
    }
    id = String(rawId);
    const idErr = typeof rawId === 'string' ? schema.checkId(id) : `invalid ${schema.label} ID`;
    if (idErr) return refuse('invalid', { [schema.idParam]: idErr });
    props = stripApiParams(params, [schema.idParam]);
  }

  // Key and format check first, as the reference does before taking the lock.
  const { value, errors } = normaliseObject(schema, props);
  if (Object.keys(errors).length) return refuse('invalid', errors);

  // G3; `pve` is always defined, even when not stored (§1.12).
  if (hasObject(config, kind, id) || (kind === 'ipams' && id === BUILTIN_IPAM)) {
    return refuse('exists', { [schema.idParam]: `sdn ${schema.label} object ID '${id}' already defined` });
  }

  const obj = value as Record<string, unknown>;
  if (kind === 'zones' && obj.type === 'evpn' && obj.mac === undefined && options.generateMac) obj.mac = options.generateMac();

  const problems = editErrors(config, kind, id, obj, options.index, options.gatewayOutsideSubnet);
  if (Object.keys(problems).length) return refuse('invalid', problems);
  return accepted(config, kind, id, obj, liftsGatewayCheck(config, kind, id, obj, options.gatewayOutsideSubnet));
}
