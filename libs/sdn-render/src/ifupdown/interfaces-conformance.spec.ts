import * as fs from 'node:fs';
import * as path from 'node:path';
import { factsFromMocks, findCases, loadCase } from '../conformance/case';
import { renderInterfaces } from './render-interfaces';

// The interfaces file alone, without importing render.ts, so it is checked independently of the FRR renderer.
const ZONES = path.resolve(__dirname, '../../../../../shared/conformance/zones');

describe('ifupdown2 sdn file against the golden vectors', () => {
  if (!fs.existsSync(ZONES)) {
    it.skip(`needs ${ZONES}`, () => undefined);
    return;
  }
  for (const file of findCases(ZONES)) {
    const c = loadCase(file);
    const actual = renderInterfaces(c.config, factsFromMocks(c));
    if (c.config.fabrics) {
      // The fabric part (§1.10) is appended by another renderer; the zone part must be its exact prefix.
      it(`${c.name} (zone part)`, () => {
        expect(c.expectedInterfaces.startsWith(actual)).toBe(true);
        expect(c.expectedInterfaces.slice(actual.length)).toMatch(/^\nauto \S+\niface \S+ inet6? static\n/);
      });
    } else {
      it(c.name, () => {
        // Line arrays first: jest then shows the differing lines, not two long strings.
        expect(actual.split('\n')).toEqual(c.expectedInterfaces.split('\n'));
        expect(actual).toBe(c.expectedInterfaces);
      });
    }
  }
});
