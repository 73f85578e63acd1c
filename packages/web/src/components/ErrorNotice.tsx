// One way to show a failed request, announced to screen readers.
import { ApiError } from '../lib/api';

export function errorText(err: unknown): string {
  if (err instanceof ApiError) return err.message || `Request failed (${err.status})`;
  if (err instanceof Error) return err.message;
  return String(err);
}

export function ErrorNotice({ error }: { error: unknown }) {
  if (error === undefined || error === null) return null;
  return (
    <div className="notice notice-danger" role="alert">
      {errorText(error)}
    </div>
  );
}
