import { reapStaleLabs } from './lab';

/**
 * `node -r ./tools/register.js libs/netns-lab/src/cleanup.ts`: removes
 * every lab whose test process is gone (namespaces, their processes, host
 * devices, work folders). Safe to run any time; live labs are kept.
 */
const reaped = reapStaleLabs();
console.log(reaped.length ? `removed stale labs: ${reaped.join(' ')}` : 'no stale labs');
