/**
 * POST /send: sends one WhatsApp text exactly once per (session, waMessageId), however often the
 * queue or the functions retry it. The id is recorded before sending, so a retry after a crash
 * re-sends the same WhatsApp id (recipients' apps treat it as the same message), never a new one.
 */
import type { SendRequest, SendResult } from '../shared/contracts/send-request.ts';
import { HostError } from './http-errors.ts';
import type { SentMessages } from './sent-messages.ts';
import type { Session } from './session.ts';
import { showTyping, type Clock, type SendThrottle, type ThrottleTuning } from './throttle.ts';

export type SendDeps = {
  sessions: ReadonlyMap<string, Session>;
  sent: SentMessages;
  throttle: SendThrottle;
  tuning: ThrottleTuning;
  clock?: Clock;
};

/** A phone number (digits, with or without +, spaces, dashes) or a full chat JID. */
export function recipientJid(to: string): string {
  const trimmed = to.trim();
  if (trimmed.includes('@')) {
    if (!/^[^@\s]+@(s\.whatsapp\.net|lid|g\.us|broadcast|newsletter|hosted|hosted\.lid)$/.test(trimmed)) {
      throw new HostError('VALIDATION_FAILED', '"to" is not a WhatsApp chat id this host can send to.');
    }
    return trimmed;
  }
  const digits = trimmed.replace(/[\s().+-]/g, '');
  if (!/^\d{5,20}$/.test(digits)) {
    throw new HostError('VALIDATION_FAILED', '"to" must be a phone number in international format or a chat JID.');
  }
  return `${digits}@s.whatsapp.net`;
}

export function createSender(deps: SendDeps) {
  // Same id asked twice at once (a queue retry racing the first try): the second waits for the first.
  const inFlight = new Map<string, Promise<SendResult>>();

  async function deliver(session: Session, req: SendRequest, jid: string): Promise<SendResult> {
    await deps.throttle.run(session.id, async () => {
      const sock = session.openSocket();
      if (!sock) throw unavailable(session);
      if (req.typing) await showTyping(sock, jid, req.text.length, deps.tuning, deps.clock);
      const sent = await sock.sendMessage(jid, { text: req.text }, { messageId: req.waMessageId }).catch((err: unknown) => {
        // A socket that closed mid-send is a transient outage; anything else is WhatsApp refusing.
        if (!session.openSocket()) throw unavailable(session);
        throw new HostError('INTERNAL', `WhatsApp did not accept the message: ${err instanceof Error ? err.message : String(err)}`);
      });
      await deps.sent.markSent(session.id, req.waMessageId, sent?.message);
    });
    return { waMessageId: req.waMessageId, status: 'sent', duplicate: false, sentAt: new Date().toISOString() };
  }

  return async function send(req: SendRequest): Promise<SendResult> {
    const session = deps.sessions.get(req.sessionId);
    if (!session) throw new HostError('NOT_FOUND', `This socket-host holds no session "${req.sessionId}".`);
    const jid = recipientJid(req.to);
    const key = `${req.sessionId}:${req.waMessageId}`;
    const running = inFlight.get(key);
    if (running) return { ...(await running), duplicate: true };
    // Registered before the first await, so a concurrent twin always finds it.
    const attempt = (async (): Promise<SendResult> => {
      const existing = await deps.sent.reserve(req.sessionId, req.waMessageId, jid);
      if (existing.state === 'sent') {
        return { waMessageId: req.waMessageId, status: 'sent', duplicate: true, sentAt: existing.createdAt.toISOString() };
      }
      if (!session.openSocket()) throw unavailable(session);
      return await deliver(session, req, jid);
    })();
    inFlight.set(key, attempt);
    try {
      return await attempt;
    } finally {
      inFlight.delete(key);
    }
  };
}

function unavailable(session: Session): HostError {
  return new HostError('UNAVAILABLE', `WhatsApp session "${session.id}" is ${session.status}; retry later.`);
}
