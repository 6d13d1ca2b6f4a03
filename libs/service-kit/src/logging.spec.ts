import { spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '../../..');

/** Runs a fixture and returns its stdout as it arrived, chunk by chunk. */
function stdoutChunks(fixture: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', './tools/register.js', join('libs/service-kit/src', fixture)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    const chunks: string[] = [];
    child.stdout.on('data', (d: Buffer) => chunks.push(d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(chunks) : reject(new Error(`exit ${code}`))));
  });
}

describe('createLogger batched (the API: a line per request)', () => {
  it('writes a quiet logger’s line without waiting for more lines or the exit, and the last lines at exit', async () => {
    // 'first' alone is far below a batch; it must come out on its own while the process waits.
    const chunks = await stdoutChunks('batched-logger.fixture.ts');
    const lines = chunks.join('').trim().split('\n').map((l) => JSON.parse(l) as { msg: string; service: string });
    expect(lines.map((l) => [l.service, l.msg])).toEqual([
      ['batch-spec', 'first'],
      ['batch-spec', 'last'],
    ]);
    expect(chunks.findIndex((c) => c.includes('"first"'))).toBeLessThan(chunks.findIndex((c) => c.includes('"last"')));
  }, 30_000);
});
