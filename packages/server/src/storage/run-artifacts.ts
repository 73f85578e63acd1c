// RunArtifactStore on Kysely (docs/runs.md): an artifact is a header row and numbered chunk rows of `chunkBytes`
// each (the last one shorter), every chunk sealed on its own with the service's key (secret-cipher.ts). The purpose
// bound to a chunk names the run, its position and whether it is the last one, so chunks cannot be swapped between
// runs, reordered or cut off without failing to decrypt. Saving and reading stream chunk by chunk: neither database
// nor this process ever holds a whole archive at once.
import type { Kysely } from 'kysely';
import { ArtifactTooLargeError, type RunArtifactStore } from '../domain/run-artifacts.js';
import { TERMINAL_STATES } from '../domain/run-states.js';
import type { SecretCipher } from '../secret-cipher.js';
import type { Dialect } from './database.js';
import type { Database } from './schema.js';

export interface RunArtifactStoreOptions {
  /** Largest archive kept (bytes as received, i.e. compressed). */
  maxBytes: number;
  /** Plaintext bytes per row (default 1 MiB). */
  chunkBytes?: number;
}

const DEFAULT_CHUNK_BYTES = 1024 * 1024;

/** The run ended while its artifact was being written: nothing is kept. */
export class RunEndedError extends Error {}

export class KyselyRunArtifactStore implements RunArtifactStore {
  private readonly chunkBytes: number;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
    private readonly cipher: SecretCipher,
    private readonly options: RunArtifactStoreOptions,
  ) {
    this.chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
  }

  async save(runId: string, archive: AsyncIterable<Uint8Array>): Promise<{ bytes: number }> {
    await this.delete(runId);
    await this.db
      .insertInto('run_artifacts')
      .values({ run_id: runId, complete: 0, bytes: 0, chunks: 0, created_at: new Date().toISOString() })
      .execute();
    let seq = 0;
    let total = 0;
    let over = false;
    let parts: Uint8Array[] = [];
    let buffered = 0;
    // One chunk is held back until the next arrives: only at the end do we know which one is the last.
    let held: Buffer | undefined;
    const write = async (chunk: Buffer, last: boolean) => {
      const data = this.cipher.seal(chunk, purpose(runId, seq, last));
      await this.db.insertInto('run_artifact_chunks').values({ run_id: runId, seq, data }).execute();
      seq++;
    };
    try {
      for await (const piece of archive) {
        total += piece.byteLength;
        if (over) continue;
        if (total > this.options.maxBytes) {
          // Drop what was written at once; keep reading only to report the archive's real size.
          over = true;
          parts = [];
          held = undefined;
          await this.deleteRows(runId, false);
          continue;
        }
        parts.push(piece);
        buffered += piece.byteLength;
        while (buffered >= this.chunkBytes) {
          // Rows of exactly chunkBytes: memory stays at about two chunks whatever the stream's piece sizes.
          const all = Buffer.concat(parts);
          if (held) await write(held, false);
          held = all.subarray(0, this.chunkBytes);
          parts = [all.subarray(this.chunkBytes)];
          buffered = all.length - this.chunkBytes;
        }
      }
      if (over) throw new ArtifactTooLargeError(total, this.options.maxBytes);
      if (buffered > 0) {
        if (held) await write(held, false);
        held = Buffer.concat(parts);
      }
      await write(held ?? Buffer.alloc(0), true);
      await this.complete(runId, total, seq);
      return { bytes: total };
    } catch (err) {
      await this.delete(runId).catch(() => {});
      throw err;
    }
  }

  async open(runId: string): Promise<AsyncIterable<Uint8Array> | undefined> {
    const header = await this.db
      .selectFrom('run_artifacts')
      .select(['complete', 'chunks'])
      .where('run_id', '=', runId)
      .executeTakeFirst();
    if (!header || Number(header.complete) !== 1) return undefined;
    const chunks = Number(header.chunks);
    const { db, cipher } = this;
    return (async function* () {
      for (let seq = 0; seq < chunks; seq++) {
        const row = await db
          .selectFrom('run_artifact_chunks')
          .select('data')
          .where('run_id', '=', runId)
          .where('seq', '=', seq)
          .executeTakeFirst();
        if (!row) throw new Error(`the plan artifact of run ${runId} is gone (the run ended meanwhile?)`);
        yield cipher.open(row.data, purpose(runId, seq, seq === chunks - 1));
      }
    })();
  }

  async delete(runId: string): Promise<void> {
    await this.deleteRows(runId, true);
  }

  /** Bytes kept for complete artifacts, in all (the liftoff_run_artifact_bytes gauge). */
  async storedBytes(): Promise<number> {
    const row = await this.db
      .selectFrom('run_artifacts')
      .select((eb) => eb.fn.sum<string | number>('bytes').as('total'))
      .where('complete', '=', 1)
      .executeTakeFirst();
    return Number(row?.total ?? 0);
  }

  private async deleteRows(runId: string, header: boolean) {
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('run_artifact_chunks').where('run_id', '=', runId).execute();
      if (header) await trx.deleteFrom('run_artifacts').where('run_id', '=', runId).execute();
    });
  }

  /**
   * Marks the artifact complete unless the run has ended meanwhile. A terminal transition drops artifacts in its
   * own transaction (run-repository.ts); the row lock makes the two serialize, so an artifact is never left behind
   * by a run that ended while it was being written.
   */
  private async complete(runId: string, bytes: number, chunks: number) {
    const kept = await this.db.transaction().execute(async (trx) => {
      let query = trx.selectFrom('runs').select('state').where('id', '=', runId);
      // SQLite serializes writers by itself (and has no FOR UPDATE).
      if (this.dialect === 'postgres') query = query.forUpdate();
      const run = await query.executeTakeFirst();
      if (!run || TERMINAL_STATES.has(run.state as never)) return false;
      await trx
        .updateTable('run_artifacts')
        .set({ complete: 1, bytes, chunks })
        .where('run_id', '=', runId)
        .execute();
      return true;
    });
    if (!kept) throw new RunEndedError(`run ${runId} ended while its plan artifact was being saved`);
  }
}

function purpose(runId: string, seq: number, last: boolean): string {
  return `run-artifact:${runId}:${seq}:${last ? 'last' : 'more'}`;
}
