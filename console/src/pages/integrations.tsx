import { ApiKeys } from './api-keys.tsx';
import { t } from '../i18n.ts';
import { Webhooks } from './webhooks.tsx';

export function IntegrationsPage() {
  return (
    <section class="page">
      <h1>{t('integrations')}</h1>
      <p>
        {/* A page of its own (not a client route): Swagger UI loads only there. */}
        <a href="/console/docs">{t('apiReference')}</a> — {t('apiReferenceHint')}
      </p>
      <ApiKeys />
      <Webhooks />
    </section>
  );
}
