import { z } from 'zod';
import { DEFAULT_MAIL_OPTIONS, SENDER_POLICIES, type MailOptions } from '../../domain/channels.js';

/** Largest attachment a channel may take: the vault's upload limit is above it anyway. */
export const MAX_ATTACHMENT_LIMIT = 100 * 1024 * 1024;

const sender = z.string().trim().toLowerCase().refine(
  (s) => /^@?[a-z0-9.-]+\.[a-z]{2,}$/.test(s) || /^[^\s@]+@[a-z0-9.-]+\.[a-z]{2,}$/.test(s),
  'Give an address (ap@supplier.example) or a domain (supplier.example).',
);

/** An e-mail channel's choices as a user gives them; what is left out keeps its default (or its current value). */
export const mailOptionsInput = z.object({
  allowList: z.array(sender).max(500).optional(),
  others: z.enum(SENDER_POLICIES).optional(),
  processed: z.discriminatedUnion('action', [
    z.object({ action: z.literal('none') }),
    z.object({ action: z.literal('move'), folder: z.string().trim().min(1).max(200) }),
    z.object({ action: z.literal('flag'), flag: z.string().trim().regex(/^\\?[A-Za-z$][\w$-]*$/, 'Give an IMAP flag such as \\Seen or $Collected.') }),
  ]).optional(),
  maxAttachmentBytes: z.number().int().min(1024).max(MAX_ATTACHMENT_LIMIT).optional(),
  bodyToPdf: z.boolean().optional(),
});

export type MailOptionsInput = z.infer<typeof mailOptionsInput>;

export function mergeMailOptions(current: MailOptions | undefined, given: MailOptionsInput): MailOptions {
  const base = { ...DEFAULT_MAIL_OPTIONS, ...current };
  return {
    allowList: given.allowList ? [...new Set(given.allowList.map((s) => s.replace(/^@/, '')))] : base.allowList,
    others: given.others ?? base.others,
    processed: given.processed ?? base.processed,
    maxAttachmentBytes: given.maxAttachmentBytes ?? base.maxAttachmentBytes,
    bodyToPdf: given.bodyToPdf ?? base.bodyToPdf,
  };
}
