import { describe, expect, it } from 'vitest';
import { customerWords, plainText } from './customer-words.ts';

describe('customerWords', () => {
  it('writes out WhatsApp shorthand and drops accents and punctuation', () => {
    expect(customerWords('Qnd vc entrega?? hj?')).toEqual(['quando', 'entrega', 'hoje']);
    expect(customerWords('qto custa o pao')).toContain('quanto');
  });

  it('adds the words a business’s material uses for the customer’s, keeping the customer’s first', () => {
    expect(customerWords('tem delivery')).toEqual(['delivery', 'entrega']);
  });

  it('leaves out stop words written without their accents (até, você, não), which the database would search', () => {
    expect(customerWords('ate voce nao sabe')).toEqual(['sabe']);
  });

  it('reads letters repeated for emphasis as one', () => {
    expect(customerWords('oiiii, aceitaaaa pix?')).toEqual(['oi', 'aceita', 'pix']);
  });

  it('matches how passages are written: lowercase, no accents', () => {
    expect(plainText('Cartão de CRÉDITO, São Paulo')).toBe('cartao de credito, sao paulo');
  });
});
