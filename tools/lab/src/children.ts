import type { ChildProcess } from 'node:child_process';

const children = new Set<ChildProcess>();

/** Child processes (qemu, nats-server, API, config service) are killed when the lab exits for any reason. */
export function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

let installed = false;
export function killChildrenOnExit(): void {
  if (installed) return;
  installed = true;
  process.on('exit', () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  });
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      process.stdout.write(`\n[lab] ${sig}: stopping qemu and the lab's services\n`);
      process.exit(130);
    });
  }
}
