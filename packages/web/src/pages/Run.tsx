// One run: state timeline, delta, live logs and the actions the user may take. Everything on the page follows
// the run's event stream, so state and logs change without reloading.
import { useEffect, useRef, useState } from 'react';
import { Delta } from '../components/Delta';
import { ErrorNotice } from '../components/ErrorNotice';
import { PageHeader } from '../components/Layout';
import { RelativeTime } from '../components/RelativeTime';
import { ResourceChanges } from '../components/ResourceChanges';
import { StateBadge, stateTone } from '../components/StateBadge';
import { api, ApiError, TERMINAL_STATES, type LogChunk, type Run, type RunState } from '../lib/api';
import { parseAnsi } from '../lib/ansi';
import { useEventStream } from '../lib/live';
import { Link, useTitle } from '../lib/router';
import { duration, exactTime } from '../lib/time';
import { useAsync } from '../lib/use-async';

const STOPPABLE: readonly RunState[] = ['QUEUED', 'PREPARING', 'INITIALIZING', 'PLANNING'];

export function RunPage({ stackId, runId }: { stackId: string; runId: string }) {
  useTitle(`Run ${runId}`);
  const initial = useAsync(() => api.run(stackId, runId), [stackId, runId]);
  const access = useAsync(() => api.stackAccess(stackId), [stackId]);
  const [live, setLive] = useState<Run | null>(null);
  const [logs, setLogs] = useState<LogChunk[]>([]);
  const [busy, setBusy] = useState<string | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const [announce, setAnnounce] = useState('');
  // With the saved plan's resource changes known, they are the page; the raw log (command lines and all) is on demand.
  const [logsOpen, setLogsOpen] = useState(false);

  const run = live ?? initial.data;
  const base = `/api/v1/stacks/${encodeURIComponent(stackId)}/runs/${encodeURIComponent(runId)}`;
  const status = useEventStream(initial.data ? `${base}/events` : null, {
    run: (data) => {
      const next = data as Run;
      setLive((prev) => {
        if (prev && prev.state !== next.state) setAnnounce(`Run is now ${next.state}`);
        return next;
      });
    },
    log: (data) => {
      const chunk = data as LogChunk;
      // A reconnect replays from the last id the browser saw; drop anything already shown.
      setLogs((prev) => (prev.length > 0 && prev[prev.length - 1].id >= chunk.id ? prev : [...prev, chunk]));
    },
    end: () => {},
  });

  const canWrite = access.data === 'write' || access.data === 'admin';

  async function act(action: 'confirm' | 'discard' | 'stop') {
    setBusy(action);
    setActionError(null);
    try {
      setLive(await api.runAction(stackId, runId, action));
    } catch (err) {
      setActionError(err);
    } finally {
      setBusy(null);
    }
  }

  if (initial.error instanceof ApiError && initial.error.status === 404) {
    return (
      <>
        <PageHeader title="Run not found" crumbs={<Link href="/stacks">Stacks</Link>} />
        <p>This run does not exist, or you do not have access to its stack.</p>
      </>
    );
  }

  return (
    <>
      <PageHeader
        title={
          <>
            <span className="mono">Run {runId}</span> {run && <StateBadge state={run.state} />}
          </>
        }
        crumbs={
          <>
            <Link href="/stacks">Stacks</Link> <span aria-hidden="true">/</span>{' '}
            <Link href={`/stacks/${encodeURIComponent(stackId)}`}>{stackId}</Link>{' '}
            <span aria-hidden="true">/</span>
          </>
        }
      >
        {run && canWrite && run.state === 'UNCONFIRMED' && (
          <>
            <button
              type="button"
              className="btn btn-primary"
              disabled={busy !== null}
              onClick={() => void act('confirm')}
            >
              {busy === 'confirm' ? 'Confirming…' : 'Confirm'}
            </button>
            <button
              type="button"
              className="btn btn-secondary"
              disabled={busy !== null}
              onClick={() => void act('discard')}
            >
              {busy === 'discard' ? 'Discarding…' : 'Discard'}
            </button>
          </>
        )}
        {run && canWrite && STOPPABLE.includes(run.state) && (
          <button
            type="button"
            className="btn btn-danger"
            disabled={busy !== null}
            onClick={() => void act('stop')}
          >
            {busy === 'stop' ? 'Stopping…' : run.state === 'QUEUED' ? 'Cancel' : 'Stop'}
          </button>
        )}
      </PageHeader>
      <div className="sr-only" role="status" aria-live="polite">
        {announce}
      </div>
      <ErrorNotice error={initial.error ?? actionError} />
      {run && run.state === 'UNCONFIRMED' && (
        <div className={`notice ${canWrite ? 'notice-warning' : 'notice-info'}`}>
          {canWrite
            ? 'The plan has changes. Review them below, then confirm to apply or discard.'
            : 'The plan has changes and waits for confirmation by someone with write access.'}
        </div>
      )}
      {run && run.state === 'QUEUED' && (
        <div className="notice notice-info">
          Queued. Runs of a stack execute one at a time, in order; this one starts when the runs before it are
          done.
        </div>
      )}
      {run && run.state === 'FAILED' && (
        <div className="notice notice-danger">
          The run failed{failureNote(run) ? `: ${failureNote(run)}` : ''}. The logs below show where.
        </div>
      )}
      {run && (
        <div className="run-layout">
          <section className="card run-facts" aria-label="Run details">
            <dl className="facts">
              <div>
                <dt>Triggered by</dt>
                <dd>{run.triggered_by}</dd>
              </div>
              <div>
                <dt>Created</dt>
                <dd>
                  <RelativeTime at={run.created_at} />
                </dd>
              </div>
              {run.commit && (
                <div>
                  <dt>Commit</dt>
                  <dd>
                    <span className="mono">{run.commit.hash.slice(0, 8)}</span>{' '}
                    {run.commit.message.split('\n')[0]}
                    <div className="small muted">{run.commit.author}</div>
                  </dd>
                </div>
              )}
              <div>
                <dt>Delta</dt>
                <dd>
                  <Delta delta={run.delta} />
                </dd>
              </div>
            </dl>
            <h2 className="h3">Timeline</h2>
            <ol className="timeline">
              {run.history.map((h, i) => (
                <li key={`${h.state}-${i}`} className={`timeline-item tone-${stateTone(h.state)}`}>
                  <span className="timeline-dot" aria-hidden="true" />
                  <div>
                    <span className="strong">{h.state}</span>
                    <span className="small muted" title={exactTime(h.at)}>
                      {' '}
                      {new Date(h.at).toLocaleTimeString('en', { hour12: false })}
                      {i > 0 ? ` (+${duration(run.history[i - 1].at, h.at)})` : ''}
                    </span>
                    {h.by && <div className="small">by {h.by}</div>}
                    {h.note && <div className="small muted">{h.note}</div>}
                  </div>
                </li>
              ))}
              {!TERMINAL_STATES.includes(run.state) && (
                <li className="timeline-item timeline-pending">
                  <span className="timeline-dot" aria-hidden="true" />
                  <span className="small muted">
                    {run.state === 'UNCONFIRMED' ? 'waiting for confirmation' : 'in progress…'}
                  </span>
                </li>
              )}
            </ol>
          </section>
          <div className="run-main">
            {run.resource_changes && <ResourceChanges changes={run.resource_changes} />}
            {run.resource_changes && !logsOpen ? (
              <button type="button" className="btn btn-ghost" onClick={() => setLogsOpen(true)}>
                Show logs
              </button>
            ) : (
              <Logs chunks={logs} status={status} finished={TERMINAL_STATES.includes(run.state)} />
            )}
          </div>
        </div>
      )}
    </>
  );
}

/** The note recorded with the FAILED transition (e.g. "plan exited with code 1"). */
function failureNote(run: Run): string | null {
  for (let i = run.history.length - 1; i >= 0; i--)
    if (run.history[i].state === 'FAILED') return run.history[i].note;
  return null;
}

function Logs({ chunks, status, finished }: { chunks: LogChunk[]; status: string; finished: boolean }) {
  const box = useRef<HTMLDivElement>(null);
  const stick = useRef(true);

  // Follow the tail unless the reader has scrolled up.
  useEffect(() => {
    const el = box.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [chunks]);

  const phases: { phase: string; text: string }[] = [];
  for (const c of chunks) {
    const last = phases[phases.length - 1];
    if (last && last.phase === c.phase) last.text += c.text;
    else phases.push({ phase: c.phase, text: c.text });
  }

  return (
    <section className="card logs-card" aria-labelledby="logs-title">
      <div className="logs-header">
        <h2 id="logs-title" className="h3">
          Logs
        </h2>
        <span className={`live-dot live-${finished ? 'done' : status}`}>
          {finished ? 'complete' : status === 'live' ? 'live' : status}
        </span>
      </div>
      <div
        className="logs"
        ref={box}
        tabIndex={0}
        role="log"
        aria-label="Run logs"
        onScroll={(e) => {
          const el = e.currentTarget;
          stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
        }}
      >
        {phases.length === 0 && <p className="muted">{finished ? 'No output.' : 'Waiting for output…'}</p>}
        {phases.map((p, i) => (
          <div key={i} className="log-phase">
            <div className="log-phase-name">{p.phase}</div>
            <pre>
              {parseAnsi(p.text).map((seg, j) =>
                seg.bold || seg.color ? (
                  <span
                    key={j}
                    className={`${seg.bold ? 'ansi-bold' : ''} ${seg.color ? `ansi-${seg.color}` : ''}`}
                  >
                    {seg.text}
                  </span>
                ) : (
                  seg.text
                ),
              )}
            </pre>
          </div>
        ))}
      </div>
    </section>
  );
}
