import { Inject, Injectable, Logger } from '@nestjs/common';
import { IPAM_PATTERNS } from '@sdn/contracts';
import type { SdnObject } from '@sdn/event-store';
import type { SubnetRegistrationRequest } from '@sdn/ipam';
import { API_CONFIG, type ApiConfig } from '../core/config';
import { SdnObjectsService } from '../core/objects.service';
import type { Params } from '../core/params';
import { SdnStateService } from '../core/sdn-state.service';
import { IpamClient } from '../ips/ipam-client';

/** IPAM types that live outside this system: their refusals are the operator's to read. */
const EXTERNAL_IPAM_TYPES = new Set(['phpipam', 'netbox']);

/**
 * Spec §6.1: a subnet change reaches the zone's IPAM inside the API call,
 * before anything is written, so the IPAM's refusal (bad token, unknown
 * section, overlapping prefix…) is the caller's 400 and nothing changes. For
 * phpIPAM and NetBox this asks ipam-service to register the change first,
 * then writes the event; should the write fail, the registration is undone.
 * (Should the API die in between, ipam-service repairs the IPAM from the
 * config once no event came.) The built-in IPAM follows the events as before:
 * it has nothing to refuse that validation has not.
 */
@Injectable()
export class SubnetIpam {
  private readonly log = new Logger('subnets');

  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    private readonly sdn: SdnStateService,
    private readonly objects: SdnObjectsService,
    private readonly ipam: IpamClient,
  ) {}

  /** The registration request for a change of subnet `id` of `vnet`, or null when its zone's IPAM is not external. */
  private request(op: SubnetRegistrationRequest['op'], id: string, vnet: string, object?: SdnObject, old?: SdnObject): SubnetRegistrationRequest | null {
    if (!this.config.nats) return null; // no ipam-service reachable: the events carry it later
    const pending = this.sdn.current.pending;
    const zone = pending.zones[String(pending.vnets[vnet]?.zone ?? '')];
    const ipamId = typeof zone?.ipam === 'string' ? zone.ipam : '';
    const ipam = ipamId ? pending.ipams[ipamId] : undefined;
    if (!ipam || !EXTERNAL_IPAM_TYPES.has(String(ipam.type))) return null;
    return { op, subnetId: id, vnet, object, old, ipamId, ipam };
  }

  /** Registers, writes, and undoes the registration when the write fails. */
  private async around(req: SubnetRegistrationRequest | null, write: () => Promise<null>): Promise<null> {
    if (!req) return write();
    await this.ipam.call<null>(IPAM_PATTERNS.subnet, req, 'subnet');
    try {
      return await write();
    } catch (e) {
      await this.ipam.call<null>(IPAM_PATTERNS.subnet, { ...req, undo: true }, 'subnet').catch((u: Error) => {
        // ipam-service's sweeper repairs it: the registration stays recorded.
        this.log.warn(`subnet ${req.subnetId}: write failed and the IPAM registration could not be undone now (${u.message}); ipam-service repairs it`);
      });
      throw e;
    }
  }

  create(vnet: string, props: SdnObject, p: Params, write: () => Promise<null>): Promise<null> {
    const edit = this.objects.preview('subnets', 'create', props, p);
    return this.around(this.request('create', edit.id, vnet, edit.object ?? undefined), write);
  }

  update(vnet: string, id: string, props: SdnObject, p: Params, write: () => Promise<null>): Promise<null> {
    const old = this.sdn.current.pending.subnets[id];
    const edit = this.objects.preview('subnets', 'update', props, p, id);
    return this.around(old ? this.request('update', id, vnet, edit.object ?? undefined, old) : null, write);
  }

  remove(vnet: string, id: string, write: () => Promise<null>): Promise<null> {
    const old = this.sdn.current.pending.subnets[id];
    // Only a delete the model accepts reaches the IPAM; the write checks it again.
    return this.around(old && old.vnet === vnet ? this.request('delete', id, vnet, undefined, old) : null, write);
  }
}
