// Typed errors. Every failure the engine reports is a RegoError with an OPA error code.

/** Base class of all errors raised by the engine. */
export class RegoError extends Error {
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
    // Keep tabs in the caret line so the caret lines up under tab-indented code.
    const pad = sourceLine.slice(0, Math.max(0, loc.column - 1)).replace(/[^\t]/g, ' ');
    const snippet = `${sourceLine}\n${pad}^`;
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

/** One problem found by the compiler. */
export interface CompileProblem {
  file: string;
  line: number;
  column: number;
  message: string;
  code: string;
}

/** One or more compile errors (safety, types, conflicts, recursion). `code` is the first error's. */
export class RegoCompileError extends RegoError {
  readonly errors: CompileProblem[];
  constructor(errors: CompileProblem[]) {
    const first = errors[0]!;
    const text = errors.map((e) => `${e.file}:${e.line}: ${e.code}: ${e.message}`).join('\n');
    super(first.code, errors.length > 1 ? `${errors.length} errors occurred:\n${text}` : text);
    this.errors = errors;
  }
}

/** Error raised during evaluation, with an OPA topdown code such as `eval_conflict_error`. */
export class RegoEvalError extends RegoError {
  readonly location: Location | undefined;
  /** Bare message without the location prefix. */
  readonly detail: string;
  constructor(code: string, detail: string, location?: Location) {
    super(code, location ? `${location.file}:${location.line}: ${code}: ${detail}` : `${code}: ${detail}`);
    this.location = location;
    this.detail = detail;
  }
}
