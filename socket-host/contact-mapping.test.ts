/**
 * Baileys' `lid-mapping.update` as the event the functions merge a customer's conversations by: the
 * pair normalized (device suffixes dropped), decodable by the contract, and nothing for a pair that
 * is not a LID and a phone number.
 */
import { describe, expect, it } from 'vitest';
import { waEvent } from '../shared/contracts/wa-event.ts';
import { contactMappingEvent } from './normalize.ts';

const at = new Date('2026-01-02T03:04:05.000Z');

describe('contactMappingEvent', () => {
  it('carries the LID and the phone digits, with an id that is the same for the same pair', () => {
    const event = contactMappingEvent('default', { lid: '210000000000001:7@lid', pn: '5511987654321:3@s.whatsapp.net' }, at);
    expect(event).toEqual({
      v: 1,
      id: 'default:mapping:210000000000001@lid:5511987654321',
      sessionId: 'default',
      at: at.toISOString(),
      type: 'contact.mapping',
      lid: '210000000000001@lid',
      phone: '5511987654321',
    });
    expect(waEvent.parse(event)).toEqual(event);
    // Either way round, as Baileys' primary and Alt JIDs may be.
    expect(contactMappingEvent('default', { lid: '5511987654321@s.whatsapp.net', pn: '210000000000001@lid' }, at)?.id).toBe(event!.id);
  });

  it('is null for a pair that is not a LID and a phone number', () => {
    expect(contactMappingEvent('default', { lid: '210000000000001@lid', pn: '210000000000002@lid' }, at)).toBeNull();
    expect(contactMappingEvent('default', { lid: '5511987654321@s.whatsapp.net', pn: '5511987654322@s.whatsapp.net' }, at)).toBeNull();
    expect(contactMappingEvent('default', { lid: '120363000000000000@g.us', pn: '5511987654321@s.whatsapp.net' }, at)).toBeNull();
    expect(contactMappingEvent('default', { lid: '', pn: '' }, at)).toBeNull();
  });

  it('is refused by the contract without a LID or with a phone that is not digits', () => {
    const good = contactMappingEvent('default', { lid: '210000000000001@lid', pn: '5511987654321@s.whatsapp.net' }, at)!;
    expect(waEvent.safeParse({ ...good, lid: '5511987654321@s.whatsapp.net' }).success).toBe(false);
    expect(waEvent.safeParse({ ...good, phone: '+55 11' }).success).toBe(false);
  });
});
