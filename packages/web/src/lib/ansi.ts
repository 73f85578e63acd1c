// Terminal colours in run logs: terraform/tofu colour their plans unless run with -no-color. SGR sequences become
// styled segments (bold and the 8 basic colours, which is what those tools use); every other escape is dropped.

export interface AnsiSegment {
  text: string;
  bold: boolean;
  /** Basic colour name, or null for the default. */
  color: string | null;
}

const COLORS = ['black', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white'];
// CSI sequences (ESC [ params final-byte) and two-character escapes (ESC 0x30–0x5F).
// eslint-disable-next-line no-control-regex
const ESCAPE = /\x1b\[([0-9;]*)([@-~])|\x1b[0-_]/g;

export function parseAnsi(input: string): AnsiSegment[] {
  const out: AnsiSegment[] = [];
  let bold = false;
  let color: string | null = null;
  let last = 0;
  const push = (text: string) => {
    if (!text) return;
    const prev = out[out.length - 1];
    if (prev && prev.bold === bold && prev.color === color) prev.text += text;
    else out.push({ text, bold, color });
  };
  for (const m of input.matchAll(ESCAPE)) {
    push(input.slice(last, m.index));
    last = m.index + m[0].length;
    if (m[2] !== 'm') continue;
    const codes = (m[1] ?? '').split(';').map((c) => (c === '' ? 0 : Number(c)));
    for (const code of codes) {
      if (code === 0) {
        bold = false;
        color = null;
      } else if (code === 1) bold = true;
      else if (code === 22) bold = false;
      else if (code >= 30 && code <= 37) color = COLORS[code - 30]!;
      else if (code >= 90 && code <= 97) color = COLORS[code - 90]!;
      else if (code === 39) color = null;
    }
  }
  push(input.slice(last));
  return out;
}
