import { describe, expect, it } from 'vitest';
import { contentNote, DOCUMENT_END, modelContent } from './content-note.ts';
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

  it('gives a transcribed voice note as a note and then its words; the photos of the turn being answered when the model sees images', () => {
    const at = { status: 'received', direction: 'in' as const };
    const photo = (key: string) => ({ ...media, mimeType: 'image/png', stored: { key, size: 10 } });
    expect(contentNote({ direction: 'in', type: 'voice', transcript: 'Oi, tudo bem?' })).toBe('[the customer sent a voice note; its transcript follows]');
    expect(contentNote({ direction: 'in', type: 'image', media: photo('k') }, { seesImages: true })).toBe('[the customer sent a photo]');
    expect(contentNote({ direction: 'in', type: 'image', media }, { seesImages: true })).toBe('[the customer sent a photo, which you cannot see]');
    const recent = [
      { ...at, type: 'image' as const, text: 'esta?', media: photo('old') },
      { status: 'sent', direction: 'out' as const, type: 'text' as const, text: 'Sim.' },
      { ...at, type: 'voice' as const, text: '', transcript: 'E esta aqui?' },
      { ...at, type: 'image' as const, text: '', media: photo('new') },
      { ...at, type: 'image' as const, text: '', media: { ...media, mimeType: 'image/jpeg' } },
    ];
    expect(toTurns(recent, { seesImages: true })).toEqual([
      { role: 'user', content: '[the customer sent a photo]\nesta?' },
      { role: 'assistant', content: 'Sim.' },
      {
        role: 'user',
        content: '[the customer sent a voice note; its transcript follows]\nE esta aqui?\n[the customer sent a photo]\n[the customer sent a photo, which you cannot see]',
        images: [{ key: 'new', mediaType: 'image/png' }],
      },
    ]);
    expect(toTurns(recent).every((turn) => turn.images === undefined)).toBe(true);
  });

  it('gives a read document as a note, the caption, then its text up to an end mark; an unread one as a note the agent answers kindly', () => {
    const doc = { direction: 'in' as const, type: 'document' as const, media };
    expect(modelContent({ ...doc, text: 'segue o pedido', transcript: 'Pedido 1042\n2 pães' })).toBe(
      `[the customer sent a document "pedido-1042.pdf"; its text follows, after the caption if there is one]\nsegue o pedido\nPedido 1042\n2 pães\n${DOCUMENT_END}`,
    );
    expect(modelContent({ ...doc, text: '', transcript: 'Recibo' })).toBe(`[the customer sent a document "pedido-1042.pdf"; its text follows, after the caption if there is one]\nRecibo\n${DOCUMENT_END}`);
    expect(modelContent({ ...doc, text: 'segue', transcript: null })).toBe('[the customer sent a document "pedido-1042.pdf", which you cannot open]\nsegue');
    expect(modelContent({ direction: 'in', type: 'voice', text: '', transcript: 'Oi' })).toBe('[the customer sent a voice note; its transcript follows]\nOi');
  });
});
