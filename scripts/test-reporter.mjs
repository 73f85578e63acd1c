// Node's spec reporter plus a progress line per test file, as it starts and as it ends, and the total duration.
//
// Why: the test runner reports a file's tests only once the file is done, so a slow suite is a minute of silence.
// The file-level events (`test:dequeue` when a file starts, `test:complete` when it ends) arrive in real time;
// they are printed as they come. The spec reporter's own output is passed through unchanged, its summary
// ("ℹ tests … ℹ duration_ms …") included, so it still ends the output. The total is printed just before it.
//
// run-tests.mjs passes the number of files in LIFTOFF_TEST_FILE_COUNT.
import { relative } from 'node:path';
import { Transform } from 'node:stream';
import { spec as SpecReporter } from 'node:test/reporters';

const fileCount = Number(process.env.LIFTOFF_TEST_FILE_COUNT ?? 0);
const startedAt = Date.now();

/** "1 min 05 s", "12.3 s". */
function formatDuration(ms) {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;
}

class ProgressReporter extends Transform {
  #spec = new SpecReporter();
  #started = 0;
  #finished = 0;
  #failedFiles = [];
  #durations = [];
  #totalPrinted = false;

  constructor() {
    super({ writableObjectMode: true });
  }

  _transform(event, _encoding, callback) {
    const before = this.#progress(event);
    this.#spec.write(event);
    callback(null, before + this.#drainSpec());
  }

  _flush(callback) {
    this.#spec.end(() => callback(null, this.#drainSpec()));
  }

  #drainSpec() {
    let out = '';
    for (let chunk = this.#spec.read(); chunk !== null; chunk = this.#spec.read()) out += chunk;
    return out;
  }

  #progress({ type, data }) {
    // A test file is a top-level test named by its path; its own tests carry the same `file` but another name.
    const isFile = data?.file !== undefined && data.name === data.file && data.nesting === 0;
    if (type === 'test:dequeue' && isFile) {
      this.#started += 1;
      return `▶ [${this.#started}/${fileCount || '?'}] ${relative(process.cwd(), data.file)} …\n`;
    }
    if (type === 'test:complete' && isFile) {
      this.#finished += 1;
      const name = relative(process.cwd(), data.file);
      const ms = data.details?.duration_ms ?? 0;
      this.#durations.push({ name, ms });
      if (data.details?.passed === false) this.#failedFiles.push(name);
      const verdict = data.details?.passed === false ? 'FAILED' : 'done';
      return `■ [${this.#finished}/${fileCount || '?'}] ${name} ${verdict} in ${formatDuration(ms)} (${formatDuration(Date.now() - startedAt)} elapsed)\n`;
    }
    // The runner's summary starts with its plan; the total goes right before it.
    if (type === 'test:plan' && data?.nesting === 0 && data.file === undefined && !this.#totalPrinted) {
      this.#totalPrinted = true;
      return this.#total();
    }
    return '';
  }

  #total() {
    const slowest = [...this.#durations]
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 3)
      .map((d) => `${d.name} ${formatDuration(d.ms)}`);
    const lines = [
      `\n■ ${this.#finished} test file${this.#finished === 1 ? '' : 's'} in ${formatDuration(Date.now() - startedAt)}` +
        (slowest.length > 0 ? `; slowest: ${slowest.join(', ')}` : ''),
    ];
    if (this.#failedFiles.length > 0) lines.push(`■ failed files: ${this.#failedFiles.join(', ')}`);
    return lines.join('\n') + '\n';
  }
}

export default new ProgressReporter();
