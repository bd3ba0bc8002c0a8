import { Code, Paper, Radio, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client';
import { useLoad } from '../../api/use-load';
import { ErrorAlert } from '../../components/ErrorAlert';
import type { Draft } from './draft';
import { layoutProblem } from '../../../../src/domain/layout.js';

export const SAMPLE = { type: 'invoice' as const, number: 'F2024-001', date: '2024-03-14', counterparty: 'Client NV', businessAccount: null, filename: 'invoice.pdf' };
const CUSTOM = 'custom';

/** Where a real document of the company (else an example invoice) would land with this layout, asked of the server as the user types. */
export function LayoutPreview({ layout, kind, companyId }: { layout: string; kind: string; companyId: string }) {
  const { t } = useTranslation();
  const [debounced] = useDebouncedValue(layout, 250);
  const latest = useLoad(async () => (await unwrap(api.GET('/v1/documents', { params: { query: { companyId, limit: 1 } } }))).items[0] ?? null, [companyId]);
  const doc = latest.data;
  const preview = useLoad(async () => {
    if (latest.loading || !debounced.trim()) return null;
    return (await unwrap(api.POST('/v1/layouts/preview', {
      body: { layout: debounced, kind, companyId, ...(doc ? { documentId: doc.id } : { document: SAMPLE }) },
    }))).path;
  }, [debounced, kind, companyId, doc?.id, latest.loading]);
  return (
    <Paper withBorder p="sm" bg="gray.0" aria-live="polite">
      <Text size="sm" fw={500}>{t('wizard.preview')}</Text>
      <Text size="sm" c="dimmed">{doc ? t('wizard.previewOf', { what: [doc.number, doc.counterparty].filter(Boolean).join(' ') || doc.date }) : t('wizard.previewSample')}</Text>
      {preview.error ? <ErrorAlert error={preview.error} /> : <Code block className="path" data-testid="layout-preview">{preview.data ?? '…'}</Code>}
    </Paper>
  );
}

export function NameStep({ draft, update, companyId }: { draft: Draft; update(p: Partial<Draft>): void; companyId: string }) {
  const { t } = useTranslation();
  const layouts = useLoad(() => unwrap(api.GET('/v1/layouts')), []);
  const presets = layouts.data?.presets ?? [];
  const choice = draft.customLayout ? CUSTOM : draft.layout;
  const problem = draft.layout.trim() ? layoutProblem(draft.layout) : null;
  return (
    <Stack mt="md">
      <TextInput label={t('wizard.name')} description={t('wizard.nameHint')} required value={draft.name} onChange={(e) => update({ name: e.currentTarget.value })} maxLength={200} />
      <Radio.Group label={t('wizard.layout')} value={choice} onChange={(v) => {
        if (v === CUSTOM) update({ customLayout: true, layout: presets.find((p) => p.name === draft.layout)?.template ?? draft.layout });
        else update({ customLayout: false, layout: v });
      }}>
        <Stack gap="xs" mt="xs">
          {presets.map((p) => <Radio key={p.name} value={p.name} label={t(`wizard.presets.${p.name}`, { defaultValue: p.name })} description={<Code>{p.template}</Code>} />)}
          <Radio value={CUSTOM} label={t('wizard.custom')} />
        </Stack>
      </Radio.Group>
      {draft.customLayout && (
        <TextInput label={t('wizard.template')} value={draft.layout} onChange={(e) => update({ layout: e.currentTarget.value })}
          error={problem && t(`apiErrors.${problem.why.reason}`, problem.why.params ?? {})}
          description={t('wizard.templateHint', { tokens: (layouts.data?.tokens ?? []).map((k) => `{${k}}`).join(' ') })} ff="monospace" />
      )}
      <LayoutPreview layout={draft.layout} kind={draft.kind} companyId={companyId} />
    </Stack>
  );
}
