/** A new WhatsApp message id in the form Baileys generates ('3EB0' + 18 upper-case hex digits). */
export function newWaMessageId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(9));
  return `3EB0${[...bytes].map((b) => b.toString(16).padStart(2, '0')).join('').toUpperCase()}`;
}
