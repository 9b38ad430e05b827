import { describe, expect, it } from 'vitest';
import { matchRule } from './rules.ts';
import { splitMessage, toWhatsApp } from './whatsapp-format.ts';

describe('WhatsApp formatting', () => {
  it('turns Markdown into WhatsApp marks', () => {
    expect(toWhatsApp('**Open** today, *until* 6. ~~Closed~~')).toBe('*Open* today, *until* 6. ~Closed~');
    // WhatsApp's own marks, as the agent is instructed to write them, pass through unchanged.
    expect(toWhatsApp('We bake *fresh bread* at 6, _every_ day.')).toBe('We bake *fresh bread* at 6, _every_ day.');
    expect(toWhatsApp('## Hours\n- Mon: 8–6\n- Tue: 8–6')).toBe('*Hours*\n• Mon: 8–6\n• Tue: 8–6');
    expect(toWhatsApp('See [our menu](https://x.example/menu).')).toBe('See our menu (https://x.example/menu).');
    expect(toWhatsApp('```\n**not bold in code**\n```')).toBe('```\n**not bold in code**\n```');
  });

  it('splits long answers at paragraphs, then sentences, never inside a word', () => {
    const paragraph = 'Word '.repeat(200).trim();
    const parts = splitMessage(`${paragraph}\n\n${paragraph}`, 1500);
    expect(parts).toEqual([paragraph, paragraph]);
    const sentences = Array.from({ length: 60 }, (_, i) => `Sentence number ${i} is here.`).join(' ');
    for (const part of splitMessage(sentences, 400)) {
      expect(part.length).toBeLessThanOrEqual(400);
      expect(part.endsWith('.')).toBe(true);
    }
    expect(splitMessage('short')).toEqual(['short']);
  });
});

describe('keyword rules', () => {
  const rules = [
    { match: 'equals' as const, pattern: 'menu', reply: 'Here is the menu.' },
    { match: 'contains' as const, pattern: 'opening hours', reply: 'We open at 8.' },
    { match: 'regex' as const, pattern: '^order\\s+#?\\d+$', reply: 'Checking your order.' },
    { match: 'regex' as const, pattern: '([', reply: 'never' },
  ];
  it('answers the first rule that matches, case-insensitively', () => {
    expect(matchRule(rules, ' MENU ')?.reply).toBe('Here is the menu.');
    expect(matchRule(rules, 'What are your opening hours?')?.reply).toBe('We open at 8.');
    expect(matchRule(rules, 'Order #123')?.reply).toBe('Checking your order.');
    expect(matchRule(rules, 'hello')).toBeUndefined();
  });
});
