// The plan artifact store (docs/runs.md) on SQLite and PostgreSQL: chunked, encrypted, all or nothing, bound to
// its run, and gone with the run's end.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ArtifactTooLargeError } from '../../src/domain/run-artifacts.js';
import { SecretCipher } from '../../src/secret-cipher.js';
import { openDatabase, type Storage } from '../../src/storage/database.js';
import { migrate } from '../../src/storage/migrations/index.js';
import { KyselyRunArtifactStore, RunEndedError } from '../../src/storage/run-artifacts.js';
import { KyselyRunRepository } from '../../src/storage/run-repository.js';
import { KyselyStackRepository } from '../../src/storage/stack-repository.js';
import { backendSchema, type PgSchema } from '../helpers/postgres.js';
import { stackFields } from '../helpers/stack-fields.js';

async function* pieces(data: Buffer, size: number) {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
}

async function read(stream: AsyncIterable<Uint8Array> | undefined): Promise<Buffer> {
  assert.ok(stream, 'artifact exists');
  const out: Uint8Array[] = [];
  for await (const chunk of stream) out.push(chunk);
  return Buffer.concat(out);
}

for (const backend of ['SQLite', 'PostgreSQL'] as const)
  describe(`plan artifact store (${backend})`, () => {
    let storage: Storage;
    let dir: string;
    let pg: PgSchema | undefined;
    let skip: string | undefined;
    let store: KyselyRunArtifactStore;
    let runs: KyselyRunRepository;
    let n = 0;
    const key = randomBytes(32);

    before(async () => {
      ({ pg, skip } = await backendSchema(backend));
      if (skip) return;
      dir = mkdtempSync(join(tmpdir(), 'liftoff-artifacts-'));
      storage = openDatabase(
        pg ? { kind: 'postgres', url: pg.url } : { kind: 'sqlite', path: join(dir, 'db') },
      );
      await migrate(storage.db, storage.dialect);
      store = new KyselyRunArtifactStore(storage.db, storage.dialect, new SecretCipher(key), {
        maxBytes: 10_000,
        chunkBytes: 1000,
      });
      runs = new KyselyRunRepository(storage.db, storage.dialect);
      await new KyselyStackRepository(storage.db).create(
        { id: 's', ...stackFields({ tool: 'terraform', commands: null }) },
        new Date().toISOString(),
      );
    });
    after(async () => {
      await storage?.close();
      await pg?.drop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });
    const it = (name: string, fn: () => Promise<void>) => test(name, (t) => (skip ? t.skip(skip) : fn()));

    async function newRun() {
      const id = `01J${String(++n).padStart(23, '0')}`;
      await runs.create({ id, stack_id: 's', triggered_by: 't', at: new Date().toISOString(), commit: null });
      return id;
    }

    const chunkRows = async (runId: string) =>
      (
        await storage.db
          .selectFrom('run_artifact_chunks')
          .select(['seq', 'data'])
          .where('run_id', '=', runId)
          .orderBy('seq')
          .execute()
      ).map((r) => ({ seq: r.seq, data: Buffer.from(r.data) }));

    it('round trip over chunk boundaries, sizes from empty to several chunks; rows are ciphertext', async () => {
      for (const size of [0, 1, 999, 1000, 1001, 3500, 10_000]) {
        const runId = await newRun();
        const data = Buffer.alloc(size, 'liftoff '.repeat(8));
        assert.deepEqual(await store.save(runId, pieces(data, 333)), { bytes: size });
        assert.ok((await read(await store.open(runId))).equals(data), `size ${size}`);
        const rows = await chunkRows(runId);
        assert.equal(rows.length, Math.max(1, Math.ceil(size / 1000)), `size ${size}`);
        if (size > 16) for (const r of rows) assert.ok(!r.data.includes(Buffer.from('liftoff liftoff')));
      }
    });

    it('saving again replaces; delete drops; a run without an artifact opens as undefined', async () => {
      const runId = await newRun();
      assert.equal(await store.open(runId), undefined);
      await store.save(runId, pieces(Buffer.from('first'), 2));
      await store.save(runId, pieces(Buffer.from('second'), 2));
      assert.equal((await read(await store.open(runId))).toString(), 'second');
      await store.delete(runId);
      assert.equal(await store.open(runId), undefined);
      assert.deepEqual(await chunkRows(runId), []);
    });

    it('over the limit: ArtifactTooLargeError with the whole size, nothing kept', async () => {
      const runId = await newRun();
      await assert.rejects(store.save(runId, pieces(randomBytes(25_000), 700)), (err: unknown) => {
        assert.ok(err instanceof ArtifactTooLargeError);
        assert.equal(err.bytes, 25_000);
        assert.equal(err.limit, 10_000);
        assert.match(
          err.message,
          /24\.4 KiB \(25000 bytes compressed\), over the limit of 9\.8 KiB \(10000 bytes\)/,
        );
        return true;
      });
      assert.equal(await store.open(runId), undefined);
      assert.deepEqual(await chunkRows(runId), []);
    });

    it('a stream failing midway leaves nothing', async () => {
      const runId = await newRun();
      async function* broken() {
        yield Buffer.alloc(2500, 1);
        throw new Error('tar: file vanished');
      }
      await assert.rejects(store.save(runId, broken()), /file vanished/);
      assert.deepEqual(await chunkRows(runId), []);
    });

    it('chunks are bound to their run and position: swapped, moved or cut off, they do not decrypt', async () => {
      const a = await newRun();
      const b = await newRun();
      await store.save(a, pieces(randomBytes(2500), 500));
      await store.save(b, pieces(randomBytes(2500), 500));
      const rowsA = await chunkRows(a);
      // Swap chunk 0 and 1 of run a.
      await storage.db
        .updateTable('run_artifact_chunks')
        .set({ data: rowsA[1]!.data })
        .where('run_id', '=', a)
        .where('seq', '=', 0)
        .execute();
      await assert.rejects(read(await store.open(a)), /cannot be decrypted/);
      // Run b's first chunk moved into run a.
      const rowsB = await chunkRows(b);
      await storage.db
        .updateTable('run_artifact_chunks')
        .set({ data: rowsB[0]!.data })
        .where('run_id', '=', a)
        .where('seq', '=', 0)
        .execute();
      await assert.rejects(read(await store.open(a)), /cannot be decrypted/);
      // Run b cut short: its header says 2 chunks, but chunk 1 was not sealed as the last.
      await storage.db.updateTable('run_artifacts').set({ chunks: 2 }).where('run_id', '=', b).execute();
      await assert.rejects(read(await store.open(b)), /cannot be decrypted/);
      // Another key cannot read anything.
      const other = new KyselyRunArtifactStore(
        storage.db,
        storage.dialect,
        new SecretCipher(randomBytes(32)),
        {
          maxBytes: 10_000,
        },
      );
      const c = await newRun();
      await store.save(c, pieces(Buffer.from('secret plan'), 4));
      await assert.rejects(read(await other.open(c)), /cannot be decrypted/);
    });

    it('a terminal transition drops the artifact in its own transaction; one that ends during a save keeps nothing', async () => {
      const runId = await newRun();
      await store.save(runId, pieces(Buffer.from('plan'), 2));
      const at = new Date().toISOString();
      assert.ok(await runs.transition({ runId, from: 'QUEUED', to: 'CANCELED', at, by: null, note: null }));
      assert.equal(await store.open(runId), undefined);
      assert.deepEqual(await chunkRows(runId), []);

      const racing = await newRun();
      async function* slow() {
        yield Buffer.alloc(1500, 2);
        // The run ends while the artifact is being written.
        await runs.transition({ runId: racing, from: 'QUEUED', to: 'CANCELED', at, by: null, note: null });
        yield Buffer.alloc(1500, 3);
      }
      await assert.rejects(store.save(racing, slow()), RunEndedError);
      assert.deepEqual(await chunkRows(racing), []);
      assert.equal(await store.open(racing), undefined);
    });
  });
