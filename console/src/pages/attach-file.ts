import type { paths } from '../api/schema.d.ts';

export type OutboundMedia = NonNullable<paths['/v1/conversations/{id}/messages']['post']['requestBody']>['content']['application/json']['media'];

/**
 * The kinds WhatsApp shows inline take only these types (the API refuses others by name); any other
 * file goes as a document, which WhatsApp delivers as a download under its own name.
 */
const INLINE: Record<'image' | 'video' | 'audio', string[]> = {
  image: ['image/jpeg', 'image/png'],
  video: ['video/mp4', 'video/3gpp'],
  audio: ['audio/aac', 'audio/mp4', 'audio/mpeg', 'audio/amr', 'audio/ogg'],
};

export function mediaTypeOf(mimeType: string): 'image' | 'video' | 'audio' | 'document' {
  const bare = mimeType.split(';')[0]!.trim().toLowerCase();
  for (const [type, accepted] of Object.entries(INLINE)) if (accepted.includes(bare)) return type as keyof typeof INLINE;
  return 'document';
}

/** The file as the API's `media`: base64 in `data`; without a type the API reads it from the first bytes. */
export async function toMedia(file: File): Promise<NonNullable<OutboundMedia>> {
  const type = mediaTypeOf(file.type);
  return {
    type,
    data: await base64Of(file),
    ...(file.type ? { mimeType: file.type } : {}),
    ...(type === 'document' ? { fileName: file.name } : {}),
  };
}

/** FileReader's data: URL is the browser's own base64 encoder, fast for files of megabytes. */
function base64Of(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error ?? new Error('unreadable'));
    reader.readAsDataURL(file);
  });
}
