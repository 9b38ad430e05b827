import { api, must } from '../api/client.ts';
import type { OutboundMedia } from './attach-file.ts';

/**
 * A reply typed by a person of the team: author `human`; the API pauses the agent in that conversation.
 * With a file, the text is its caption.
 */
export async function sendHumanReply(id: string, text: string, media?: OutboundMedia): Promise<void> {
  const body = media ? { media, ...(text.trim() ? { text } : {}) } : { text };
  await must(api.POST('/v1/conversations/{id}/messages', { params: { path: { id } }, body }));
}
