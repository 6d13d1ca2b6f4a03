import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { IPAM_PATTERNS } from '@sdn/contracts';
import { AllocateRequest, IpamRpc } from './ipam-rpc';

export const IPAM_RPC = Symbol('IPAM_RPC');

/** Thin pattern map; the rules live in IpamRpc. */
@Controller()
export class IpamController {
  constructor(@Inject(IPAM_RPC) private readonly rpc: IpamRpc) {}

  @MessagePattern(IPAM_PATTERNS.allocate)
  allocate(@Payload() r: AllocateRequest) {
    return this.rpc.allocate(r);
  }
  @MessagePattern(IPAM_PATTERNS.update)
  update(@Payload() r: AllocateRequest & { ip: string }) {
    return this.rpc.update(r);
  }
  @MessagePattern(IPAM_PATTERNS.release)
  release(@Payload() r: AllocateRequest & { ip: string }) {
    return this.rpc.release(r);
  }
  @MessagePattern(IPAM_PATTERNS.list)
  list(@Payload() r: { zone?: string; mac?: string }) {
    return this.rpc.list(r ?? {});
  }
  @MessagePattern(IPAM_PATTERNS.status)
  status() {
    return this.rpc.status();
  }
}
