import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { OBJECT_KINDS, SCHEMAS, typeAllows } from '@sdn/model';
import { parameterHelp } from './param-help';

const ROOT = path.resolve(__dirname, '../../../..');

describe('sdnctl create|set PATH --help', () => {
  it("lists every schema parameter of the path's create and update, with the types that take and need it", () => {
    for (const kind of OBJECT_KINDS) {
      const schema = SCHEMAS[kind];
      const collection = kind === 'subnets' ? '/cluster/sdn/vnets/v1/subnets' : `/cluster/sdn/${kind}`;
      const create = parameterHelp('POST', collection);
      const update = parameterHelp('PUT', `${collection}/x1`);
      for (const key of Object.keys(schema.properties)) {
        const used = Object.values(schema.types).some((o) => typeAllows(o, key));
        // A subnet's vnet is in the path; a key no type takes is refused, so not offered.
        const offered = used && !(kind === 'subnets' && key === 'vnet');
        expect([kind, key, create.includes(`--${key} <`)]).toEqual([kind, key, offered]);
        expect([kind, key, update.includes(`--${key} <`)]).toEqual([kind, key, offered]);
      }
      expect(create).toContain(`--${schema.idParam} <`);
    }
    const zones = parameterHelp('POST', '/cluster/sdn/zones');
    expect(zones).toMatch(/--bridge <kernel-ifname> +\(types: vlan, qinq; required for vlan, qinq\) Existing local bridge/);
    expect(zones).toMatch(/--vxlan-port <integer 1\.\.65535> +\(default 4789; types: vxlan, evpn\)/);
    expect(zones).toMatch(/--type <simple\|vlan\|qinq\|vxlan\|evpn> +\(required\)/);
    expect(parameterHelp('PUT', '/cluster/sdn/zones')).toContain('No PUT operation at /cluster/sdn/zones');
  });

  it('prints them from the command line without the network', () => {
    const script = `
      const net = require('node:net');
      net.Socket.prototype.connect = function () { throw new Error('network used'); };
      require('./apps/sdnctl/src/main.ts').main(['set', '/cluster/sdn/controllers/c1', '--help']).then((code) => process.stderr.write('CODE ' + code + '\\n'));
    `;
    const r = spawnSync(process.execPath, ['-r', './tools/register.js', '-e', script], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, SDN_URL: 'http://127.0.0.1:1' }, timeout: 60_000 });
    expect(r.stderr).toContain('CODE 0');
    expect(r.stdout).toContain('Usage: sdnctl set');
    expect(r.stdout).toMatch(/PUT \/api2\/json\/cluster\/sdn\/controllers\/\{controller\}: Update a controller/);
    expect(r.stdout).toMatch(/--asn <integer 1\.\.4294967295> +\(types: evpn, bgp\) Local BGP AS number\./);
  }, 90_000);
});
