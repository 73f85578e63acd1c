// Plan artifacts (docs/runs.md): the workspace a plan left behind — code at the planned commit, `.terraform`, the
// lock file and the saved plan — kept between PLANNING and APPLYING so that whichever worker applies the run, on
// whichever instance and after restarts, applies exactly what was planned. The runner produces and consumes the
// archive as a byte stream; how it is kept (compressed by the runner, encrypted and chunked by storage, or carried
// over HTTP for a remote worker) is the implementation's business.
import { DomainError } from './errors.js';

export interface RunArtifactStore {
  /**
   * Keeps `archive` as the run's artifact, replacing an earlier one. All or nothing: when the stream fails, the
   * archive exceeds the size limit (ArtifactTooLargeError) or the run has ended meanwhile, nothing is kept.
   */
  save(runId: string, archive: AsyncIterable<Uint8Array>): Promise<{ bytes: number }>;
  /** The archive as saved, streamed; undefined when the run has none (never saved, or gone with the run's end). */
  open(runId: string): Promise<AsyncIterable<Uint8Array> | undefined>;
  /** Drops the run's artifact (a run's terminal transition does this too); no artifact is not an error. */
  delete(runId: string): Promise<void>;
}

/** The archive is larger than the deployment allows (LIFTOFF_ARTIFACT_MAX_BYTES, docs/runs.md). */
export class ArtifactTooLargeError extends DomainError {
  readonly kind = 'invalid';
  constructor(
    readonly bytes: number,
    readonly limit: number,
  ) {
    super(
      'artifact_too_large',
      `the plan artifact is ${formatBytes(bytes)} (${bytes} bytes compressed), over the limit of ${formatBytes(limit)} (${limit} bytes)`,
    );
  }
}

/** Byte counts as people read them: 1.5 MiB, 512 MiB. */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} bytes` : `${value.toFixed(value < 100 ? 1 : 0)} ${units[unit]}`;
}
