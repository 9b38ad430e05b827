/**
 * The WhatsApp calls integrators use, as thin signed commands: each checks its input, finds the open
 * socket of the number and makes one Baileys call. What to call them with (which messages to mark read,
 * which key a reaction names, what the answer means) is decided by the functions.
 */
import type { AnyMessageContent, GroupMetadata, WAMessageKey } from '@whiskeysockets/baileys';
import type { Hono, Context } from 'hono';
import type { Logger } from 'pino';
import { z } from 'zod';
import { waSentMessages } from '../drizzle/schema.ts';
import type { Db } from '../shared/db.ts';
import { HostError } from './http-errors.ts';
import { parseBody } from './parse-body.ts';
import { recipientJid } from './send.ts';
import type { SentMessages } from './sent-messages.ts';
import type { Session } from './session.ts';
import type { HostSocket } from './socket-types.ts';
import type { SendThrottle } from './throttle.ts';

export type CommandDeps = {
  sessions: ReadonlyMap<string, Session>;
  db: Db;
  sent: SentMessages;
  /** The same per-number throttle as /send: a burst of reactions or locations is a burst all the same. */
  throttle: SendThrottle;
  log: Logger;
};

const jid = z.string().min(3).max(128).transform((to, ctx) => {
  try {
    return recipientJid(to);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
    return z.NEVER;
  }
});

/** A message's key as Baileys takes it: the chat, the id, whether we sent it, and its author in a group. */
const messageKey = z.strictObject({
  remoteJid: jid,
  id: z.string().regex(/^[0-9A-Za-z]{4,64}$/, 'must be a WhatsApp message id'),
  fromMe: z.boolean(),
  participant: jid.optional(),
});

const readBody = z.strictObject({ keys: z.array(messageKey).min(1).max(100) });
const presenceBody = z.strictObject({ jid, presence: z.enum(['composing', 'recording', 'paused']) });
const phonesBody = z.strictObject({ phones: z.array(z.string().regex(/^\d{6,15}$/, 'must be digits in international format')).min(1).max(50) });

/** The Baileys content of each message a command may send; a new message (location, contacts) needs its id. */
const messageBody = z.strictObject({
  jid,
  messageId: z.string().regex(/^[0-9A-F]{16,40}$/, 'must be an upper-case hex WhatsApp message id').optional(),
  content: z.union([
    z.strictObject({ react: z.strictObject({ key: messageKey, text: z.string().max(32) }) }),
    z.strictObject({ text: z.string().min(1).max(4096), edit: messageKey }),
    z.strictObject({ delete: messageKey }),
    z.strictObject({
      location: z.strictObject({
        degreesLatitude: z.number().min(-90).max(90),
        degreesLongitude: z.number().min(-180).max(180),
        name: z.string().max(512).optional(),
        address: z.string().max(1024).optional(),
      }),
    }),
    z.strictObject({
      contacts: z.strictObject({
        displayName: z.string().max(256).optional(),
        contacts: z.array(z.strictObject({ displayName: z.string().max(256).optional(), vcard: z.string().min(1).max(8192) })).min(1).max(10),
      }),
    }),
  ]),
});

export type GroupSummary = {
  id: string;
  subject: string;
  description: string | null;
  owner: string | null;
  size: number;
  createdAt: string | null;
  announce: boolean;
  restrict: boolean;
  participants: { id: string; phoneNumber: string | null; admin: 'admin' | 'superadmin' | null }[];
};

export function registerCommandRoutes(app: Hono, deps: CommandDeps): void {
  const log = deps.log.child({ part: 'commands' });

  /** The number's socket, or why there is none: another host has it (503), or it is not connected (409). */
  const socketOf = (c: Context): { session: Session; sock: HostSocket } => {
    const id = c.req.param('id') ?? '';
    const session = deps.sessions.get(id);
    if (!session) throw new HostError('NOT_FOUND', `This socket-host holds no session "${id}".`);
    if (!session.holdsLease) {
      throw new HostError('UNAVAILABLE', `WhatsApp session "${id}" is held by another socket-host or starting; retry later.`, { 'Retry-After': '5' });
    }
    const sock = session.openSocket();
    if (!sock) {
      const why = session.reason ? ` (${session.reason})` : '';
      throw new HostError('SESSION_NOT_OPEN', `WhatsApp number "${id}" is not connected: it is ${session.status}${why}. Link or restart it (/v1/sessions/${id}), then try again.`);
    }
    return { session, sock };
  };

  /** One Baileys call; a socket that closed under it is the number not being open, anything else WhatsApp's refusal. */
  const whatsapp = async <T>(session: Session, sock: HostSocket, what: string, call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (err) {
      if (session.openSocket() !== sock) throw new HostError('SESSION_NOT_OPEN', `WhatsApp number "${session.id}" disconnected while ${what}; try again once it is open.`);
      const message = err instanceof Error ? err.message : String(err);
      log.warn({ session: session.id, what, err: message }, 'WhatsApp refused a command');
      throw new HostError('UNAVAILABLE', `WhatsApp did not accept ${what}: ${message}.`);
    }
  };

  app.post('/sessions/:id/read', async (c) => {
    const { keys } = await parseBody(c, readBody);
    const { session, sock } = socketOf(c);
    await whatsapp(session, sock, 'the read receipts', () => sock.readMessages(keys as WAMessageKey[]));
    return c.json({ read: keys.length });
  });

  app.post('/sessions/:id/presence', async (c) => {
    const { jid: to, presence } = await parseBody(c, presenceBody);
    const { session, sock } = socketOf(c);
    await whatsapp(session, sock, 'the presence', () => sock.sendPresenceUpdate(presence, to));
    return c.json({ presence });
  });

  app.post('/sessions/:id/messages', async (c) => {
    const body = await parseBody(c, messageBody);
    const { session, sock } = socketOf(c);
    const { content } = body;
    const isNew = 'location' in content || 'contacts' in content;
    if (isNew && !body.messageId) throw new HostError('VALIDATION_FAILED', 'Invalid request: messageId is required for a new message.');
    // A new message is recorded as ours before it leaves, so its echo is not taken for the team typing
    // on the phone, and a repeated command with the same id does not send it twice. Reactions, edits
    // and deletes are not: their echo is what tells the functions the message changed.
    if (isNew && (await claimDirectSend(deps.db, session.id, body.messageId!, body.jid)) === 'sent') {
      return c.json({ waMessageId: body.messageId!, duplicate: true });
    }
    try {
      const sent = await deps.throttle.run(session.id, () =>
        whatsapp(session, sock, 'the message', () => sock.sendMessage(body.jid, content as AnyMessageContent, body.messageId ? { messageId: body.messageId } : {})),
      );
      if (isNew) await deps.sent.markSent(session.id, body.messageId!, sent?.message).catch((err) => log.error({ err: String(err) }, 'direct send not recorded'));
      return c.json({ waMessageId: sent?.key.id ?? body.messageId ?? null, duplicate: false });
    } catch (err) {
      if (isNew) await deps.sent.markFailed(session.id, body.messageId!, (err as Error).message.slice(0, 500)).catch(() => undefined);
      throw err;
    }
  });

  app.post('/sessions/:id/on-whatsapp', async (c) => {
    const { phones } = await parseBody(c, phonesBody);
    const { session, sock } = socketOf(c);
    const found = (await whatsapp(session, sock, 'the number lookup', () => sock.onWhatsApp(...phones))) ?? [];
    const data = await Promise.all(
      phones.map(async (phone) => {
        const hit = found.find((r) => r.exists && r.jid.split('@')[0]!.split(':')[0] === phone);
        if (!hit) return { phone, exists: false, jid: null, lid: null };
        // Baileys 7's onWhatsApp answers no LID; its mapping store knows it, or asks WhatsApp.
        const lid = await sock.signalRepository.lidMapping.getLIDForPN(hit.jid).catch(() => null);
        return { phone, exists: true, jid: hit.jid, lid };
      }),
    );
    return c.json({ data });
  });

  app.get('/sessions/:id/profile-picture', async (c) => {
    const parsed = jid.safeParse(c.req.query('jid') ?? '');
    if (!parsed.success) throw new HostError('VALIDATION_FAILED', `Invalid request: jid ${parsed.error.issues[0]!.message}.`);
    const { sock } = socketOf(c);
    // No picture and a picture privacy hides are the same answer from WhatsApp (an IQ error): none.
    const url = await sock.profilePictureUrl(parsed.data, 'image').catch(() => undefined);
    return c.json({ url: url ?? null });
  });

  app.get('/sessions/:id/groups', async (c) => {
    const { session, sock } = socketOf(c);
    const groups = await whatsapp(session, sock, 'the group list', () => sock.groupFetchAllParticipating());
    const data = Object.values(groups).map(groupSummary).sort((a, b) => a.subject.localeCompare(b.subject));
    return c.json({ data });
  });
}

function groupSummary(g: GroupMetadata): GroupSummary {
  return {
    id: g.id,
    subject: g.subject,
    description: g.desc ?? null,
    owner: g.ownerPn ?? g.owner ?? null,
    size: g.size ?? g.participants.length,
    createdAt: g.creation ? new Date(g.creation * 1000).toISOString() : null,
    announce: g.announce === true,
    restrict: g.restrict === true,
    participants: g.participants.map((p) => ({ id: p.id, phoneNumber: p.phoneNumber ?? null, admin: p.admin ?? null })),
  };
}

/**
 * Records a direct send in wa_sent_messages before it leaves: 'failed' until WhatsApp has it, so a
 * crash in between lets a retry send it, and never 'queued' (the send queue would send it as a text).
 * Answers 'sent' when this id was sent already.
 */
async function claimDirectSend(db: Db, sessionId: string, waMessageId: string, remoteJid: string): Promise<'sent' | 'claimed'> {
  const t = waSentMessages;
  const [row] = await db
    .insert(t)
    .values({ sessionId, waMessageId, remoteJid, state: 'failed', error: 'not sent yet: a direct send in progress' })
    .onConflictDoUpdate({ target: [t.sessionId, t.waMessageId], set: { remoteJid: t.remoteJid } })
    .returning({ state: t.state });
  return row?.state === 'sent' ? 'sent' : 'claimed';
}
