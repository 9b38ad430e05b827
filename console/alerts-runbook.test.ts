import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ALERT_KINDS, runbookLink, type AlertKind } from '../functions/alerts/conditions.ts';
import { anchorOf, runbookSection as sectionOf } from './src/components/alerts-runbook.tsx';

const runbooks = readFileSync('docs/runbooks.md', 'utf8');
const runbookSection = (anchor: string) => sectionOf(runbooks, anchor);

describe('the runbook sections the alerts banner shows', () => {
  it('finds a section with words for every alert kind', () => {
    for (const kind of Object.keys(ALERT_KINDS) as AlertKind[]) {
      const section = runbookSection(runbookLink(kind).split('#')[1]!);
      expect(section, kind).toBeDefined();
      expect(section!.body.length, kind).toBeGreaterThan(100);
    }
  });

  it('makes anchors as GitHub does, and stops a section at the next heading of its level', () => {
    expect(anchorOf('"re-pair needed" (status `logged_out`)')).toBe('re-pair-needed-status-logged_out');
    expect(anchorOf('Alert: free tier past 80 percent')).toBe('alert-free-tier-past-80-percent');
    const model = runbookSection('alert-model-failing')!;
    expect(model.heading).toBe('Alert: model failing');
    expect(model.body).not.toContain('### ');
    expect(runbookSection('no-such-section')).toBeUndefined();
  });
});
