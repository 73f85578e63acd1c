import type { SimServices } from './services.js';
import type { Attachment, Block } from './types.js';

// Block Kit as Slack stores it: every block gets a block_id and every interactive element an
// action_id when the app left them out (Slack generates them), so interaction payloads can echo them.

const INTERACTIVE = new Set([
  'button',
  'static_select',
  'external_select',
  'multi_static_select',
  'multi_external_select',
  'overflow',
  'datepicker',
  'timepicker',
  'datetimepicker',
  'users_select',
  'multi_users_select',
  'conversations_select',
  'multi_conversations_select',
  'channels_select',
  'multi_channels_select',
  'checkboxes',
  'radio_buttons',
  'plain_text_input',
  'number_input',
  'email_text_input',
  'url_text_input',
  'rich_text_input',
  'file_input',
]);

function generated(sim: SimServices, length: number): string {
  return sim.ids.secret('block', length).replace(/[0-9]/g, (d) => 'ghijklmnop'[Number(d)]!);
}

function normalizeElement(sim: SimServices, el: unknown): unknown {
  if (el === null || typeof el !== 'object') return el;
  const e = { ...(el as Record<string, unknown>) };
  if (typeof e.type === 'string' && INTERACTIVE.has(e.type) && typeof e.action_id !== 'string')
    e.action_id = generated(sim, 5);
  return e;
}

export function normalizeBlocks(sim: SimServices, blocks: Block[] | null): Block[] | null {
  if (!blocks) return blocks;
  return blocks.map((b) => {
    const out: Block = { ...b, block_id: typeof b.block_id === 'string' ? b.block_id : generated(sim, 4) };
    if (Array.isArray(out.elements)) out.elements = out.elements.map((e) => normalizeElement(sim, e));
    if (out.accessory) out.accessory = normalizeElement(sim, out.accessory);
    if (out.element) out.element = normalizeElement(sim, out.element);
    return out;
  });
}

/**
 * Slack numbers a message's attachments (`id`, from 1) and normalizes the blocks inside them;
 * a click on such a block reports the attachment as its container.
 */
export function normalizeAttachments(
  sim: SimServices,
  attachments: Attachment[] | null,
): Attachment[] | null {
  if (!attachments) return attachments;
  return attachments.map((a, i) => {
    const out: Attachment = { ...a, id: typeof a.id === 'number' ? a.id : i + 1 };
    if (Array.isArray(a.blocks)) out.blocks = normalizeBlocks(sim, a.blocks as Block[]);
    return out;
  });
}

export interface FoundButton {
  block: Block;
  element: Record<string, unknown>;
  /** The attachment holding the block (its `id`), or null for top-level blocks. */
  attachmentId: number | null;
}

/**
 * The buttons of a message in display order: top-level blocks first, then those inside
 * attachments (each in actions blocks' elements and section accessories).
 */
export function buttonsOf(message: {
  blocks: Block[] | null;
  attachments: Attachment[] | null;
}): FoundButton[] {
  const found = buttonsIn(message.blocks, null);
  for (const a of message.attachments ?? []) {
    if (Array.isArray(a.blocks))
      found.push(...buttonsIn(a.blocks as Block[], typeof a.id === 'number' ? a.id : null));
  }
  return found;
}

function buttonsIn(blocks: Block[] | null, attachmentId: number | null): FoundButton[] {
  const found: FoundButton[] = [];
  for (const block of blocks ?? []) {
    const candidates = [
      ...(Array.isArray(block.elements) ? block.elements : []),
      ...(block.accessory ? [block.accessory] : []),
    ];
    for (const el of candidates) {
      if (el && typeof el === 'object' && (el as Record<string, unknown>).type === 'button')
        found.push({ block, element: el as Record<string, unknown>, attachmentId });
    }
  }
  return found;
}
