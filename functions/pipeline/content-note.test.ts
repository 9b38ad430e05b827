import { describe, expect, it } from 'vitest';
import { contentNote } from './content-note.ts';
import { toTurns } from './history.ts';

const media = { mimeType: 'application/pdf', size: 120_000, fileName: 'pedido-1042.pdf', seconds: null, mediaKey: null, directPath: null, url: null, fileSha256: null, fileEncSha256: null };

describe('what the model is told of a message it cannot read', () => {
  it('names each kind, a document by its file name, a location by name and coordinates, a contact by name', () => {
    expect(contentNote({ direction: 'in', type: 'text' })).toBe('');
    expect(contentNote({ direction: 'in', type: 'voice' })).toBe('[the customer sent a voice note, which you could not listen to]');
    expect(contentNote({ direction: 'in', type: 'audio' })).toBe('[the customer sent an audio file, which you could not listen to]');
    expect(contentNote({ direction: 'in', type: 'video' })).toBe('[the customer sent a video, which you cannot watch]');
    expect(contentNote({ direction: 'in', type: 'document', media })).toBe('[the customer sent a document "pedido-1042.pdf", which you cannot open]');
    expect(contentNote({ direction: 'out', type: 'image' })).toBe('[you sent a photo, which you cannot see]');
    expect(
      contentNote({ direction: 'in', type: 'location', location: { latitude: -22.9, longitude: -43.17, name: null, address: null, live: true } }),
    ).toBe('[the customer shared their live location: latitude -22.9, longitude -43.17]');
    expect(contentNote({ direction: 'in', type: 'contact', contacts: [{ name: 'Ana\nSouza', vcard: null }, { name: null, vcard: 'x' }] })).toBe(
      '[the customer shared a contact card: Ana Souza, unnamed]',
    );
  });

  it('puts the caption after the note, joins a burst into one turn and leaves deleted messages out', () => {
    const at = { status: 'received', direction: 'in' as const };
    expect(
      toTurns([
        { ...at, type: 'text', text: 'Oi' },
        { ...at, type: 'image', text: 'quanto custa?' },
        { ...at, type: 'text', text: 'meu CPF', deletedAt: new Date() },
        { ...at, type: 'sticker', text: '' },
      ]),
    ).toEqual([{ role: 'user', content: 'Oi\n[the customer sent a photo, which you cannot see]\nquanto custa?\n[the customer sent a sticker, which you cannot see]' }]);
  });
});
