import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';

/** Debian's chromium (tools/setup-test-env.sh installs it); never a downloaded browser. */
export const CHROMIUM = process.env.SDN_CHROMIUM || '/usr/bin/chromium';

/**
 * Headless Chromium as the machine allows it: no sandbox as root, and none of
 * the background connections (sync, updates, Google lookups) a closed network
 * refuses.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run tools/setup-test-env.sh as root (installs Debian's chromium)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export const SHOTS = join(__dirname, '../../screenshots');
export function shotPath(name: string): string {
  mkdirSync(SHOTS, { recursive: true });
  return join(SHOTS, `${name}.png`);
}
