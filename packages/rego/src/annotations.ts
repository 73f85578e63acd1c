// `# METADATA` comment blocks (OPA annotations): parsed from the comments directly above a
// package or rule, normalised like OPA (`authors` strings become {name, email}, `scope`
// defaults by position), and exposed through rego.metadata.rule() / rego.metadata.chain().
import { YamlNumber, parseYaml, YamlError, type YamlValue } from './kernels/yaml.js';
import type { Comment } from './lexer.js';
import { numberFromText } from './number.js';
import { ObjectValue, type Value } from './value.js';

/** Parsed annotations of one package or rule. */
export interface Annotations {
  scope: string;
  /** The annotation object as rego.metadata.* return it (includes `scope`). */
  value: ObjectValue;
  line: number;
}

/** Raised for malformed METADATA blocks (reported as a parse error at `line`). */
export class AnnotationError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

/**
 * Finds the METADATA block that ends on the line just above `line` and parses it.
 * `defaultScope` is `package` above a package and `rule` above a rule.
 */
export function annotationsAbove(
  comments: readonly Comment[],
  line: number,
  defaultScope: string,
): Annotations | undefined {
  // Comments are in source order: walk back over the contiguous block ending at line - 1.
  let idx = -1;
  for (let i = comments.length - 1; i >= 0; i--) {
    if (comments[i]!.line === line - 1 && comments[i]!.ownLine) {
      idx = i;
      break;
    }
    if (comments[i]!.line < line - 1) break;
  }
  if (idx < 0) return undefined;
  let first = idx;
  while (first > 0 && comments[first - 1]!.line === comments[first]!.line - 1 && comments[first - 1]!.ownLine)
    first--;
  let start = -1;
  for (let i = idx; i >= first; i--) {
    if (comments[i]!.text.trim() === 'METADATA') {
      start = i;
      break;
    }
  }
  if (start < 0) return undefined;
  const body = comments
    .slice(start + 1, idx + 1)
    .map((c) => (c.text.startsWith(' ') ? c.text.slice(1) : c.text))
    .join('\n');
  let parsed: YamlValue;
  try {
    parsed = body.trim() === '' ? {} : parseYaml(body);
  } catch (e) {
    if (e instanceof YamlError)
      throw new AnnotationError(`invalid METADATA block: ${e.message}`, comments[start]!.line);
    throw e;
  }
  if (parsed === null) parsed = {};
  if (typeof parsed !== 'object' || Array.isArray(parsed) || parsed instanceof YamlNumber) {
    throw new AnnotationError('invalid METADATA block: expected a mapping', comments[start]!.line);
  }
  const out = new ObjectValue();
  let scope = defaultScope;
  for (const [k, v] of Object.entries(parsed)) {
    if (k === 'scope') {
      scope = String(v);
      continue;
    }
    if (k === 'authors' && Array.isArray(v)) {
      out.set(k, v.map(author));
      continue;
    }
    if (k === 'organizations' && Array.isArray(v)) {
      out.set(
        k,
        v.map((x) => String(x)),
      );
      continue;
    }
    out.set(k, fromYaml(v));
  }
  out.set('scope', scope);
  return { scope, value: out, line: comments[start]!.line };
}

/** `Jane Doe <jane@example.com>` → {name, email}; objects pass through. */
function author(v: YamlValue): Value {
  if (typeof v !== 'string') return fromYaml(v);
  const m = /^(.*?)\s*<([^>]*)>\s*$/.exec(v);
  const o = new ObjectValue();
  if (m) {
    if (m[1]) o.set('name', m[1]);
    o.set('email', m[2]!);
  } else o.set('name', v.trim());
  return o;
}

function fromYaml(y: YamlValue): Value {
  if (y instanceof YamlNumber) return numberFromText(y.text) ?? Number(y.text);
  if (Array.isArray(y)) return y.map(fromYaml);
  if (y !== null && typeof y === 'object') {
    return ObjectValue.from(Object.entries(y).map(([k, v]) => [k, fromYaml(v)] as const));
  }
  return y;
}
