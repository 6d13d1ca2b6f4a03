import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scanSdnFile, SdnFileCache } from './sdn-file';

describe('SDN file view', () => {
  it('reads #version and the iface stanza names from the bytes, as a line-anchored `iface <name>` match would', () => {
    const text = '#version:12\n\nauto a\niface a\n\tbridge_ports none\n\niface  b inet manual\niface\tc\nxiface d\n iface e\niface\nifacex f\niface ü1\n';
    const regex = new Set(Array.from(text.matchAll(/^iface[ \t]+(\S+)/gm), (m) => m[1]));
    expect(scanSdnFile(Buffer.from(text))).toEqual({ version: 12, devices: regex });
    expect([...regex]).toEqual(['a', 'b', 'c', 'ü1']);
    expect(scanSdnFile(Buffer.from('iface first\n'))).toEqual({ version: null, devices: new Set(['first']) });
    expect(scanSdnFile(Buffer.from(''))).toEqual({ version: null, devices: new Set() });
  });

  it('takes what the agent wrote without reading it back, and re-reads a file changed behind its back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sdn-file-'));
    try {
      const path = join(dir, 'sdn');
      const cache = new SdnFileCache(path);
      expect(await cache.get()).toEqual({ version: null, devices: new Set() });
      writeFileSync(path, '#version:3\niface a\n');
      await cache.written(Buffer.from('#version:3\niface a\n'));
      expect(await cache.get()).toEqual({ version: 3, devices: new Set(['a']) });
      writeFileSync(path, '#version:4\niface a\niface bb\n');
      expect(await cache.get()).toEqual({ version: 4, devices: new Set(['a', 'bb']) });
      rmSync(path);
      await cache.written(null);
      expect(await cache.get()).toEqual({ version: null, devices: new Set() });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
