// Errors as the command line shows them, in OPA's shapes: text is `1 error occurred: <error>` or
// `N errors occurred:` and one error per line, each `file:line:col: code: message` (OPA prints
// `file:line:`; the column is added because every location the engine reports has one), with the
// offending source line and a caret below it, tab-indented as OPA indents error details.
// JSON is `{"errors": [{"location": {...}, "message": ..., "code": ...}]}`.
import { RegoCompileError, RegoError, RegoEvalError, RegoParseError } from '../errors.js';
import { PolicyLoadError } from '../files/load.js';

/** One error as shown. */
interface ShownError {
  location?: { file: string; row: number; col: number };
  message: string;
  code?: string;
  /** Source line and caret. */
  snippet?: string;
}

/** Files that are not files: query text given on the command line. */
const UNNAMED = new Set(['', 'query']);

function shownErrors(e: unknown): ShownError[] {
  if (e instanceof RegoCompileError) {
    return e.errors.map((p) => ({
      location: { file: p.file, row: p.line, col: p.column },
      message: p.message,
      code: p.code,
      snippet: p.snippet,
    }));
  }
  if (e instanceof RegoParseError) {
    return [
      {
        location: { file: e.file, row: e.line, col: e.column },
        message: e.detail,
        code: e.code,
        snippet: e.snippet,
      },
    ];
  }
  if (e instanceof RegoEvalError) {
    const loc = e.location;
    return [
      {
        location: loc ? { file: loc.file, row: loc.line, col: loc.column } : undefined,
        message: e.detail,
        code: e.code,
      },
    ];
  }
  if (e instanceof PolicyLoadError) return e.problems.map((p) => ({ message: `${p.file}: ${p.message}` }));
  if (e instanceof RegoError) return [{ message: e.message.replace(`${e.code}: `, ''), code: e.code }];
  return [{ message: e instanceof Error ? e.message : String(e) }];
}

function line(err: ShownError): string {
  let prefix = '';
  if (err.location) {
    const { file, row, col } = err.location;
    prefix = UNNAMED.has(file) ? `${row}:${col}: ` : `${file}:${row}:${col}: `;
  }
  const text = `${prefix}${err.code ? `${err.code}: ` : ''}${err.message}`;
  return err.snippet ? `${text}\n${err.snippet.replace(/^/gm, '\t')}` : text;
}

/** `e` as OPA's text: `1 error occurred: …` or `N errors occurred:` with one error per line. */
export function errorText(e: unknown): string {
  // Errors that are not the engine's or the loader's (a bad --run pattern) are shown as they are.
  if (!(e instanceof RegoError || e instanceof PolicyLoadError))
    return e instanceof Error ? e.message : String(e);
  const errors = shownErrors(e);
  const during = e instanceof PolicyLoadError ? ' during loading' : '';
  if (errors.length === 1) return `1 error occurred${during}: ${line(errors[0]!)}`;
  return `${errors.length} errors occurred${during}:\n${errors.map(line).join('\n')}`;
}

/** `e` as the `errors` list of OPA's JSON output (location, message, code; Go's field order). */
export function errorJSON(e: unknown): Array<Record<string, unknown>> {
  return shownErrors(e).map((err) => {
    const out: Record<string, unknown> = {};
    if (err.location && !UNNAMED.has(err.location.file)) out.location = err.location;
    else if (err.location) out.location = { file: '', row: err.location.row, col: err.location.col };
    out.message = err.message;
    if (err.code) out.code = err.code;
    return out;
  });
}
