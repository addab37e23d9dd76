import type { Clock } from '../../src/domain/runtime.js';

/** A clock tests can move forward. */
export interface TestClock extends Clock {
  /** Moves time forward by `ms` milliseconds. */
  advance(ms: number): void;
  /** Sets the current time. */
  set(d: Date): void;
}

/** A controllable clock starting at `start` (default: the real current time). */
export function testClock(start: Date = new Date()): TestClock {
  let t = start.getTime();
  return {
    now: () => new Date(t),
    advance(ms) {
      t += ms;
    },
    set(d) {
      t = d.getTime();
    },
  };
}
