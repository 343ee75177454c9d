// Preloaded with `node --import` into a command under test: its wall clock
// runs CLOCK_AHEAD_MS ahead of real time. A restart "three minutes later"
// (after a crashed run's claims have expired) is simulated this way without
// waiting three minutes. Only the time the process reads changes.
const ahead = Number(process.env.CLOCK_AHEAD_MS ?? 0);
if (ahead !== 0) {
  const RealDate = Date;
  class AheadDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(RealDate.now() + ahead);
      else super(...args);
    }
    static now() {
      return RealDate.now() + ahead;
    }
  }
  globalThis.Date = AheadDate;
}
