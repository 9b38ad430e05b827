/**
 * The dev terminal's words for a WhatsApp session: one plain sentence per change, printed whatever
 * LOG_LEVEL hides, so a new user reads "cannot reach WhatsApp" rather than JSON log lines.
 */
import type { SessionView } from '../socket-host/session.ts';

/** The sentence for a session's new state, or null when there is nothing worth saying. */
export function sessionSentence(view: SessionView, functionsUrl: string, now = Date.now()): string | null {
  const who = `WhatsApp session "${view.id}"`;
  const route = (action: string) => `POST ${functionsUrl}/v1/sessions/${view.id}/${action}`;
  const why = view.reason ? ` (${view.reason})` : '';
  switch (view.status) {
    case 'connecting':
      return view.reason?.startsWith('waiting for the lease')
        ? `${who}: waiting: another socket-host holds this number; it takes over when that one stops.`
        : `${who}: connecting to WhatsApp…`;
    case 'qr':
      return `${who}: waiting for a QR scan (WhatsApp → Settings → Linked devices → Link a device), or a pairing code: ${route('pairing-code')} with the admin key.`;
    case 'open':
      return `${who}: linked${view.phone ? ` to +${view.phone}` : ''} and connected.`;
    case 'reconnecting': {
      const waitMs = view.retryAt ? view.retryAt.getTime() - now : 0;
      // 515 right after a scan: WhatsApp asks for a fresh socket at once; nothing is wrong.
      if (waitMs <= 0) return `${who}: WhatsApp asked for a new connection (${view.cause ?? view.reason}); reconnecting now.`;
      return `${who}: cannot reach WhatsApp (${view.cause ?? view.reason}), retrying in ${Math.max(1, Math.round(waitMs / 1000))} s.`;
    }
    case 'logged_out':
      return `${who}: logged out${why}: link it again with ${route('restart')} (admin key) or by restarting npm run dev, then scan the new QR code.`;
    case 'replaced':
      return `${who}: stopped${why}; once the other client is gone: ${route('restart')} (admin key), or restart npm run dev.`;
    case 'stopped':
      // Ctrl-C stops every session; dev says so itself.
      return view.reason === 'socket-host stopped' ? null : `${who}: stopped${why}; start it again with ${route('restart')} (admin key).`;
    default:
      return null;
  }
}
