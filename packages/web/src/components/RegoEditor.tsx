// A Rego editor: a plain textarea (so editing, undo, IME and screen readers behave natively) over a highlighted
// copy of the same text. Line numbers run alongside; a compile error marks its line and column.
import { useMemo, useRef, type KeyboardEvent, type ReactNode, type UIEvent } from 'react';
import { highlight as highlightRego, type HighlightToken } from '@liftoff/rego/highlight';

export interface EditorMark {
  line: number;
  column: number;
  message: string;
}

interface Props {
  id: string;
  value: string;
  onChange: (value: string) => void;
  mark?: EditorMark | null;
  readOnly?: boolean;
  describedBy?: string;
}

export function RegoEditor({ id, value, onChange, mark, readOnly, describedBy }: Props) {
  const highlight = useRef<HTMLPreElement>(null);
  const gutter = useRef<HTMLDivElement>(null);
  const tokens = useMemo(() => highlightRego(value), [value]);
  const lines = value.split('\n').length;

  function syncScroll(e: UIEvent<HTMLTextAreaElement>) {
    const { scrollTop, scrollLeft } = e.currentTarget;
    if (highlight.current) {
      highlight.current.scrollTop = scrollTop;
      highlight.current.scrollLeft = scrollLeft;
    }
    if (gutter.current) gutter.current.scrollTop = scrollTop;
  }

  // Tab indents instead of leaving the field; Escape then Tab still leaves it (keyboard users are not trapped).
  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (e.key !== 'Tab' || e.shiftKey || readOnly) return;
    const el = e.currentTarget;
    if (el.dataset.escaped === '1') return;
    e.preventDefault();
    const { selectionStart, selectionEnd } = el;
    const next = value.slice(0, selectionStart) + '\t' + value.slice(selectionEnd);
    onChange(next);
    requestAnimationFrame(() => el.setSelectionRange(selectionStart + 1, selectionStart + 1));
  }

  return (
    <div className={`editor${mark ? ' editor-has-error' : ''}`}>
      <div className="editor-gutter" ref={gutter} aria-hidden="true">
        {Array.from({ length: lines }, (_, i) => (
          <div key={i} className={mark && mark.line === i + 1 ? 'gutter-line gutter-error' : 'gutter-line'}>
            {i + 1}
          </div>
        ))}
      </div>
      <div className="editor-body">
        <pre className="editor-highlight" ref={highlight} aria-hidden="true">
          <code>
            {renderWithMark(tokens, mark)}
            {'\n'}
          </code>
        </pre>
        <textarea
          id={id}
          className="editor-input"
          value={value}
          spellCheck={false}
          autoCapitalize="off"
          autoComplete="off"
          readOnly={readOnly}
          aria-describedby={describedBy}
          aria-invalid={mark ? true : undefined}
          onChange={(e) => onChange(e.target.value)}
          onScroll={syncScroll}
          onKeyDown={onKeyDown}
          onKeyUp={(e) => {
            if (e.key === 'Escape') e.currentTarget.dataset.escaped = '1';
          }}
          onBlur={(e) => delete e.currentTarget.dataset.escaped}
          onFocus={(e) => delete e.currentTarget.dataset.escaped}
        />
      </div>
    </div>
  );
}

/** Renders tokens; the error line gets a wavy underline from the column to the line's end. */
function renderWithMark(tokens: HighlightToken[], mark: EditorMark | null | undefined) {
  const out: ReactNode[] = [];
  let line = 1;
  let col = 1;
  let key = 0;
  for (const t of tokens) {
    // Split tokens on newlines so line/column bookkeeping stays exact.
    const parts = t.text.split(/(\n)/);
    for (const part of parts) {
      if (part === '') continue;
      if (part === '\n') {
        out.push('\n');
        line++;
        col = 1;
        continue;
      }
      const cls = t.kind === 'space' || t.kind === 'ident' ? undefined : `tok-${t.kind}`;
      if (mark && line === mark.line && col + part.length > mark.column) {
        const cut = Math.max(0, mark.column - col);
        if (cut > 0)
          out.push(
            <span key={key++} className={cls}>
              {part.slice(0, cut)}
            </span>,
          );
        out.push(
          <span key={key++} className={`${cls ?? ''} tok-error`}>
            {part.slice(cut)}
          </span>,
        );
      } else {
        out.push(
          <span key={key++} className={cls}>
            {part}
          </span>,
        );
      }
      col += part.length;
    }
  }
  return out;
}
