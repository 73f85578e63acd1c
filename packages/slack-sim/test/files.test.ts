import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BOT_SCOPES, demoFixture, platformError } from './helpers.js';
import type { Fixture } from './helpers.js';

const SCOPES = [...BOT_SCOPES, 'files:write', 'files:read', 'channels:history'];

describe('file uploads: files.getUploadURLExternal → POST → files.completeUploadExternal', () => {
  let f: Fixture;
  before(async () => {
    f = await demoFixture({ scopes: SCOPES });
    f.sim.control.inviteBot(f.demo.channels.general.id, f.demo.app.id);
  });
  after(() => f.sim.close());
  const general = () => f.demo.channels.general.id;

  test('WebClient.filesUploadV2 shares the file into a thread with its comment; the control API reads it back', async () => {
    const parent = await f.client.chat.postMessage({ channel: general(), text: 'Run 7 failed' });
    const log = 'Error: apply failed\n  at terraform_data.x\n';
    const r = await f.client.filesUploadV2({
      channel_id: general(),
      thread_ts: parent.ts!,
      content: log,
      filename: 'apply.log',
      title: 'Apply log (tail)',
      initial_comment: 'The tail of the failing phase',
    });
    assert.equal(r.ok, true);
    const file = f.sim.control.files({ channel: general() }).at(-1)!;
    assert.equal(file.title, 'Apply log (tail)');
    assert.equal(file.filename, 'apply.log');
    assert.equal(file.size, Buffer.byteLength(log));
    assert.equal(file.declaredLength, Buffer.byteLength(log));
    assert.equal(f.sim.control.fileContent(file.id).text, log);

    const thread = await f.client.conversations.replies({ channel: general(), ts: parent.ts! });
    const share = thread.messages!.at(-1)!;
    assert.equal(share.text, 'The tail of the failing phase');
    assert.equal(share.thread_ts, parent.ts);
    assert.equal(share.files?.[0]?.id, file.id);
    assert.equal(share.files?.[0]?.name, 'apply.log');
    assert.equal(share.files?.[0]?.mimetype, 'text/plain');
    assert.equal(share.upload, true);

    // url_private serves the bytes to a token with files:read.
    const download = await fetch(share.files![0]!.url_private!, {
      headers: { authorization: `Bearer ${f.install.botToken}` },
    });
    assert.equal(await download.text(), log);
    const raw = await fetch(`${f.sim.url}/_sim/files/${file.id}/content`);
    assert.equal(await raw.text(), log);
  });

  test('the upload URL takes raw bytes or a multipart form, answers 200, and only once', async () => {
    const bytes = Buffer.from([0, 1, 2, 250, 251, 252]);
    const reserved = await f.client.files.getUploadURLExternal({
      filename: 'blob.bin',
      length: bytes.length,
    });
    assert.match(reserved.file_id!, /^F/);
    const up = await fetch(reserved.upload_url!, { method: 'POST', body: bytes });
    assert.equal(up.status, 200);
    assert.equal(await up.text(), `OK - ${bytes.length}`);
    assert.equal((await fetch(reserved.upload_url!, { method: 'POST', body: bytes })).status, 404);
    assert.equal(
      Buffer.from(f.sim.control.fileContent(reserved.file_id!).base64, 'base64').compare(bytes),
      0,
    );

    const form = await f.client.files.getUploadURLExternal({ filename: 'plan.txt', length: 5 });
    const body = new FormData();
    body.append('filename', new Blob(['plan!']), 'plan.txt');
    assert.equal((await fetch(form.upload_url!, { method: 'POST', body })).status, 200);
    assert.equal(f.sim.control.fileContent(form.file_id!).text, 'plan!');

    // Web API arguments may come as a multipart form too (curl --form), as Slack's examples send them.
    const multipart = new FormData();
    multipart.append('filename', 'form.txt');
    multipart.append('length', '4');
    const viaForm = (await (
      await fetch(`${f.sim.apiUrl}files.getUploadURLExternal`, {
        method: 'POST',
        headers: { authorization: `Bearer ${f.install.botToken}` },
        body: multipart,
      })
    ).json()) as { ok: boolean; file_id: string };
    assert.equal(viaForm.ok, true);
    assert.equal(f.sim.control.files().find((x) => x.id === viaForm.file_id)?.declaredLength, 4);

    // Completed without a channel: the file stays private, and is not shared anywhere.
    const done = await f.client.files.completeUploadExternal({
      files: [{ id: form.file_id!, title: 'Plan' }],
    });
    assert.deepEqual(done.files, [{ id: form.file_id, title: 'Plan' }]);
    assert.deepEqual(f.sim.control.files().find((x) => x.id === form.file_id)?.shares, []);
  });

  test('errors as Slack names them', async () => {
    assert.equal(
      (await platformError(f.client.files.getUploadURLExternal({ filename: 'x.txt', length: 0 }))).error,
      'missing_argument',
    );
    assert.equal(
      (await platformError(f.client.apiCall('files.getUploadURLExternal', { length: 3 }))).error,
      'invalid_arguments',
    );
    const never = await f.client.files.getUploadURLExternal({ filename: 'never.txt', length: 3 });
    assert.equal(
      (await platformError(f.client.files.completeUploadExternal({ files: [{ id: never.file_id! }] }))).error,
      'file_not_found',
    );
    const ok = await f.client.files.getUploadURLExternal({ filename: 'x.txt', length: 1 });
    await fetch(ok.upload_url!, { method: 'POST', body: 'x' });
    assert.equal(
      (
        await platformError(
          f.client.files.completeUploadExternal({
            files: [{ id: ok.file_id! }],
            channel_id: f.demo.channels.random.id,
          }),
        )
      ).error,
      'not_in_channel',
    );
    assert.equal(
      (
        await platformError(
          f.client.files.completeUploadExternal({
            files: [{ id: ok.file_id! }],
            channel_id: f.demo.channels.devNotifications.id,
          }),
        )
      ).error,
      'channel_not_found',
    );
    // files.upload is retired.
    assert.equal(
      (await platformError(f.client.apiCall('files.upload', { channels: general(), content: 'x' }))).error,
      'method_deprecated',
    );
  });

  test('files:write is required', async () => {
    const other = await demoFixture();
    try {
      const e = await platformError(other.client.files.getUploadURLExternal({ filename: 'x', length: 1 }));
      assert.equal(e.error, 'missing_scope');
      assert.equal(e.needed, 'files:write');
    } finally {
      await other.sim.close();
    }
  });
});
