// JSON text as OPA's Go encoder writes it: two-space indentation, object keys sorted where Go marshals
// maps (values), and `<`, `>`, `&`, U+2028, U+2029 escaped, as `encoding/json` does by default.
// Output that scripts parse and diff against `opa` should not differ in these details.

/**
 * `value` as Go's `json.Encoder` with `SetIndent("", "  ")` writes it, or as `json.Marshal` writes
 * it when `indent` is false (no trailing newline).
 */
export function goJSON(value: unknown, indent = true): string {
  return JSON.stringify(value, null, indent ? 2 : undefined).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** A copy of a JSON value with every object's keys in sorted order, as Go marshals maps. */
export function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value).sort()) out[k] = sortedKeys((value as Record<string, unknown>)[k]);
  return out;
}
