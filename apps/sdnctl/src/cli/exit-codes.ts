/** sdnctl's exit codes (also printed by `sdnctl --help`). */
export const EXIT = {
  OK: 0,
  /** The API (or the database, for the direct commands) refused: bad input, no permission, not found. */
  REFUSED: 1,
  /** Wrong command line: unknown command or flag, missing argument. */
  USAGE: 2,
  /** `apply --wait`: some node failed to apply or is offline. */
  APPLY_FAILED: 3,
  /** `apply --wait`: nodes still pending when --timeout ran out. */
  TIMEOUT: 4,
  /** The API cannot be reached, or its certificate is not trusted / not the pinned one. */
  UNREACHABLE: 5,
  /** A bug in sdnctl. */
  INTERNAL: 70,
} as const;

export const EXIT_CODES_HELP = [
  'Exit codes:',
  '  0   success',
  '  1   refused by the API or the database (bad input, permission, not found); validate/conformance: problems found',
  '  2   usage error (unknown command or flag, missing argument); validate: the config is invalid',
  '  3   apply --wait: a node failed to apply or is offline (named in the output)',
  '  4   apply --wait: timed out with nodes still pending',
  '  5   the API is unreachable or its certificate is not trusted',
  '  70  internal error (set SDN_DEBUG=1 for the stack trace)',
].join('\n');
