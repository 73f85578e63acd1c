// A stack's `terraform_version` (docs/runs.md): an exact version ("1.11.4"), a partial one meaning any release of
// that line ("1.11" is 1.11.x), or Terraform's own constraint syntax ("~> 1.11", ">= 1.5, < 2.0", "!= 1.9.0").
// The runner checks the tool it finds against it; the API refuses what cannot be read.

type Version = [number, number, number];
type Check = (v: Version) => boolean;

const VERSION = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-[0-9A-Za-z.-]+)?$/;
const TERM = /^(=|!=|>=|<=|>|<|~>)?\s*(v?\d+(?:\.\d+){0,2}(?:-[0-9A-Za-z.-]+)?)$/;

function parts(text: string): { version: Version; given: number } | null {
  const m = VERSION.exec(text.trim());
  if (!m) return null;
  const given = m[3] !== undefined ? 3 : m[2] !== undefined ? 2 : 1;
  return { version: [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)], given };
}

function compare(a: Version, b: Version): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return 0;
}

/** The version a prefix of `given` parts stops matching at: 1.11 → 1.12.0, 1 → 2.0.0, 1.11.4 → 1.11.5. */
function nextAfter(v: Version, given: number): Version {
  if (given === 1) return [v[0] + 1, 0, 0];
  if (given === 2) return [v[0], v[1] + 1, 0];
  return [v[0], v[1], v[2] + 1];
}

function term(text: string): Check | null {
  const m = TERM.exec(text.trim());
  if (!m) return null;
  const op = m[1];
  const p = parts(m[2]!);
  if (!p) return null;
  const { version, given } = p;
  switch (op) {
    case undefined:
    case '=': {
      // "1.11" means the 1.11 line; "1.11.4" exactly that release.
      const end = nextAfter(version, given);
      return (v) => compare(v, version) >= 0 && compare(v, end) < 0;
    }
    case '!=':
      return (v) => compare(v, version) !== 0;
    case '>':
      return (v) => compare(v, version) > 0;
    case '>=':
      return (v) => compare(v, version) >= 0;
    case '<':
      return (v) => compare(v, version) < 0;
    case '<=':
      return (v) => compare(v, version) <= 0;
    default: {
      // Terraform's pessimistic operator: only the last given part may grow ("~> 1.11" < 2.0, "~> 1.11.4" < 1.12).
      const end = nextAfter(version, Math.max(1, given - 1));
      return (v) => compare(v, version) >= 0 && compare(v, end) < 0;
    }
  }
}

/** The constraint as a test of versions, or null when it cannot be read. */
export function parseVersionConstraint(constraint: string): ((version: string) => boolean) | null {
  const checks: Check[] = [];
  for (const piece of constraint.split(',')) {
    const check = term(piece);
    if (!check) return null;
    checks.push(check);
  }
  return (text) => {
    const p = parts(text);
    return p !== null && checks.every((c) => c(p.version));
  };
}
