/**
 * Task ids in the reference's UPID form
 * `UPID:<node>:<pid>:<pstart>:<starttime>:<type>:<id>:<user>:` (hex fields),
 * so clients that parse UPIDs keep working. `pstart` is a per-process
 * counter here: it makes ids unique even for two applies in one second.
 */
let counter = 0;

export function newTaskId(node: string, type: string, user: string, now = Date.now()): string {
  const hex = (n: number) => (n >>> 0).toString(16).toUpperCase().padStart(8, '0');
  counter = (counter + 1) >>> 0;
  return `UPID:${node}:${hex(process.pid)}:${hex(counter)}:${hex(Math.floor(now / 1000))}:${type}::${user}:`;
}
