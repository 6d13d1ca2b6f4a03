import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { PowerDnsPlugin } from './powerdns-plugin';

/**
 * Golden vectors of the reference's PowerDNS plugin (/work/shared/conformance/dns/powerdns):
 * each operation runs against an in-process HTTP server that records what
 * arrives on the wire, and the recorded request must equal the serialised
 * HTTP::Request in the expected.* file: method, path+query, the plugin's
 * headers (names and values), body byte for byte.
 */
const DIR = resolve(process.env.SDN_SHARED_DIR ?? resolve(__dirname, '../../../../../shared'), 'conformance/dns/powerdns');

/** Headers the HTTP stack adds on its own (LWP adds its own equivalents); not part of the plugin's request. */
const TRANSPORT_HEADERS = new Set(['host', 'connection', 'content-length', 'accept', 'accept-language', 'accept-encoding', 'sec-fetch-mode', 'user-agent']);

interface Recorded {
  method: string;
  path: string;
  headers: Array<[string, string]>;
  body: string;
}

interface ExpectedFile {
  method: string;
  url: string;
  headers: Array<[string, string]>;
  body: string;
}

/** Reads one Data::Dumper-serialised HTTP::Request (single-quoted Perl strings: only \' and \\ are escapes). */
function readExpected(file: string): ExpectedFile {
  const text = readFileSync(join(DIR, file), 'utf8');
  const q = "'((?:[^'\\\\]|\\\\.)*)'";
  const unq = (s: string) => s.replace(/\\(['\\])/g, '$1');
  const field = (name: string) => {
    const m = new RegExp(`'${name}' => ${q}`).exec(text);
    if (!m) throw new Error(`${file}: no ${name}`);
    return unq(m[1]);
  };
  const uri = new RegExp(`\\\\\\(my \\$o = ${q}\\)`).exec(text);
  const headerBlock = /'_headers' => bless\( \{([\s\S]*?)\}, 'HTTP::Headers' \)/.exec(text)?.[1] ?? '';
  const stdCaseBlock = /'::std_case' => \{([\s\S]*?)\}/.exec(headerBlock)?.[1] ?? '';
  const pairs = (block: string) => [...block.matchAll(new RegExp(`${q} => ${q}`, 'g'))].map((m) => [unq(m[1]), unq(m[2])] as [string, string]);
  const stdCase = new Map(pairs(stdCaseBlock));
  // HTTP::Headers writes a field as its ::std_case spelling, else each '-'-separated word capitalised.
  const wire = (k: string) => stdCase.get(k) ?? k.replace(/(^|-)([a-z])/g, (_, d: string, c: string) => d + c.toUpperCase());
  const headers = pairs(headerBlock.replace(stdCaseBlock, '')).map(([k, v]) => [wire(k), v] as [string, string]);
  return { method: field('_method'), url: uri ? unq(uri[1]) : '', headers, body: field('_content') };
}

const cases = existsSync(join(DIR, 'case.json')) ? JSON.parse(readFileSync(join(DIR, 'case.json'), 'utf8')) : undefined;
if (!cases) console.warn(`SKIP powerdns conformance: ${DIR}/case.json not found (set SDN_SHARED_DIR)`);
const describeIf = cases ? describe : describe.skip;

describeIf('PowerDNS plugin: requests match the reference byte for byte', () => {
  let server: Server;
  let base: string;
  let recorded: Recorded[] = [];
  let zoneRrset: unknown = null;

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const headers: Array<[string, string]> = [];
        for (let i = 0; i < req.rawHeaders.length; i += 2) headers.push([req.rawHeaders[i], req.rawHeaders[i + 1]]);
        recorded.push({ method: req.method ?? '', path: req.url ?? '', headers, body });
        // The vectors stub the zone lookup with the step's rrset (or nothing); writes succeed.
        if (req.method === 'GET') {
          res.setHeader('Content-Type', 'application/json');
          res.end(JSON.stringify({ name: 'domain.com.', rrsets: zoneRrset ? [zoneRrset] : [] }));
        } else {
          res.statusCode = 204;
          res.end();
        }
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));

  const ops: Array<Record<string, any>> = cases?.operations ?? [];
  it('covers every expected.* file of the vector set', () => {
    expect(ops.map((o) => o.expected_file).sort()).toEqual(
      [
        'expected.add_a_multiple_record.ipv4', 'expected.add_a_multiple_record.ipv6', 'expected.add_a_record.ipv4', 'expected.add_a_record.ipv6',
        'expected.add_ptr_record.ipv4', 'expected.add_ptr_record.ipv6', 'expected.del_a_multiple_record.ipv4', 'expected.del_a_multiple_record.ipv6',
        'expected.del_a_record.ipv4', 'expected.del_a_record.ipv6', 'expected.del_ptr_record.ipv4', 'expected.del_ptr_record.ipv6', 'expected.verify_zone',
      ].sort(),
    );
  });

  it.each(ops.map((o) => [o.expected_file, o]))('%s', async (file, op) => {
    const config = cases.plugin_config;
    const origin = new URL(config.url).origin;
    const plugin = new PowerDnsPlugin({ ...config, url: config.url.replace(origin, base) });
    recorded = [];
    zoneRrset = op.mocks?.get_zone_rrset && typeof op.mocks.get_zone_rrset === 'object' ? op.mocks.get_zone_rrset : null;
    const { zone, hostname, ip } = op.inputs;

    switch (op.method) {
      case 'add_a_record': await plugin.addARecord(zone, hostname, ip); break;
      case 'del_a_record': await plugin.delARecord(zone, hostname, ip); break;
      case 'add_ptr_record': await plugin.addPtrRecord(zone, hostname, ip); break;
      case 'del_ptr_record': await plugin.delPtrRecord(zone, ip); break;
      case 'verify_zone': await plugin.verifyZone(zone); break;
      default: throw new Error(`unknown method ${op.method}`);
    }

    const expected = readExpected(file);
    expect(recorded.length).toBeGreaterThan(0);
    const last = recorded[recorded.length - 1];
    // Requests before the captured one may only be the zone-content lookup, which the reference also
    // makes (§6.6; not part of the vectors). Ours narrows it to the rrset with rrset_name/rrset_type.
    for (const r of recorded.slice(0, -1)) {
      expect(r.method).toBe('GET');
      expect(r.path.split('?')[0]).toBe(`/api/v1/servers/localhost/zones/${zone}`);
    }

    expect(last.method).toBe(expected.method);
    expect(expected.url.startsWith(config.url)).toBe(true);
    const u = new URL(expected.url);
    expect(last.path).toBe(u.pathname + u.search);
    const own = last.headers.filter(([k]) => !TRANSPORT_HEADERS.has(k.toLowerCase()));
    expect(own.slice().sort()).toEqual(expected.headers.slice().sort());
    expect(Buffer.from(last.body)).toEqual(Buffer.from(expected.body));
    // The files agree with case.json's parsed view, so a parser slip cannot make both sides empty.
    expect(expected.body).toBe(op.expected_request.body);
    expect(Object.fromEntries(expected.headers)).toEqual(op.expected_request.headers_wire_names);
  });
});
