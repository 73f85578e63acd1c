// LIFTOFF_TEST_SKIP=postgres,browser (set by `npm run test:quick`) asks the helpers to skip those suites. It is a
// request, not a missing service, so it applies with CI=true too; CI never sets it.
export type SkippableSuite = 'postgres' | 'browser';

/** The skip reason when LIFTOFF_TEST_SKIP names this kind of suite, else null. */
export function requestedSkip(kind: SkippableSuite): string | null {
  const requested = (process.env.LIFTOFF_TEST_SKIP ?? '').split(',').map((s) => s.trim().toLowerCase());
  return requested.includes(kind) ? `LIFTOFF_TEST_SKIP=${process.env.LIFTOFF_TEST_SKIP}` : null;
}
