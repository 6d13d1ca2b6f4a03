import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { log } from './log';
import type { VmImage } from './vm';

/** Runs image/build.sh (cached by input hash under `cacheDir`) and returns the image paths. */
export function buildImage(labDir: string, cacheDir: string): Promise<VmImage> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const child = spawn('bash', [join(labDir, 'image', 'build.sh'), cacheDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d: Buffer) => {
      for (const line of d.toString().split('\n')) if (line.trim()) process.stdout.write(`    ${line}\n`);
    });
    child.on('close', (code) => {
      const m = /^IMAGE (.+)$/m.exec(out);
      if (code !== 0 || !m) return reject(new Error(`image build failed (rc ${code})`));
      const dir = m[1].trim();
      log(`image ready in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${dir}`);
      resolve({ dir, kernel: join(dir, 'vmlinuz'), initrd: join(dir, 'initrd.img'), disk: join(dir, 'image.ext4') });
    });
  });
}
