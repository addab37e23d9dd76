import type { AppDeps } from '../core/deps.js';

const order = { debug: 0, info: 1, warn: 2, error: 3 } as const;

/** A one-line JSON logger to stderr at or above `level`. */
export function jsonLogger(level: keyof typeof order): NonNullable<AppDeps['log']> {
  return (lvl, msg, fields) => {
    if (order[lvl] < order[level]) return;
    process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level: lvl, msg, ...fields })}\n`);
  };
}
