export const HOUR = 3600_000;

/**
 * The hub's env for tests that tick the deadline watcher by hand: its background pass runs once at start
 * and then sleeps an hour, so it never races a test's own tick().
 */
export const DEADLINES_BY_HAND = { DEADLINES_POLL_MS: '3600000' };

/** A clock the test moves (pass `clock` to createTestHub); `now` is the time it reads. */
export function handClock(start: string) {
  let current = new Date(start);
  return {
    clock: () => current,
    get now() {
      return current;
    },
    set(at: string | number | Date) {
      current = new Date(at);
    },
    advance(ms: number) {
      current = new Date(current.getTime() + ms);
    },
  };
}
