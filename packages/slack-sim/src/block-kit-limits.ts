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

/** Elements that pick from options (theirs, or loaded from the app with block_suggestion). */
const SELECTS = new Set(['static_select', 'external_select', 'multi_static_select', 'multi_external_select']);

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

  /** An option of a select, overflow, checkbox or radio group. */
  option(v: unknown, pointer: string): void {
    if (!isObject(v)) return this.fail('must provide an object', pointer);
    this.text(v.text, 75, `${pointer}/text`);
    if (typeof v.value !== 'string') this.fail('missing required field: value', `${pointer}/value`);
    this.maxLength(v.value, 150, `${pointer}/value`);
  }

  options(v: unknown, max: number, pointer: string): void {
    if (v === undefined) return;
    if (!Array.isArray(v)) return this.fail('must provide an array', pointer);
    this.maxItems(v, max, pointer);
    v.forEach((o, i) => this.option(o, `${pointer}/${i}`));
  }

  element(v: unknown, pointer: string): void {
    if (!isObject(v) || typeof v.type !== 'string') return this.fail('missing required field: type', pointer);
    this.maxLength(v.action_id, 255, `${pointer}/action_id`);
    if (v.confirm !== undefined) this.confirm(v.confirm, `${pointer}/confirm`);
    if (v.placeholder !== undefined) this.text(v.placeholder, 150, `${pointer}/placeholder`, true);
    if (SELECTS.has(v.type)) {
      this.options(v.options, 100, `${pointer}/options`);
      if (Array.isArray(v.option_groups)) {
        this.maxItems(v.option_groups, 100, `${pointer}/option_groups`);
        v.option_groups.forEach((g, i) => {
          const gp = `${pointer}/option_groups/${i}`;
          if (!isObject(g)) return this.fail('must provide an object', gp);
          this.text(g.label, 75, `${gp}/label`, true);
          this.options(g.options, 100, `${gp}/options`);
        });
      }
      if (v.type === 'static_select' || v.type === 'multi_static_select') {
        if (v.options === undefined && v.option_groups === undefined)
          this.fail('must provide either options or option_groups', pointer);
      }
    }
    if (v.type === 'checkboxes' || v.type === 'radio_buttons') {
      if (v.options === undefined) this.fail('missing required field: options', `${pointer}/options`);
      this.options(v.options, 10, `${pointer}/options`);
    }
    if (v.type === 'overflow') {
      if (!Array.isArray(v.options) || v.options.length < 2)
        this.fail('must provide at least 2 items', `${pointer}/options`);
      this.options(v.options, 5, `${pointer}/options`);
    }
    if (v.type === 'plain_text_input') {
      this.maxLength(v.initial_value, 3000, `${pointer}/initial_value`);
      if (typeof v.max_length === 'number' && v.max_length > 3000)
        this.fail('must be less than 3001', `${pointer}/max_length`);
    }
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
      case 'input':
        this.text(b.label, 2000, `${pointer}/label`, true);
        if (b.hint !== undefined) this.text(b.hint, 2000, `${pointer}/hint`, true);
        if (b.element === undefined) this.fail('missing required field: element', `${pointer}/element`);
        else this.element(b.element, `${pointer}/element`);
        break;
      case 'image':
        this.maxLength(b.image_url, 3000, `${pointer}/image_url`);
        this.maxLength(b.alt_text, 2000, `${pointer}/alt_text`);
        break;
    }
  }
}

/**
 * Slack's complaints about a list of blocks at `pointer` (e.g. `/blocks`), empty when valid.
 * Messages hold 50 blocks; modals and Home tabs 100.
 */
export function blockErrors(blocks: unknown[], pointer: string, maxBlocks = 50): string[] {
  const c = new Checker();
  c.maxItems(blocks, maxBlocks, pointer);
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

/**
 * Slack's complaints about a view object (a modal or a Home tab) at `/view`: its type, title and
 * buttons, text limits and up to 100 blocks. `types` are the types the calling method accepts.
 */
export function viewErrors(view: unknown, types: string[]): string[] {
  const c = new Checker();
  if (!isObject(view)) {
    c.fail('must provide an object', '/view');
    return c.errors;
  }
  if (typeof view.type !== 'string') c.fail('missing required field: type', '/view/type');
  else if (!types.includes(view.type))
    c.fail(`must be one of the provided options [${types.join(', ')}]`, '/view/type');
  if (!Array.isArray(view.blocks)) c.fail('missing required field: blocks', '/view/blocks');
  else c.errors.push(...blockErrors(view.blocks, '/view/blocks', 100));
  if (view.type === 'modal') {
    c.text(view.title, 24, '/view/title', true);
    if (view.submit !== undefined && view.submit !== null) c.text(view.submit, 24, '/view/submit', true);
    if (view.close !== undefined && view.close !== null) c.text(view.close, 24, '/view/close', true);
    const hasInput = Array.isArray(view.blocks) && view.blocks.some((b) => isObject(b) && b.type === 'input');
    if (hasInput && (view.submit === undefined || view.submit === null))
      c.fail('must provide submit when the view has input blocks', '/view/submit');
  }
  c.maxLength(view.callback_id, 255, '/view/callback_id');
  c.maxLength(view.private_metadata, 3000, '/view/private_metadata');
  c.maxLength(view.external_id, 255, '/view/external_id');
  return c.errors;
}
