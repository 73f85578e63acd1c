// Builtins deliberately not implemented, with the reason. The conformance runner skips
// cases that call one of these; the compiler reports a clear error when a policy uses one.

/** Unsupported builtin name → reason. */
export const UNSUPPORTED_BUILTINS: Readonly<Record<string, string>> = {
  'http.send': 'network access from policies is disabled in Liftoff',
};
