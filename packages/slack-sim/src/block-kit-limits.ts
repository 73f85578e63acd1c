// Block Kit's documented limits, checked as Slack checks them when a message is posted or updated:
// a message Slack would refuse (`invalid_blocks`) must fail here too, or the bug only shows up in
// production. Errors use Slack's wording: "<problem> [json-pointer:/blocks/0/text/text]".
// https://api.slack.com/reference/block-kit/blocks · …/block-elements · …/composition-objects

const BLOCK_TYPES = new Set([
  'actions',
  'context',
  'divider',
  'file',
  'header',
  'image',
  'input',
  'markdown',
  'rich_text',
  'section',
  'table',
  'video',
]);

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

class Checker {
  readonly errors: string[] = [];

  fail(problem: string, pointer: string): void {
    this.errors.push(`${problem} [json-pointer:${pointer}]`);
  }

  maxLength(v: unknown, max: number, pointer: string): void {
    if (typeof v === 'string' && v.length > max)
      this.fail(`must be less than ${max + 1} characters`, pointer);
  }

  maxItems(v: unknown, max: number, pointer: string): void {
    if (Array.isArray(v) && v.length > max) this.fail(`no more than ${max} items allowed`, pointer);
  }

  /** A text composition object: plain_text or mrkdwn, non-empty, at most `max` characters. */
  text(v: unknown, max: number, pointer: string, plainOnly = false): void {
    if (!isObject(v)) return this.fail('must provide an object', pointer);
    if (v.type !== 'plain_text' && (plainOnly || v.type !== 'mrkdwn')) {
      return this.fail(
        `must be one of the provided options ${plainOnly ? '[plain_text]' : '[plain_text, mrkdwn]'}`,
        `${pointer}/type`,
      );
    }
    if (typeof v.text !== 'string' || v.text.length === 0)
      return this.fail('must be more than 0 characters', `${pointer}/text`);
    this.maxLength(v.text, max, `${pointer}/text`);
  }

  confirm(v: unknown, pointer: string): void {
    if (!isObject(v)) return this.fail('must provide an object', pointer);
    this.text(v.title, 100, `${pointer}/title`, true);
    this.text(v.text, 300, `${pointer}/text`);
    this.text(v.confirm, 30, `${pointer}/confirm`, true);
    this.text(v.deny, 30, `${pointer}/deny`, true);
  }

  element(v: unknown, pointer: string): void {
    if (!isObject(v) || typeof v.type !== 'string') return this.fail('missing required field: type', pointer);
    this.maxLength(v.action_id, 255, `${pointer}/action_id`);
    if (v.confirm !== undefined) this.confirm(v.confirm, `${pointer}/confirm`);
    if (v.type === 'button') {
      this.text(v.text, 75, `${pointer}/text`, true);
      this.maxLength(v.value, 2000, `${pointer}/value`);
      this.maxLength(v.url, 3000, `${pointer}/url`);
      if (v.style !== undefined && v.style !== 'primary' && v.style !== 'danger') {
        this.fail('must be one of the provided options [primary, danger]', `${pointer}/style`);
      }
    }
  }

  block(b: unknown, pointer: string): void {
    if (!isObject(b) || typeof b.type !== 'string') return this.fail('missing required field: type', pointer);
    if (!BLOCK_TYPES.has(b.type)) return this.fail(`unsupported type: ${b.type}`, `${pointer}/type`);
    this.maxLength(b.block_id, 255, `${pointer}/block_id`);
    switch (b.type) {
      case 'section':
        if (b.text === undefined && b.fields === undefined)
          this.fail('must provide either text or fields', pointer);
        if (b.text !== undefined) this.text(b.text, 3000, `${pointer}/text`);
        if (b.fields !== undefined) {
          this.maxItems(b.fields, 10, `${pointer}/fields`);
          if (Array.isArray(b.fields))
            b.fields.forEach((f, i) => this.text(f, 2000, `${pointer}/fields/${i}`));
        }
        if (b.accessory !== undefined) this.element(b.accessory, `${pointer}/accessory`);
        break;
      case 'actions': {
        if (!Array.isArray(b.elements) || b.elements.length === 0) {
          this.fail('must provide at least 1 item', `${pointer}/elements`);
          break;
        }
        this.maxItems(b.elements, 25, `${pointer}/elements`);
        const ids = new Set<string>();
        b.elements.forEach((e, i) => {
          this.element(e, `${pointer}/elements/${i}`);
          const id = isObject(e) ? e.action_id : undefined;
          if (typeof id === 'string') {
            if (ids.has(id)) this.fail(`duplicate action_id: ${id}`, `${pointer}/elements/${i}/action_id`);
            ids.add(id);
          }
        });
        break;
      }
      case 'context':
        if (!Array.isArray(b.elements) || b.elements.length === 0)
          this.fail('must provide at least 1 item', `${pointer}/elements`);
        this.maxItems(b.elements, 10, `${pointer}/elements`);
        // Text objects everywhere are capped at 3000 characters.
        if (Array.isArray(b.elements)) {
          b.elements.forEach((e, i) => {
            if (isObject(e) && (e.type === 'mrkdwn' || e.type === 'plain_text'))
              this.text(e, 3000, `${pointer}/elements/${i}`);
          });
        }
        break;
      case 'header':
        this.text(b.text, 150, `${pointer}/text`, true);
        break;
      case 'image':
        this.maxLength(b.image_url, 3000, `${pointer}/image_url`);
        this.maxLength(b.alt_text, 2000, `${pointer}/alt_text`);
        break;
    }
  }
}

/** Slack's complaints about a list of blocks at `pointer` (e.g. `/blocks`), empty when valid. */
export function blockErrors(blocks: unknown[], pointer: string): string[] {
  const c = new Checker();
  c.maxItems(blocks, 50, pointer);
  const ids = new Set<string>();
  blocks.forEach((b, i) => {
    c.block(b, `${pointer}/${i}`);
    const id = isObject(b) ? b.block_id : undefined;
    if (typeof id === 'string') {
      if (ids.has(id)) c.fail(`duplicate block_id: ${id}`, `${pointer}/${i}/block_id`);
      ids.add(id);
    }
  });
  return c.errors;
}

/** The same for the blocks inside message attachments. */
export function attachmentBlockErrors(attachments: unknown[]): string[] {
  return attachments.flatMap((a, i) =>
    isObject(a) && Array.isArray(a.blocks) ? blockErrors(a.blocks, `/attachments/${i}/blocks`) : [],
  );
}
