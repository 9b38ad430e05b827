/**
 * `Upstash-Encoding: base64` asks for every string of a result base64-encoded (the SDK sends it by
 * default, so that arbitrary bytes survive JSON). The SDK decodes exactly this way:
 *  - a top-level string is decoded unless it is the literal "OK" (a status reply left as is);
 *  - strings inside arrays are always decoded, so there "OK" must be encoded like anything else,
 *    or the client would turn it into garbage;
 *  - numbers and null are never touched, and errors are never encoded.
 */
export function encodeStringsBase64(value: unknown, topLevel = true): unknown {
  if (typeof value === 'string') {
    return topLevel && value === 'OK' ? value : Buffer.from(value, 'utf8').toString('base64');
  }
  if (Array.isArray(value)) return value.map((item) => encodeStringsBase64(item, false));
  return value;
}

export function wantsBase64(header: string | undefined): boolean {
  return header?.trim().toLowerCase() === 'base64';
}
