import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { type NatsConnection, ErrorCode, type NatsError } from 'nats';
import { type BusTopology, busTopology, requestContract } from '@sdn/bus';
import { CONTRACTS, type FabricQueryKind, NODE_NAME_PATTERN, type NodeQueryV1 } from '@sdn/contracts';
import { runningIds, type SdnObject } from '@sdn/event-store';
import { interfaceStrings, nodeKey, parseInterfaceString, sectionKind, type RunningConfig } from '@sdn/model';
import { nodeScope } from '@sdn/render';
import { Actor, PermissionChecker } from '../auth/auth.guard';
import { Privilege } from '../auth/privilege.decorator';
import { ApiError } from '../core/api-error';
import { API_CONFIG, type ApiConfig } from '../core/config';
import { NatsService } from '../core/nats.service';
import { optString, type Params, ReqParams } from '../core/params';
import { SdnStateService } from '../core/sdn-state.service';

/** How long a question waits for the node's agent; vtysh answers in well under a second. */
const QUERY_TIMEOUT_MS = 10_000;

/**
 * The per-node endpoints whose answer is the node's live state (spec §1.14:
 * zone bridges, ip-vrf, mac-vrf): the reference proxies them to the node; we
 * ask the node's agent over NATS (request/reply on its query subject) and
 * check the request against the running config first, with the reference's
 * errors.
 */
@ApiTags('nodes')
@ApiSecurity('PVEAPIToken')
@Controller()
export class NodeQueriesController {
  private readonly topology: BusTopology;

  constructor(
    private readonly sdn: SdnStateService,
    private readonly nats: NatsService,
    private readonly permissions: PermissionChecker,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {
    this.topology = busTopology(config.busNamespace);
  }

  @Get('nodes/:node/sdn/zones/:zone/bridges')
  @ApiOperation({ summary: "The zone's bridges (its vnets; `localnetwork`: the node's own bridges) with their ports, live from the node" })
  @Privilege('SDN.Audit', '/sdn/zones/{zone}')
  async bridges(@ReqParams() p: Params, @Actor() actor: string) {
    const node = nodeParam(p);
    const zone = optString(p, 'zone') ?? '';
    let names: string[] | null = null;
    if (zone !== 'localnetwork') {
      this.runningZone(zone);
      names = Object.entries(this.running('vnets'))
        .filter(([, v]) => v.zone === zone)
        .map(([id]) => id)
        .sort();
    }
    const all = (await this.ask(node, { v: 1, query: 'bridges', bridges: names })) as { name: string }[];
    // Each bridge is shown only to who may see or use it (the reference's per-bridge check).
    const out: unknown[] = [];
    for (const b of all) if (await this.permissions.allowed(actor, ['SDN.Audit', 'SDN.Allocate'], `/sdn/zones/${zone}/${b.name}`)) out.push(b);
    return out;
  }

  @Get('nodes/:node/sdn/zones/:zone/ip-vrf')
  @ApiOperation({ summary: "Installed routes of an EVPN zone's VRF on the node, live from FRR" })
  @Privilege('SDN.Audit', '/sdn/zones/{zone}')
  async ipVrf(@ReqParams() p: Params) {
    const node = nodeParam(p);
    const zone = optString(p, 'zone') ?? '';
    const z = this.runningZone(zone);
    if (z.type !== 'evpn') throw ApiError.param('zone', 'zone is not an EVPN zone');
    // The reference fails with an internal error here for zones with `nodes` (it reads the set as a list); we answer.
    if (!this.onNode(zone, node)) throw ApiError.param('zone', `zone does not exist on node ${node}`);
    return this.ask(node, { v: 1, query: 'ip-vrf', vrf: `vrf_${zone}` });
  }

  @Get('nodes/:node/sdn/vnets/:vnet')
  @ApiOperation({ summary: 'Vnet sub-index on the node' })
  @Privilege('SDN.Audit', '/sdn/zones/{vnet.zone}/{vnet}')
  vnet(@ReqParams() p: Params) {
    nodeParam(p);
    return [{ subdir: 'mac-vrf' }];
  }

  @Get('nodes/:node/sdn/vnets/:vnet/mac-vrf')
  @ApiOperation({ summary: "Best EVPN type-2 (MAC/IP) routes of the vnet's VNI on the node, live from FRR" })
  @Privilege('SDN.Audit', '/sdn/zones/{vnet.zone}/{vnet}')
  async macVrf(@ReqParams() p: Params) {
    const node = nodeParam(p);
    const vnetId = optString(p, 'vnet') ?? '';
    const vnet = this.running('vnets')[vnetId];
    if (!vnet) throw ApiError.param('vnet', 'vnet does not exist');
    const zoneId = String(vnet.zone ?? '');
    const z = this.running('zones')[zoneId];
    if (!z) throw ApiError.param('zone', `zone ${zoneId} does not exist`);
    if (z.type !== 'evpn') throw ApiError.param('zone', `zone ${zoneId} is not an EVPN zone.`);
    if (!this.onNode(zoneId, node)) throw ApiError.param('zone', `zone ${zoneId} of vnet ${vnetId} does not exist on node ${node}`);
    return this.ask(node, { v: 1, query: 'mac-vrf', vni: Number(vnet.tag) });
  }

  @Get('nodes/:node/sdn/fabrics/:fabric')
  @ApiOperation({ summary: "A fabric's live state on the node: index" })
  @Privilege('SDN.Audit', '/sdn/fabrics/{fabric}')
  fabric(@ReqParams() p: Params) {
    nodeParam(p);
    return [{ subdir: 'routes' }, { subdir: 'neighbors' }, { subdir: 'interfaces' }];
  }

  @Get('nodes/:node/sdn/fabrics/:fabric/routes')
  @ApiOperation({ summary: "Routes the fabric's protocol installed on the node (`[{route, via}]`), live from FRR" })
  @Privilege('SDN.Audit', '/sdn/fabrics/{fabric}')
  fabricRoutes(@ReqParams() p: Params) {
    return this.askFabric(p, 'fabric-routes');
  }

  @Get('nodes/:node/sdn/fabrics/:fabric/neighbors')
  @ApiOperation({ summary: 'The node\'s adjacencies in the fabric (`[{neighbor, status, uptime}]`), live from FRR' })
  @Privilege('SDN.Audit', '/sdn/fabrics/{fabric}')
  fabricNeighbors(@ReqParams() p: Params) {
    return this.askFabric(p, 'fabric-neighbors');
  }

  @Get('nodes/:node/sdn/fabrics/:fabric/interfaces')
  @ApiOperation({ summary: 'The node\'s fabric interfaces as the protocol sees them (`[{name, type, state}]`), live from FRR' })
  @Privilege('SDN.Audit', '/sdn/fabrics/{fabric}')
  fabricInterfaces(@ReqParams() p: Params) {
    return this.askFabric(p, 'fabric-interfaces');
  }

  /**
   * The reference reads the running fabric config for the protocol and the
   * node's interfaces in the fabric, then asks FRR; a node outside the
   * fabric has no interfaces in it, and FRR's answer is filtered to none.
   */
  private askFabric(p: Params, query: FabricQueryKind): Promise<unknown[]> {
    const node = nodeParam(p);
    const fabric = optString(p, 'fabric') ?? '';
    const sections = runningIds(this.sdn.current.running, 'fabrics');
    const kind = sections[fabric] ? sectionKind(sections[fabric].type) : undefined;
    if (!kind || kind.kind !== 'fabric') throw ApiError.param('fabric', `fabric '${fabric}' does not exist`);
    const member = sections[nodeKey(fabric, node)];
    const interfaces = member ? interfaceStrings(member.interfaces).map((i) => parseInterfaceString(i).name ?? '').filter((n) => n !== '') : [];
    return this.ask(node, { v: 1, query, fabric, protocol: kind.protocol, interfaces });
  }

  private running(section: 'zones' | 'vnets'): Record<string, SdnObject> {
    return runningIds(this.sdn.current.running, section);
  }

  /** These endpoints read the running config (spec §2 table: node bridges/ip-vrf/mac-vrf). */
  private runningZone(zone: string): SdnObject {
    const z = this.running('zones')[zone];
    if (!z) throw ApiError.param('zone', 'zone does not exist');
    return z;
  }

  /** Whether the running zone is deployed on `node`: the rule the bundles follow (nodeScope). */
  private onNode(zone: string, node: string): boolean {
    const config = this.sdn.current.running?.config as RunningConfig | undefined;
    return !!config && zone in nodeScope(config, node).zones;
  }

  private async ask(node: string, q: NodeQueryV1): Promise<unknown[]> {
    if (!this.config.nats) throw new ApiError(503, 'this API runs without NATS: it cannot reach the node agents');
    const nc: NatsConnection | null = this.nats.current();
    if (!nc) throw new ApiError(503, 'not connected to NATS yet: the node agents cannot be reached');
    let reply;
    try {
      reply = await requestContract(nc, this.topology.querySubject(node), { request: CONTRACTS.nodeQuery, reply: CONTRACTS.nodeQueryReply }, q, QUERY_TIMEOUT_MS);
    } catch (e) {
      const code = (e as NatsError).code;
      if (code === ErrorCode.NoResponders) throw new ApiError(503, `node '${node}' is not reachable: no agent of that node is connected`);
      if (code === ErrorCode.Timeout) throw new ApiError(504, `node '${node}' did not answer within ${QUERY_TIMEOUT_MS / 1000} s`);
      throw new ApiError(502, `node '${node}': ${(e as Error).message}`);
    }
    if (!reply.ok) throw new ApiError(502, `node '${node}': ${reply.error}`);
    return reply.data;
  }
}

function nodeParam(p: Params): string {
  const node = optString(p, 'node') ?? '';
  if (!NODE_NAME_PATTERN.test(node)) throw ApiError.param('node', 'invalid format - value does not look like a valid node name');
  return node;
}
