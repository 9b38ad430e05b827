import { eq, sql } from 'drizzle-orm';
import { conversations } from '../../drizzle/schema.ts';
import type { Services } from '../services.ts';
import { emitWebhookEvent } from '../webhooks/emit.ts';

export type HandoffContext = {
  sessionId: string;
  conversationId: string;
  /** The customer message being answered: a redelivery of it hands off (and announces) once. */
  triggerId: string;
  humanPauseMinutes: number;
};

/**
 * The agent hands the customer to a person: the conversation is paused for the team's takeover time
 * and flagged as needing a human (until resumed), and `conversation.handoff` is emitted, keyed on the
 * message being answered so that a redelivered hook announces it once.
 */
export async function handOff(s: Services, ctx: HandoffContext, reason: string | null): Promise<void> {
  const until = sql`now() + make_interval(mins => ${ctx.humanPauseMinutes})`;
  const [row] = await s.db
    .update(conversations)
    .set({
      // A longer pause already set by the team stays.
      pausedUntil: sql`greatest(${conversations.pausedUntil}, ${until})`,
      needsHumanSince: sql`coalesce(${conversations.needsHumanSince}, now())`,
      // This pause holds back the customer's later messages, not the reply to this one (inbound.ts).
      handoffMessageId: ctx.triggerId,
    })
    .where(eq(conversations.id, ctx.conversationId))
    .returning();
  if (!row) return;
  await emitWebhookEvent(
    s,
    'conversation.handoff',
    {
      sessionId: ctx.sessionId,
      conversationId: ctx.conversationId,
      reason,
      pausedUntil: row.pausedUntil!.toISOString(),
      contact: { jid: row.contactJid, phone: row.phone, name: row.name },
    },
    { key: `handoff:${ctx.triggerId}` },
  );
}

/**
 * What the customer is told when the model handed off without a word of its own: one sentence in the
 * customer's language as far as a few common words tell it, English otherwise.
 */
export function handoffSentence(customerText: string): string {
  const words = new Set(
    customerText
      .toLowerCase()
      .normalize('NFD')
      .replace(/\p{M}/gu, '')
      .split(/[^\p{L}]+/u),
  );
  let best: { lang: keyof typeof SENTENCES; hits: number } = { lang: 'en', hits: 0 };
  for (const [lang, markers] of Object.entries(MARKERS) as [keyof typeof SENTENCES, string[]][]) {
    const hits = markers.filter((w) => words.has(w)).length;
    if (hits > best.hits) best = { lang, hits };
  }
  return SENTENCES[best.lang];
}

const SENTENCES = {
  en: 'I have passed your message to a person from our team, who will answer you here shortly.',
  pt: 'Passei sua mensagem para uma pessoa da nossa equipe, que vai te responder aqui em breve.',
  es: 'Pasé tu mensaje a una persona de nuestro equipo, que te responderá aquí en breve.',
  de: 'Ich habe deine Nachricht an eine Person aus unserem Team weitergegeben, die dir hier bald antwortet.',
  fr: 'J’ai transmis votre message à une personne de notre équipe, qui vous répondra ici rapidement.',
};

/** Frequent short words of each language, accents removed (as customers often type them). */
const MARKERS: Record<keyof typeof SENTENCES, string[]> = {
  en: ['i', 'the', 'to', 'want', 'talk', 'speak', 'person', 'human', 'please', 'with', 'you', 'is', 'my', 'can'],
  pt: ['quero', 'falar', 'com', 'uma', 'pessoa', 'voce', 'vc', 'vcs', 'nao', 'por', 'favor', 'atendente', 'obrigado', 'meu', 'minha', 'e', 'o', 'um', 'pra', 'gostaria'],
  es: ['quiero', 'hablar', 'con', 'una', 'persona', 'usted', 'por', 'favor', 'no', 'el', 'la', 'mi', 'gracias', 'necesito', 'y'],
  de: ['ich', 'mochte', 'will', 'mit', 'einem', 'einer', 'sprechen', 'mensch', 'bitte', 'nicht', 'und', 'der', 'die', 'das'],
  fr: ['je', 'veux', 'parler', 'avec', 'une', 'personne', 'vous', 'merci', 'pas', 'et', 'le', 'la', 'mon', 'voudrais'],
};
