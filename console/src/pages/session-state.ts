import { t } from '../i18n.ts';
import type { Schemas } from '../api/client.ts';

/** A number's state in plain words, as the dev terminal says it (local/session-words.ts), for a person. */
export function sessionWords(s: Schemas['Session'], now = Date.now()): string {
  switch (s.status) {
    case 'open':
      return s.phone ? t('linkedTo', { phone: s.phone }) : t('linked');
    case 'qr':
      return t('waitingQr');
    case 'connecting':
      return s.reason?.startsWith('waiting for the lease') ? t('waitingLease') : t('connecting');
    case 'reconnecting': {
      const waitMs = s.retryAt ? new Date(s.retryAt).getTime() - now : 0;
      const why = s.cause ?? s.reason;
      const words = waitMs <= 0 ? t('reconnectingNow') : t('reconnectingIn', { seconds: Math.max(1, Math.round(waitMs / 1000)) });
      return why ? `${words} (${why})` : words;
    }
    case 'logged_out':
      return t('loggedOut');
    case 'replaced':
      return t('replaced');
    case 'stopped':
      return t('stopped');
    default:
      return t('notLinked');
  }
}
