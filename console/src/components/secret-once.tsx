import { useState } from 'preact/hooks';
import { t } from '../i18n.ts';

/** A secret the API shows only once (a new key, a webhook's signing secret), with a copy button. */
export function SecretOnce({ label, secret, note }: { label: string; secret: string; note: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div class="secret" role="status">
      <label>
        {label}
        <input readOnly value={secret} onFocus={(e) => e.currentTarget.select()} />
      </label>
      <p class="small muted">{note}</p>
      <div class="actions">
        <button type="button" onClick={() => void navigator.clipboard.writeText(secret).then(() => setCopied(true))}>
          {t('copy')}
        </button>
        {copied && <span>{t('copied')}</span>}
      </div>
    </div>
  );
}
