import { COMMON_FABRIC_PROPERTIES, FABRIC_PROTOCOLS, type FabricProtocol, NODE_PROPERTIES, PROTOCOLS, type PropertyDef } from '@sdn/model';
import { propertySchema } from './property-schema';
import { CONTROL_PARAMS } from './sdn-objects';
import type { OperationSpec, ParamSpec } from './spec';
import type { JsonSchema } from './types';

/**
 * /cluster/sdn/fabrics and the nodes' live fabric state (spec Appendix A),
 * their parameters from the fabric property definitions of @sdn/model (what
 * the API validates with).
 */
const FABRICS = (filtered = false) => ({ privs: ['SDN.Audit', 'SDN.Allocate'], path: '/sdn/fabrics/{id}', ...(filtered ? { filtered } : {}) });
const FABRIC_ALLOCATE = { privs: ['SDN.Allocate'], path: '/sdn/fabrics/{fabric_id}' } as const;
const FABRIC_AUDIT = { privs: ['SDN.Audit'], path: '/sdn/fabrics/{fabric}' } as const;

/**
 * One fabric or node property; `protocols` when only some protocols take it, in
 * the description and as `x-sdn-types` (as the SDN objects' plugin types), so a
 * client such as the web panel asks only for what the chosen protocol takes.
 */
const prop = (def: PropertyDef, protocols?: FabricProtocol[]): ParamSpec => {
  const { required: _required, ...s } = propertySchema(def);
  return protocols && protocols.length < FABRIC_PROTOCOLS.length ? { ...s, description: `${s.description ?? ''} (${protocols.join(', ')} only)`.trim(), 'x-sdn-types': protocols } : s;
};
const PROTOCOL_DEFS = FABRIC_PROTOCOLS.map((p) => PROTOCOLS[p]);
/** The protocols that take an IPv6 property (fabric `ip6_prefix`, node `ip6`); the others refuse it. */
const IPV6 = PROTOCOL_DEFS.filter((d) => d.ipv6).map((d) => d.name);
const onlyV6 = (key: string) => (key === 'ip6_prefix' || key === 'ip6' ? IPV6 : undefined);
const PROTOCOL: ParamSpec = { type: 'string', enum: [...FABRIC_PROTOCOLS], description: 'Routing protocol of the fabric.' };
const FABRIC_ID: Omit<JsonSchema, 'required'> = { type: 'string', format: 'pve-sdn-fabric-id', pattern: '^[a-zA-Z0-9][a-zA-Z0-9-]{0,6}[a-zA-Z0-9]$', description: 'Fabric ID.' };
const INTERFACES: ParamSpec = {
  type: 'array',
  items: { type: 'string', description: 'openfabric: name=<iface>[,hello_multiplier=2..100][,ip=<CIDRv4>][,ip6=<CIDRv6>]; ospf: name=<iface>[,ip=<CIDRv4>]' },
  description: "The node's interfaces in the fabric, as property strings.",
};
const VIEWS = { running: CONTROL_PARAMS.running, pending: CONTROL_PARAMS.pending };
const WRITE = { digest: CONTROL_PARAMS.digest, 'lock-token': CONTROL_PARAMS['lock-token'] };

const fabricProps: Record<string, ParamSpec> = {
  ...Object.fromEntries(Object.entries(COMMON_FABRIC_PROPERTIES).map(([k, d]) => [k, prop(d, onlyV6(k))])),
  ...Object.fromEntries(PROTOCOL_DEFS.flatMap((p) => Object.entries(p.fabricProperties).map(([k, d]) => [k, prop(d, [p.name])]))),
};
const nodeProps: Record<string, ParamSpec> = { ...Object.fromEntries(Object.entries(NODE_PROPERTIES).map(([k, d]) => [k, prop(d, onlyV6(k))])), interfaces: INTERFACES };
const deleteOf = (keys: string[]): ParamSpec => ({ type: 'array', items: { type: 'string', enum: keys }, description: 'Properties to remove.' });

const FABRIC: JsonSchema = { type: 'object', additionalProperties: true, properties: { id: { type: 'string' }, protocol: { type: 'string' } } };
const NODE: JsonSchema = { type: 'object', additionalProperties: true, properties: { fabric_id: { type: 'string' }, node_id: { type: 'string' }, protocol: { type: 'string' } } };
const list = (items: JsonSchema): JsonSchema => ({ type: 'array', items });
const str = (description: string): JsonSchema => ({ type: 'string', description });

export const FABRIC_ROUTES: OperationSpec[] = [
  { method: 'GET', path: '/cluster/sdn/fabrics', tag: 'fabrics', summary: 'Fabrics index', access: { privs: ['SDN.Audit'], path: '/sdn/fabrics' }, data: list({ type: 'object', properties: { subdir: { type: 'string' } } }) },
  { method: 'GET', path: '/cluster/sdn/fabrics/all', tag: 'fabrics', summary: 'All fabrics and nodes, cut to what the caller may see', access: 'user', params: VIEWS, data: { type: 'object', properties: { fabrics: list(FABRIC), nodes: list(NODE) } } },
  { method: 'GET', path: '/cluster/sdn/fabrics/fabric', tag: 'fabrics', summary: 'List fabrics', access: FABRICS(true), params: VIEWS, data: list(FABRIC) },
  { method: 'POST', path: '/cluster/sdn/fabrics/fabric', tag: 'fabrics', summary: 'Create a fabric', access: { privs: ['SDN.Allocate'], path: '/sdn/fabrics' }, params: { id: { ...FABRIC_ID, required: true }, protocol: { ...PROTOCOL, required: true }, ...fabricProps, ...WRITE }, data: { nullable: true } },
  { method: 'GET', path: '/cluster/sdn/fabrics/fabric/{id}', tag: 'fabrics', summary: 'Read a fabric', access: FABRICS(), pathParams: { id: FABRIC_ID }, params: VIEWS, data: FABRIC },
  { method: 'PUT', path: '/cluster/sdn/fabrics/fabric/{id}', tag: 'fabrics', summary: 'Update a fabric (its protocol cannot change)', access: { privs: ['SDN.Allocate'], path: '/sdn/fabrics/{id}' }, pathParams: { id: FABRIC_ID }, params: { protocol: PROTOCOL, ...fabricProps, delete: deleteOf(['ip_prefix', 'ip6_prefix', 'hello_interval', 'csnp_interval', 'area']), ...WRITE }, data: { nullable: true } },
  { method: 'DELETE', path: '/cluster/sdn/fabrics/fabric/{id}', tag: 'fabrics', summary: 'Delete a fabric and its nodes (needs Sys.Modify on every member node; refused while a zone or controller uses it)', access: { privs: ['SDN.Allocate'], path: '/sdn/fabrics/{id}' }, pathParams: { id: FABRIC_ID }, params: WRITE, data: { nullable: true } },
  { method: 'GET', path: '/cluster/sdn/fabrics/node', tag: 'fabrics', summary: 'List the nodes of every fabric', access: { privs: ['SDN.Audit', 'SDN.Allocate'], path: '/sdn/fabrics/{fabric_id}', filtered: true }, params: VIEWS, data: list(NODE) },
  { method: 'GET', path: '/cluster/sdn/fabrics/node/{fabric_id}', tag: 'fabrics', summary: "List a fabric's nodes", access: { privs: ['SDN.Audit'], path: '/sdn/fabrics/{fabric_id}' }, pathParams: { fabric_id: FABRIC_ID }, params: VIEWS, data: list(NODE) },
  { method: 'POST', path: '/cluster/sdn/fabrics/node/{fabric_id}', tag: 'fabrics', summary: 'Add a node to a fabric (and Sys.Modify on /nodes/{node_id})', access: FABRIC_ALLOCATE, pathParams: { fabric_id: FABRIC_ID }, params: { node_id: { type: 'string', format: 'pve-node', required: true, description: 'Node name.' }, protocol: { ...PROTOCOL, required: true }, ...nodeProps, ...WRITE }, data: { nullable: true } },
  { method: 'GET', path: '/cluster/sdn/fabrics/node/{fabric_id}/{node_id}', tag: 'fabrics', summary: 'Read a fabric node (and Sys.Audit or Sys.Modify on /nodes/{node_id})', access: { privs: ['SDN.Audit', 'SDN.Allocate'], path: '/sdn/fabrics/{fabric_id}' }, pathParams: { fabric_id: FABRIC_ID, node_id: str('Node name.') }, params: VIEWS, data: NODE },
  { method: 'PUT', path: '/cluster/sdn/fabrics/node/{fabric_id}/{node_id}', tag: 'fabrics', summary: 'Update a fabric node (and Sys.Modify on /nodes/{node_id})', access: FABRIC_ALLOCATE, pathParams: { fabric_id: FABRIC_ID, node_id: str('Node name.') }, params: { protocol: PROTOCOL, ...nodeProps, delete: deleteOf(['interfaces', 'ip', 'ip6']), ...WRITE }, data: { nullable: true } },
  { method: 'DELETE', path: '/cluster/sdn/fabrics/node/{fabric_id}/{node_id}', tag: 'fabrics', summary: 'Remove a node from a fabric (and Sys.Modify on /nodes/{node_id})', access: FABRIC_ALLOCATE, pathParams: { fabric_id: FABRIC_ID, node_id: str('Node name.') }, params: WRITE, data: { nullable: true } },

  { method: 'GET', path: '/nodes/{node}/sdn/fabrics/{fabric}', tag: 'nodes', summary: "A fabric's live state on the node: index", access: FABRIC_AUDIT, pathParams: { fabric: FABRIC_ID }, data: list({ type: 'object', properties: { subdir: { type: 'string' } } }) },
  { method: 'GET', path: '/nodes/{node}/sdn/fabrics/{fabric}/routes', tag: 'nodes', summary: "Routes the fabric's protocol installed on the node, live from FRR", access: FABRIC_AUDIT, pathParams: { fabric: FABRIC_ID }, statuses: [503], data: list({ type: 'object', properties: { route: str('Destination prefix.'), via: list(str('Next hop: address, else interface, else unreachable.')) } }) },
  { method: 'GET', path: '/nodes/{node}/sdn/fabrics/{fabric}/neighbors', tag: 'nodes', summary: "The node's adjacencies in the fabric, live from FRR", access: FABRIC_AUDIT, pathParams: { fabric: FABRIC_ID }, statuses: [503], data: list({ type: 'object', properties: { neighbor: str('OpenFabric: hostname; OSPF: interface address.'), status: str("FRR's adjacency state."), uptime: str("FRR's uptime text.") } }) },
  { method: 'GET', path: '/nodes/{node}/sdn/fabrics/{fabric}/interfaces', tag: 'nodes', summary: "The node's fabric interfaces as the protocol sees them, live from FRR", access: FABRIC_AUDIT, pathParams: { fabric: FABRIC_ID }, statuses: [503], data: list({ type: 'object', properties: { name: str('Interface.'), type: str("FRR's circuit or network type."), state: str('Up or down.') } }) },
];
