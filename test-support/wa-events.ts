import type { MessageFromTeam, MessageReceived } from '../shared/contracts/wa-event.ts';

/** A customer's message as the socket-host publishes it (for tests and the bench that post events themselves). */
export function receivedEvent(phone: string, waMessageId: string, text: string, overrides: Partial<MessageReceived> = {}): MessageReceived {
  return {
    v: 1,
    id: `default:${waMessageId}`,
    sessionId: 'default',
    at: new Date().toISOString(),
    type: 'message.received',
    waMessageId,
    chatJid: `${phone}@s.whatsapp.net`,
    phone,
    pushName: null,
    text,
    timestamp: Math.floor(Date.now() / 1000),
    kind: 'direct',
    participantJid: null,
    replay: false,
    messageType: 'text',
    ...overrides,
  };
}

/** A message the team typed on the phone, as the socket-host publishes it. */
export function fromTeamEvent(phone: string, waMessageId: string, text: string, overrides: Partial<MessageFromTeam> = {}): MessageFromTeam {
  return {
    v: 1,
    id: `default:${waMessageId}`,
    sessionId: 'default',
    at: new Date().toISOString(),
    type: 'message.from_team',
    waMessageId,
    chatJid: `${phone}@s.whatsapp.net`,
    phone,
    text,
    timestamp: Math.floor(Date.now() / 1000),
    kind: 'direct',
    messageType: 'text',
    ...overrides,
  };
}
