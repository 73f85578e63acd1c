// Typed errors. Every failure the engine reports is a RegoError with an OPA error code.

/** Base class of all errors raised by the engine. */
export class RegoError extends Error {
  /** OPA's error code (`rego_parse_error`, `eval_conflict_error`, …): stable, for programs. */
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
    this.name = new.target.name;
  }
}

/** A location in a module. */
export interface Location {
  file: string;
  line: number;
  column: number;
}

/** Syntax error with its position and a caret snippet. */
export class RegoParseError extends RegoError {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly snippet: string;
  /** Bare message without the location prefix. */
  readonly detail: string;
  constructor(detail: string, loc: Location, sourceLine: string) {
    const snippet = caretSnippet(sourceLine, loc.column);
    super(
      'rego_parse_error',
      `${loc.file}:${loc.line}:${loc.column}: rego_parse_error: ${detail}\n${snippet}`,
    );
    this.file = loc.file;
    this.line = loc.line;
    this.column = loc.column;
    this.snippet = snippet;
    this.detail = detail;
  }
}

const SNIPPET_WIDTH = 120;

/**
 * The source line with a caret under `column` (1-based), as parse and compile errors show it.
 * A long line (minified or generated policy) is cut to a window around the column.
 */
export function caretSnippet(sourceLine: string, column: number): string {
  let line = sourceLine;
  let col = column;
  if (line.length > SNIPPET_WIDTH) {
    const start = Math.max(0, Math.min(col - 1 - SNIPPET_WIDTH / 2, line.length - SNIPPET_WIDTH));
    const end = start + SNIPPET_WIDTH;
    line = (start > 0 ? '…' : '') + line.slice(start, end) + (end < sourceLine.length ? '…' : '');
    col = col - start + (start > 0 ? 1 : 0);
  }
  // Keep tabs in the caret line so the caret lines up under tab-indented code.
  const pad = line.slice(0, Math.max(0, col - 1)).replace(/[^\t]/g, ' ');
  return `${line}\n${pad}^`;
}

/** The caret snippet of a 1-based line and column of `source`; undefined when out of range. */
export function snippetAt(source: string, line: number, column: number): string | undefined {
  const text = source.split('\n')[line - 1];
  return text === undefined ? undefined : caretSnippet(text.replace(/\r$/, ''), column);
}

/** One problem found by the compiler. */
export interface CompileProblem {
  file: string;
  line: number;
  column: number;
  message: string;
  code: string;
  /** The offending source line with a caret, when the source is known. */
  snippet?: string;
}

/**
 * One or more compile errors (safety, types, conflicts, recursion). `code` is the first error's,
 * and the message starts with it (location, then snippet) so a one-line log still says what
 * and where; the other errors follow in the order they were found.
 */
export class RegoCompileError extends RegoError {
  /** Every problem found, in the order found; never empty. */
  readonly errors: CompileProblem[];
  constructor(errors: CompileProblem[]) {
    const first = errors[0]!;
    const text = errors
      .map(
        (e) => `${e.file}:${e.line}:${e.column}: ${e.code}: ${e.message}${e.snippet ? `\n${e.snippet}` : ''}`,
      )
      .join('\n');
    super(first.code, errors.length > 1 ? `${text}\n(${errors.length} errors)` : text);
    this.errors = errors;
  }
}

/** Error raised during evaluation, with an OPA topdown code such as `eval_conflict_error`. */
export class RegoEvalError extends RegoError {
  /** Where in the policy it happened (the rule or call), when known. */
  readonly location: Location | undefined;
  /** Bare message without the location prefix. */
  readonly detail: string;
  constructor(code: string, detail: string, location?: Location) {
    super(code, location ? `${location.file}:${location.line}: ${code}: ${detail}` : `${code}: ${detail}`);
    this.location = location;
    this.detail = detail;
  }
}

/** `e` with caret snippets added from the sources it can find (`sourceOf` maps a file name to its text). */
export function withSnippets(
  e: RegoCompileError,
  sourceOf: (file: string) => string | undefined,
): RegoCompileError {
  return new RegoCompileError(
    e.errors.map((p) => {
      const source = p.snippet === undefined ? sourceOf(p.file) : undefined;
      const snippet = source === undefined ? undefined : snippetAt(source, p.line, p.column);
      return snippet === undefined ? p : { ...p, snippet };
    }),
  );
}
