import { renderNode, syntheticNodeFacts } from '../index';
import { versionLine, withoutVersionLine, withVersionLine, withVersionLineBytes } from './version-line';

describe('version line of the sdn file', () => {
  const running = (version: number) => ({
    version,
    zones: { ids: { zx: { type: 'vxlan', peers: '10.0.0.1,10.0.0.2', ipam: 'pve' } } },
    vnets: { ids: { vx1: { type: 'vnet', zone: 'zx', tag: 100 } } },
  });
  const render = (version: number) => renderNode(running(version) as never, syntheticNodeFacts('n1', '10.0.0.1')).interfaces;

  it('re-versions a rendered file into the file a render of the other version writes', () => {
    const v7 = withVersionLineBytes(Buffer.from(render(3)), 7);
    expect(v7?.toString('utf8')).toBe(render(7));
    expect(withVersionLine(render(3), 7)).toBe(render(7));
    expect(render(7).startsWith(versionLine(7))).toBe(true);
  });

  it('leaves out only the version line', () => {
    expect(withoutVersionLine(render(3))).toBe(withoutVersionLine(render(12)));
    expect(withoutVersionLine(render(3))).toBe(render(3).slice('#version:3\n'.length));
    expect(withoutVersionLine('#version:5')).toBe('');
  });

  it('gives undefined for a file without a version line', () => {
    expect(withoutVersionLine('auto x\n')).toBeUndefined();
    expect(withVersionLine('auto x\n', 2)).toBeUndefined();
    expect(withVersionLineBytes(Buffer.from('auto x\n#version:3\n'), 4)).toBeUndefined();
  });
});
