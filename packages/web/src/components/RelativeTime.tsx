import { exactTime, relativeTime } from '../lib/time';

/** "5 minutes ago", with the exact time on hover; `<time>` gives assistive technology the machine-readable value. */
export function RelativeTime({ at }: { at: string }) {
  return (
    <time dateTime={at} title={exactTime(at)}>
      {relativeTime(at)}
    </time>
  );
}
