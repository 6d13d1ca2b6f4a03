import { countListed, dedupPostUpRules, parsePostUp, shellWords } from './iptables-dedup';

const SNAT = "iptables -t nat -A POSTROUTING -s '10.0.1.0/24' -o vmbr0 -j SNAT --to-source 192.168.0.1";
const CT = 'iptables -t raw -I PREROUTING -i fwbr+ -j CT --zone 1';

describe('post-up rule parsing', () => {
  it('reads the rules PVE simple zones add, in iptables -S form', () => {
    expect(shellWords("a 'b c' \"d\" e")).toEqual(['a', 'b c', 'd', 'e']);
    expect(parsePostUp(SNAT)).toEqual({ tool: 'iptables', table: 'nat', chain: 'POSTROUTING', spec: ['-s', '10.0.1.0/24', '-o', 'vmbr0', '-j', 'SNAT', '--to-source', '192.168.0.1'] });
    expect(parsePostUp(CT)).toEqual({ tool: 'iptables', table: 'raw', chain: 'PREROUTING', spec: ['-i', 'fwbr+', '-j', 'CT', '--zone', '1'] });
    expect(parsePostUp('iptables -t nat -A POSTROUTING -s 10.0.0.5 -j MASQUERADE')?.spec).toEqual(['-s', '10.0.0.5/32', '-j', 'MASQUERADE']);
    expect(parsePostUp('echo 1 > /proc/sys/net/ipv4/ip_forward')).toBeNull();
    expect(parsePostUp('iptables -t nat -D POSTROUTING -j SNAT')).toBeNull();
  });

  it('counts listed copies per canonical spec', () => {
    const listing = ['-P POSTROUTING ACCEPT', '-A POSTROUTING -s 10.0.1.0/24 -o vmbr0 -j SNAT --to-source 192.168.0.1', '-A POSTROUTING -s 10.0.1.0/24 -o vmbr0 -j SNAT --to-source 192.168.0.1', '-A POSTROUTING -j MASQUERADE'].join('\n');
    const c = countListed(listing, 'POSTROUTING');
    expect(c.get('-s 10.0.1.0/24 -o vmbr0 -j SNAT --to-source 192.168.0.1')).toBe(2);
    expect(c.get('-j MASQUERADE')).toBe(1);
  });
});

describe('dedupPostUpRules', () => {
  it('deletes only surplus copies of our own rules', async () => {
    // A fake iptables holding three SNAT copies (after two extra reloads) and a foreign rule.
    const nat = ['-A POSTROUTING -s 10.0.1.0/24 -o vmbr0 -j SNAT --to-source 192.168.0.1', '-A POSTROUTING -s 10.0.1.0/24 -o vmbr0 -j SNAT --to-source 192.168.0.1', '-A POSTROUTING -j MASQUERADE', '-A POSTROUTING -s 10.0.1.0/24 -o vmbr0 -j SNAT --to-source 192.168.0.1'];
    const raw = ['-A PREROUTING -i fwbr+ -j CT --zone 1'];
    const calls: string[] = [];
    const runner = async (argv: string[]) => {
      calls.push(argv.join(' '));
      const table = argv[3] === 'nat' ? nat : raw;
      if (argv[4] === '-S') return { code: 0, stdout: ['-P X ACCEPT', ...table].join('\n'), stderr: '' };
      const line = `-A ${argv[5]} ${argv.slice(6).join(' ')}`;
      table.splice(table.indexOf(line), 1);
      return { code: 0, stdout: '', stderr: '' };
    };
    expect(await dedupPostUpRules([SNAT, CT, 'true'], runner)).toBe(2);
    expect(nat).toEqual(['-A POSTROUTING -j MASQUERADE', '-A POSTROUTING -s 10.0.1.0/24 -o vmbr0 -j SNAT --to-source 192.168.0.1']);
    expect(raw).toHaveLength(1);
    expect(await dedupPostUpRules([SNAT, CT], runner)).toBe(0);
  });
});
