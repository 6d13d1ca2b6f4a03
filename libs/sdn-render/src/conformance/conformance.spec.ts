import * as path from 'node:path';
import * as fs from 'node:fs';
import { findCases, loadCase } from './case';
import { runCase } from './run';

// Golden vectors of the reference implementation, read in place (never copied).
const ZONES = path.resolve(__dirname, '../../../../../shared/conformance/zones');

describe('conformance: reference golden files, byte for byte', () => {
  if (!fs.existsSync(ZONES)) {
    it.skip(`needs ${ZONES}`, () => undefined);
    return;
  }
  const cases = findCases(ZONES);
  it('finds the 50 shared cases', () => expect(cases.length).toBe(50));
  for (const file of cases) {
    const c = loadCase(file);
    it(c.name, () => {
      const outcome = runCase(c);
      if (outcome.status === 'skipped') {
        console.log(`skipped ${c.name}: ${outcome.reason}`);
        return;
      }
      expect(outcome).toEqual({ name: c.name, status: 'passed' });
    });
  }
});
