import { Controller, Delete, Get, Post, Put } from '@nestjs/common';
import { ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Actor } from '../auth/auth.guard';
import { Privilege } from '../auth/privilege.decorator';
import { ApiError } from '../core/api-error';
import { SdnObjectsService } from '../core/objects.service';
import { CorrelationId, objectProps, type Params, ReqParams } from '../core/params';
import { SubnetIpam } from './subnet-ipam';

/*
 * Subnets live under their vnet's path. Unlike the reference (B.16) every
 * operation checks that the subnet belongs to the vnet in the path (the model
 * refuses with `vnet: wrong vnet`), so the permission checked on the path is
 * the one that governs the subnet.
 */

/**
 * The subnet's own vnet must grant the privilege too: otherwise a tenant could
 * name another tenant's subnet under its own vnet and learn from "wrong vnet"
 * versus "does not exist" that it exists.
 */
const SUBNET_OWN_PATH = '/sdn/zones/{subnet.zone}/{subnet.vnet}';

/** Request flags of subnet writes that are not subnet properties (read by SdnObjectsService). */
const SUBNET_FLAGS = ['gateway-outside-subnet'];

@ApiTags('subnets')
@ApiSecurity('PVEAPIToken')
@Controller('cluster/sdn/vnets/:vnet/subnets')
export class SubnetsController {
  constructor(
    private readonly objects: SdnObjectsService,
    private readonly ipam: SubnetIpam,
  ) {}

  @Get()
  @ApiOperation({ summary: "List the vnet's subnets (views: running=1, pending=1)" })
  @Privilege(['SDN.Audit', 'SDN.Allocate'], '/sdn/zones/{vnet.zone}/{vnet}')
  list(@ReqParams() p: Params) {
    const vnet = String(p.vnet);
    this.objects.require('vnets', vnet);
    return this.objects.list('subnets', p, (o) => o.vnet === vnet);
  }

  @Get(':subnet')
  @Privilege(['SDN.Audit', 'SDN.Allocate'], '/sdn/zones/{vnet.zone}/{vnet}', { also: [SUBNET_OWN_PATH] })
  get(@ReqParams() p: Params) {
    const vnet = String(p.vnet);
    this.objects.require('vnets', vnet);
    const o = this.objects.get('subnets', String(p.subnet), p);
    if (o.vnet !== vnet) throw ApiError.param('vnet', 'wrong vnet');
    return o;
  }

  @Post()
  @ApiOperation({ summary: 'Create a subnet (subnet CIDR, type=subnet, gateway, snat, dnszoneprefix, dhcp-range[], dhcp-dns-server; lock-token; gateway-outside-subnet=1 accepts a gateway outside the subnet)' })
  @Privilege('SDN.Allocate', '/sdn/zones/{vnet.zone}/{vnet}')
  create(@ReqParams() p: Params, @Actor() actor: string, @CorrelationId() correlationId?: string) {
    const vnet = String(p.vnet);
    this.objects.require('vnets', vnet);
    const props = { ...objectProps(p, SUBNET_FLAGS), vnet };
    return this.ipam.create(vnet, props, p, () => this.objects.create('subnets', props, p, { actor, correlationId }));
  }

  @Put(':subnet')
  @ApiOperation({ summary: 'Update a subnet (properties, delete, digest, lock-token, gateway-outside-subnet)' })
  @Privilege('SDN.Allocate', '/sdn/zones/{vnet.zone}/{vnet}', { also: [SUBNET_OWN_PATH] })
  update(@ReqParams() p: Params, @Actor() actor: string, @CorrelationId() correlationId?: string) {
    const vnet = String(p.vnet);
    this.objects.require('vnets', vnet);
    const id = String(p.subnet);
    const props = { ...objectProps(p, ['subnet', ...SUBNET_FLAGS]), vnet };
    return this.ipam.update(vnet, id, props, p, () => this.objects.update('subnets', id, props, p, { actor, correlationId }));
  }

  @Delete(':subnet')
  @Privilege('SDN.Allocate', '/sdn/zones/{vnet.zone}/{vnet}', { also: [SUBNET_OWN_PATH] })
  remove(@ReqParams() p: Params, @Actor() actor: string, @CorrelationId() correlationId?: string) {
    const vnet = String(p.vnet);
    this.objects.require('vnets', vnet);
    const id = String(p.subnet);
    return this.ipam.remove(vnet, id, () => this.objects.remove('subnets', id, p, { actor, correlationId }, vnet));
  }
}
