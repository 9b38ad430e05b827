import { describe, expect, it } from 'vitest';
import { mediaTypeOf } from './attach-file.ts';

describe('the kind a file from the Message box is sent as', () => {
  it('photos, videos and audio WhatsApp shows inline go as such, whatever the parameters or case', () => {
    expect(mediaTypeOf('image/jpeg')).toBe('image');
    expect(mediaTypeOf('IMAGE/PNG')).toBe('image');
    expect(mediaTypeOf('video/mp4')).toBe('video');
    expect(mediaTypeOf('audio/ogg; codecs=opus')).toBe('audio');
    expect(mediaTypeOf('audio/mpeg')).toBe('audio');
  });

  it('anything WhatsApp would refuse as a photo, video or audio goes as a document', () => {
    for (const type of ['image/webp', 'image/gif', 'video/webm', 'audio/wav', 'application/pdf', 'text/plain', '']) expect(mediaTypeOf(type), type).toBe('document');
  });
});
