// Server-sent events from the web plugin. EventSource reconnects by itself; handlers are kept in a ref so a
// re-render does not reopen the stream.
import { useEffect, useRef, useState } from 'react';

export type Handlers = Record<string, (data: unknown) => void>;

export function useEventStream(url: string | null, handlers: Handlers): 'connecting' | 'live' | 'closed' {
  const ref = useRef(handlers);
  ref.current = handlers;
  const [status, setStatus] = useState<'connecting' | 'live' | 'closed'>('connecting');

  useEffect(() => {
    if (!url) {
      setStatus('closed');
      return;
    }
    setStatus('connecting');
    const source = new EventSource(url, { withCredentials: true });
    source.onopen = () => setStatus('live');
    source.onerror = () => setStatus(source.readyState === EventSource.CLOSED ? 'closed' : 'connecting');
    const names = Object.keys(ref.current);
    const listeners = names.map((name) => {
      const listener = (e: MessageEvent<string>) => {
        if (name === 'end') {
          // The server has nothing more to say; stop EventSource from reconnecting.
          source.close();
          setStatus('closed');
        }
        ref.current[name]?.(e.data ? JSON.parse(e.data) : null);
      };
      source.addEventListener(name, listener);
      return [name, listener] as const;
    });
    return () => {
      for (const [name, listener] of listeners) source.removeEventListener(name, listener);
      source.close();
    };
  }, [url]);

  return status;
}
