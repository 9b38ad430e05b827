/**
 * QR codes are drawn only while a number is being linked (the terminal, GET /sessions/:id/qr.png), so
 * the qrcode package is imported then, once, and a linked host never loads it.
 */
type QRCodeModule = typeof import('qrcode');

let loading: Promise<QRCodeModule> | undefined;

export function loadQrCode(): Promise<QRCodeModule> {
  loading ??= import('qrcode').then((m) => (m as { default?: QRCodeModule }).default ?? m);
  return loading;
}
