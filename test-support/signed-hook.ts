import { QSTASH_DEV_CREDENTIALS } from '../shared/config/qstash-dev-credentials.ts';
import type { MessageReceived } from '../shared/contracts/wa-event.ts';
import { signQStashJwt } from '../shared/qstash-jwt.ts';
import { encryptAsWhatsApp } from '../socket-host/media-encrypt.ts';
import type { startMediaCdn } from '../local/media-cdn.ts';
import { receivedEvent } from './wa-events.ts';

/** POSTs `event` to a hook as the local QStash delivers it: JSON, signed with the development key. */
export async function postSignedHook(hookUrl: string, event: unknown, headers: Record<string, string> = {}): Promise<Response> {
  const body = JSON.stringify(event);
  const signature = await signQStashJwt({ signingKey: QSTASH_DEV_CREDENTIALS.QSTASH_CURRENT_SIGNING_KEY, url: hookUrl, body: new TextEncoder().encode(body) });
  return await fetch(hookUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'upstash-signature': signature, ...headers }, body });
}

/**
 * A customer's photo as WhatsApp delivers it: `photo` encrypted with a fresh media key, put on the
 * stand-in media CDN, and the received event that points at it (caption "foto").
 */
export async function photoEvent(mediaCdn: Awaited<ReturnType<typeof startMediaCdn>>, phone: string, waMessageId: string, photo: Uint8Array): Promise<MessageReceived> {
  const enc = await encryptAsWhatsApp(photo, 'image');
  const { url, directPath } = mediaCdn.upload(enc.file);
  const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
  const media = { mimeType: 'image/jpeg', size: photo.length, fileName: null, seconds: null, mediaKey: b64(enc.mediaKey), directPath, url, fileSha256: b64(enc.fileSha256), fileEncSha256: b64(enc.fileEncSha256) };
  return receivedEvent(phone, waMessageId, 'foto', { messageType: 'image', media });
}
