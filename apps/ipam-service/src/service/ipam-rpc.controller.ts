import { Controller } from '@nestjs/common';
import { Ctx, MessagePattern, NatsContext, Payload } from '@nestjs/microservices';
import { IPAM_PATTERNS } from '@sdn/contracts';
import { MAX_ALLOCATE_EACH, type AllocateEachRequest, type AllocateRequest, type DhcpLeaseRequest, type SubnetRegistrationRequest } from '@sdn/ipam';
import { IpamRpc } from './ipam-rpc';
import { SubnetSync } from './subnet-sync';

/**
 * IPAM_PATTERNS on Nest's NATS transport (BusNatsServer of @sdn/service-kit/nest: the bus
 * namespace, the `ipam-service` queue group so each request is answered by one replica, bare
 * JSON on the wire as the API's IpamClient sends it). A thin pattern map: the rules are IpamRpc's.
 */
@Controller()
export class IpamRpcController {
  constructor(
    private readonly rpc: IpamRpc,
    private readonly sync: SubnetSync,
  ) {}

  @MessagePattern(IPAM_PATTERNS.allocate)
  allocate(@Payload() b: AllocateRequest) {
    return this.rpc.allocate(b);
  }

  /** Each request on its own (its own result, its own event); together they fill the next-free groups. */
  @MessagePattern(IPAM_PATTERNS.allocateEach)
  async allocateEach(@Payload() b: AllocateEachRequest) {
    if (!Array.isArray(b?.requests) || b.requests.length > MAX_ALLOCATE_EACH) return { ok: false, error: `requests must be a list of at most ${MAX_ALLOCATE_EACH}` };
    return { ok: true, data: await Promise.all(b.requests.map((r) => this.rpc.allocate(r))) };
  }

  @MessagePattern(IPAM_PATTERNS.update)
  update(@Payload() b: AllocateRequest & { ip: string }) {
    return this.rpc.update(b);
  }

  @MessagePattern(IPAM_PATTERNS.release)
  release(@Payload() b: AllocateRequest & { ip: string }) {
    return this.rpc.release(b);
  }

  @MessagePattern(IPAM_PATTERNS.list)
  list(@Payload() b: { zone?: string; mac?: string } | null) {
    return this.rpc.list(b ?? {});
  }

  /** The body is not read, but a request that is not JSON is still refused (the pipe runs on @Payload). */
  @MessagePattern(IPAM_PATTERNS.status)
  status(@Payload() _body: unknown) {
    return this.rpc.status();
  }

  /** The reporting node is the subject's last token: NATS lets each node publish only its own (@sdn/bus natsPermissions). */
  @MessagePattern(IPAM_PATTERNS.dhcpLease)
  dhcpLease(@Payload() b: DhcpLeaseRequest, @Ctx() ctx: NatsContext) {
    return this.rpc.dhcpLease(ctx.getSubject().split('.').pop() ?? '', b);
  }

  @MessagePattern(IPAM_PATTERNS.subnet)
  subnet(@Payload() b: SubnetRegistrationRequest) {
    return this.sync.handle(b);
  }
}
