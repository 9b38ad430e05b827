import type { Schemas } from '../api/client.ts';
import { t } from '../i18n.ts';

/**
 * Which profile the page edits: the default one, or a number's own. The numbers come from
 * GET /v1/sessions, which needs keys:admin; without it only the default profile is offered.
 */
export function ProfilePicker({ sessions, selected, onSelect }: { sessions: Schemas['Session'][] | undefined; selected: string | undefined; onSelect: (id: string | undefined) => void }) {
  const ids = sessions?.map((s) => s.id) ?? [];
  // A number in the address but not (or not yet) in the list is still offered, so the select shows it.
  if (selected && !ids.includes(selected)) ids.push(selected);
  const phoneOf = (id: string) => sessions?.find((s) => s.id === id)?.phone;
  return (
    <div class="field picker">
      <label for="profile-of">{t('profileOf')}</label>
      <select id="profile-of" value={selected ?? ''} onChange={(e) => onSelect(e.currentTarget.value || undefined)}>
        <option value="">{t('defaultProfile')}</option>
        {ids.map((id) => (
          <option key={id} value={id}>
            {phoneOf(id) ? `${id} (+${phoneOf(id)})` : id}
          </option>
        ))}
      </select>
    </div>
  );
}
