import { HttpRequest, canonicalJson, fetchHttpClient } from './http/http-client';
import { NetboxPlugin } from './netbox/netbox.plugin';
import { PhpIpamPlugin } from './phpipam/phpipam.plugin';
import { IpamPlugin, IpamSubnet } from './plugin';
import { readCase, readExpected } from './testing/conformance';
import { startFakeServer } from './testing/fake-http';
import { FakeNetbox } from './testing/fake-netbox';
import { FakePhpIpam } from './testing/fake-phpipam';

/**
 * Drives each plugin through conformance/ipams/<plugin>/case.json against a fake server that
 * behaves like the real API. The reference stubs its lookups; we let them run for real (seeding
 * the fake so the ids are 1 as in the stubs) and compare the first mutating request.
 */
describe.each(['phpipam', 'netbox'] as const)('ipams/%s conformance', (kind) => {
  const c = readCase(`ipams/${kind}`);
  let fake: FakePhpIpam | FakeNetbox;
  let server: Awaited<ReturnType<typeof startFakeServer>>;
  const base = new URL(c.plugin_config.url).pathname;

  beforeAll(async () => {
    server = await startFakeServer((...a) => fake.handler(...a));
  });
  afterAll(() => server.close());

  const subnet: IpamSubnet = { id: c.subnet.id, zone: c.subnet.zone, cidr: c.subnet.cidr };

  it.each((c.operations as any[]).map((o: any) => [o.expected_file, o] as [string, any]))('%s', async (_f: string, op: any) => {
    const sent: HttpRequest[] = [];
    const inner = fetchHttpClient();
    const http = (r: HttpRequest) => (sent.push(r), inner(r));
    let plugin: IpamPlugin;
    if (kind === 'phpipam') {
      const f = new FakePhpIpam(c.plugin_config.token, base);
      if (op.mocks.get_prefix_id) f.seedSubnet(subnet.cidr);
      if (op.mocks.get_prefix_id && ['del_ip', 'update_ip'].includes(op.method)) f.handler('POST', `${base}/addresses/`, new URLSearchParams(), { token: f.token }, { ip: op.inputs.ip, subnetId: 1, hostname: 'x', description: null, is_gateway: 1 });
      fake = f;
      plugin = new PhpIpamPlugin({ ...c.plugin_config, url: server.url + base }, http);
    } else {
      const f = new FakeNetbox(c.plugin_config.token, base);
      if (op.mocks.get_prefix_id) f.seedPrefix(subnet.cidr);
      if (['del_ip', 'update_ip'].includes(op.method)) f.seedAddress(`${op.inputs.ip}/24`, 'gateway');
      fake = f;
      plugin = new NetboxPlugin({ ...c.plugin_config, url: server.url + base }, http);
    }
    const i = op.inputs;
    // phpipam puts the positional "description" slot in `description`; netbox calls it vmid.
    const attrs = { hostname: i.hostname, mac: i.mac, vmid: i.description ?? i.vmid, isGateway: i.is_gateway === 1 };
    switch (op.method) {
      case 'add_ip': await plugin.addIp(subnet, i.ip, attrs); break;
      case 'add_next_freeip': expect(await plugin.addNextFreeIp(subnet, attrs)).toBe('10.0.0.1'); break;
      case 'del_ip': await plugin.delIp(subnet, i.ip); break;
      case 'update_ip': await plugin.updateIp(subnet, i.ip, attrs); break;
      case 'add_subnet': await plugin.addSubnet(subnet); break;
      default: throw new Error(`unknown op ${op.method}`);
    }
    const mutating = sent.find((r) => r.method !== 'GET');
    expect(mutating).toBeDefined();
    const exp = readExpected(`ipams/${kind}`, op.expected_file);
    expect(mutating!.method).toBe(exp.method);
    expect(mutating!.url.slice(server.url.length + base.length)).toBe(exp.url.slice(c.plugin_config.url.length));
    expect(mutating!.headers).toEqual(exp.headers);
    expect(Object.keys(mutating!.headers)).toEqual(Object.keys(exp.headers).sort());
    expect(mutating!.body === undefined ? '' : canonicalJson(mutating!.body)).toBe(exp.body);
  });
});
