/**
 * Semantic Versioning 2.0 parsing and precedence, as OPA's `semver.is_valid` / `semver.compare`
 * (internal/semver): optional leading "v", MAJOR.MINOR.PATCH, pre-release and build metadata.
 *
 * Hand-written: node-semver caps numeric parts at 2^53 and versions at 256 characters, where
 * OPA (coreos/go-semver) reads int64 parts of any length; the precedence rules are 60 lines.
 */

/** A parsed version; build metadata is kept but never compared. */
export interface SemVer {
  major: bigint;
  minor: bigint;
  patch: bigint;
  pre: string[];
  build: string[];
}

const NUM = '(0|[1-9][0-9]*)';
const IDENT = '[0-9A-Za-z-]+';
const SEMVER_RE = new RegExp(
  `^v?${NUM}\\.${NUM}\\.${NUM}(?:-(${IDENT}(?:\\.${IDENT})*))?(?:\\+(${IDENT}(?:\\.${IDENT})*))?$`,
);

/** Parses a version string; undefined when it is not valid SemVer. */
export function parseSemver(s: string): SemVer | undefined {
  const m = SEMVER_RE.exec(s);
  if (!m) return undefined;
  const pre = m[4] ? m[4].split('.') : [];
  // Numeric pre-release identifiers must not have leading zeros.
  if (pre.some((p) => /^0\d+$/.test(p))) return undefined;
  return {
    major: BigInt(m[1]!),
    minor: BigInt(m[2]!),
    patch: BigInt(m[3]!),
    pre,
    build: m[5] ? m[5].split('.') : [],
  };
}

function cmpBig(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function cmpIdent(a: string, b: string): number {
  const an = /^\d+$/.test(a);
  const bn = /^\d+$/.test(b);
  if (an && bn) return cmpBig(BigInt(a), BigInt(b));
  if (an) return -1;
  if (bn) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Precedence comparison: -1, 0 or 1. */
export function compareSemver(a: SemVer, b: SemVer): number {
  const c = cmpBig(a.major, b.major) || cmpBig(a.minor, b.minor) || cmpBig(a.patch, b.patch);
  if (c !== 0) return c;
  if (a.pre.length === 0 || b.pre.length === 0) {
    // A version without pre-release outranks one with it.
    return a.pre.length === b.pre.length ? 0 : a.pre.length === 0 ? 1 : -1;
  }
  for (let i = 0; i < Math.min(a.pre.length, b.pre.length); i++) {
    const d = cmpIdent(a.pre[i]!, b.pre[i]!);
    if (d !== 0) return d;
  }
  return a.pre.length === b.pre.length ? 0 : a.pre.length < b.pre.length ? -1 : 1;
}
