import { ErrorCode, NatsError } from 'nats';
import { IPAM_PATTERNS } from '@sdn/contracts';
import type { ApiConfig } from '../core/config';
import type { NatsService } from '../core/nats.service';
import { ApiError } from '../core/api-error';
import { IpamClient } from './ipam-client';

/**
 * What the client does when a request is not answered: the IPAM replica or NATS server that
 * had it died. A scripted connection stands in for NATS: each request takes the next outcome.
 */
function scripted(outcomes: (string | ((body: any) => unknown))[]) {
  const sent: { subject: string; body: any }[] = [];
  const nc = {
    async request(subject: string, data: Uint8Array) {
      const body = JSON.parse(new TextDecoder().decode(data));
      sent.push({ subject, body });
      const next = outcomes.shift();
      if (typeof next === 'string') throw NatsError.errorForCode(next);
      if (!next) throw new Error('no outcome scripted');
      return { data: new TextEncoder().encode(JSON.stringify(next(body))) };
    },
  };
  const nats = { current: () => nc } as unknown as NatsService;
  const client = new IpamClient({ ipamInFlight: 2, ipamRetryMs: 5_000, busNamespace: '' } as ApiConfig, nats);
  return { client, sent };
}

const allocated = (b: { zone: string; vnet: string }) => ({ ok: true, data: [{ zone: b.zone, vnet: b.vnet, subnet: '10.0.0.0/24', ip: '10.0.0.5' }] });
const req = { zone: 'z', vnet: 'v', hostname: 'h' };

describe('IpamClient when the IPAM service does not answer', () => {
  it('sends an allocation again after no responders and after a timeout, with the same requestId marked as a retry', async () => {
    const { client, sent } = scripted([ErrorCode.NoResponders, ErrorCode.Timeout, allocated]);
    await expect(client.allocate(req, 'vnet')).resolves.toEqual(allocated(req).data);
    expect(sent.map((s) => s.subject)).toEqual([IPAM_PATTERNS.allocate, IPAM_PATTERNS.allocate, IPAM_PATTERNS.allocate]);
    const [first, second, third] = sent.map((s) => s.body);
    expect(first.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(first.retry).toBeUndefined();
    expect(second).toEqual({ ...first, retry: true });
    expect(third).toEqual({ ...first, retry: true });
  });

  it('does not send an external IPAM allocation again after a timeout (phpIPAM and NetBox keep no request id)', async () => {
    const { client, sent } = scripted([ErrorCode.NoResponders, ErrorCode.Timeout, allocated]);
    const external = { ...req, ipamId: 'nb', ipam: { type: 'netbox' } };
    const err = await client.allocate(external, 'vnet').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(503);
    expect(sent).toHaveLength(2);
    expect(sent[0].body.requestId).toBeUndefined();
  });

  it('a release is sent again only when it cannot have arrived (no responders), never after a timeout', async () => {
    const { client, sent } = scripted([ErrorCode.NoResponders, ErrorCode.Timeout]);
    await expect(client.call(IPAM_PATTERNS.release, { ...req, ip: '10.0.0.5' })).rejects.toMatchObject({ status: 503 });
    expect(sent).toHaveLength(2);
  });

  it('gives up with 503 after SDN_API_IPAM_RETRY_MS', async () => {
    const { client, sent } = scripted(Array.from({ length: 50 }, () => ErrorCode.NoResponders));
    (client as unknown as { config: ApiConfig }).config.ipamRetryMs = 900;
    const t0 = Date.now();
    await expect(client.allocate(req, 'vnet')).rejects.toMatchObject({ status: 503 });
    expect(Date.now() - t0).toBeLessThan(2_000);
    // Pauses of 100, 200 and 400 ms fit in 900 ms; the next (800) does not.
    expect(sent).toHaveLength(4);
  });

  it('an IPAM refusal is the caller’s 400 at once, not retried', async () => {
    const { client, sent } = scripted([() => ({ ok: false, error: "IP '10.0.0.5' already exist", field: 'ip' })]);
    await expect(client.allocate({ ...req, ip: '10.0.0.5' }, 'ip')).rejects.toMatchObject({ status: 400 });
    expect(sent).toHaveLength(1);
  });
});
