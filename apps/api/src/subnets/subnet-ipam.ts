import { Inject, Injectable, Logger } from '@nestjs/common';
import { IPAM_PATTERNS } from '@sdn/contracts';
import type { SdnObject } from '@sdn/event-store';
import type { SubnetRegistrationRequest } from '@sdn/ipam';
import { API_CONFIG, type ApiConfig } from '../core/config';
import { SdnObjectsService } from '../core/objects.service';
import type { Params } from '../core/params';
import { SdnStateService } from '../core/sdn-state.service';
import { IpamClient } from '../ips/ipam-client';
import { externalIpamOf } from '../ips/zone-ipam';

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

  /** The zone's IPAM when it is external (and ipam-service reachable); otherwise null: the events carry the change. */
  private externalIpam(vnet: string): { ipamId: string; ipam: SdnObject } | null {
    if (!this.config.nats) return null;
    const pending = this.sdn.current.pending;
    return externalIpamOf(pending, String(pending.vnets[vnet]?.zone ?? ''));
  }

  /** Registers, writes, and undoes the registration when the write fails. */
  private async around(req: SubnetRegistrationRequest, write: () => Promise<null>): Promise<null> {
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

  // The edit is previewed (validated) only for an external IPAM: a preview outside the write queue
  // has no model index, and the built-in IPAM needs none of this.
  create(vnet: string, props: SdnObject, p: Params, write: () => Promise<null>): Promise<null> {
    const ext = this.externalIpam(vnet);
    if (!ext) return write();
    const edit = this.objects.preview('subnets', 'create', props, p);
    return this.around({ op: 'create', subnetId: edit.id, vnet, object: edit.object ?? undefined, ...ext }, write);
  }

  update(vnet: string, id: string, props: SdnObject, p: Params, write: () => Promise<null>): Promise<null> {
    const ext = this.externalIpam(vnet);
    const old = this.sdn.current.pending.subnets[id];
    if (!ext || !old) return write();
    const edit = this.objects.preview('subnets', 'update', props, p, id);
    return this.around({ op: 'update', subnetId: id, vnet, object: edit.object ?? undefined, old, ...ext }, write);
  }

  remove(vnet: string, id: string, write: () => Promise<null>): Promise<null> {
    const ext = this.externalIpam(vnet);
    const old = this.sdn.current.pending.subnets[id];
    // Only a delete the model accepts reaches the IPAM; the write checks it again.
    if (!ext || !old || old.vnet !== vnet) return write();
    return this.around({ op: 'delete', subnetId: id, vnet, old, ...ext }, write);
  }
}
