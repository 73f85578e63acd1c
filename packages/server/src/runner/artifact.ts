// The plan artifact's contents (docs/runs.md): the whole workspace after PLANNING — code at the planned commit,
// `.terraform`, the lock file and the saved plan — as a gzip'd tar stream, plus a small manifest saying how to
// apply it. The repository's `.git` is left out: nothing in the apply needs history, and it can dwarf the rest.
// Restoring refuses entries that would land outside the target directory (node-tar's default) and does not take
// ownership from the archive: an artifact may have come over the network from another worker.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { create, extract } from 'tar';
import type { StackTool } from '../domain/stacks.js';

/** Written into the workspace root before archiving, read after restoring. */
const MANIFEST = '.liftoff-plan.json';

export interface ArtifactManifest {
  version: 1;
  /** Where commands run, relative to the workspace root (the stack's project_root when planned). */
  project_root: string;
  /** The apply command when planned; null: the tool preset's, built for the binary of the worker that applies. */
  apply: string | null;
  /** The tool whose preset applies when `apply` is null. */
  tool: StackTool | null;
  /** The planned commit (hash), for the log line when applying. */
  commit: string | null;
}

/** A gzip'd tar of `dir` with `manifest` in it, as a stream of bytes. */
export async function archiveWorkspace(
  dir: string,
  manifest: ArtifactManifest,
): Promise<AsyncIterable<Uint8Array>> {
  await writeFile(join(dir, MANIFEST), JSON.stringify(manifest));
  return create(
    {
      cwd: dir,
      gzip: true,
      // No uid/gid, user names or mtimes beyond what a restore needs: the archive is the same wherever it was made.
      portable: true,
      filter: (path) => path !== './.git' && path !== '.git',
    },
    ['.'],
  ) as AsyncIterable<Uint8Array>;
}

/** Unpacks an archive made by `archiveWorkspace` into the (empty) `dir` and returns its manifest. */
export async function restoreWorkspace(
  archive: AsyncIterable<Uint8Array>,
  dir: string,
): Promise<ArtifactManifest> {
  await pipeline(Readable.from(archive), extract({ cwd: dir, strict: true, preserveOwner: false }));
  let manifest: ArtifactManifest;
  try {
    manifest = JSON.parse(await readFile(join(dir, MANIFEST), 'utf8')) as ArtifactManifest;
  } catch {
    throw new Error('the plan artifact has no readable manifest');
  }
  if (manifest.version !== 1 || typeof manifest.project_root !== 'string')
    throw new Error('the plan artifact has a manifest of an unknown version');
  return manifest;
}
