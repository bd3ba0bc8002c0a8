import { useEffect, useMemo, useRef, useState } from 'react';
import { Button, Group, Stack, Stepper, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Navigate, useNavigate, useSearchParams } from 'react-router-dom';
import { useCompany } from '../../api/company';
import { isBackupKind, OAUTH_KINDS } from '../../kinds';
import { clearDraft, loadDraft, newDraft, saveDraft, type Draft, type Step } from './draft';
import { NameStep } from './NameStep';
import { ConnectStep } from './ConnectStep';
import { FolderStep } from './FolderStep';
import { ScheduleStep } from './ScheduleStep';
import { ConfirmStep } from './ConfirmStep';

/** Whether the user may go on from a step. */
function complete(step: Step, d: Draft): boolean {
  switch (step) {
    case 'name': return d.name.trim().length > 0 && d.layout.trim().length > 0;
    case 'connect': return OAUTH_KINDS.has(d.kind) ? !!d.connectionId : d.tested && (d.kind !== 'sftp' || d.hostKeyConfirmed);
    case 'folder': return d.root !== null;
    case 'schedule': return d.schedule === 'continuous' || /^\d{2}:\d{2}$/.test(d.dailyAt);
    default: return true;
  }
}

/** Name and folder structure, connect, folder (OAuth), schedule and options, confirm; then the destination page shows the first copy live. */
export function WizardPage() {
  const { t } = useTranslation();
  const { company } = useCompany();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const kindParam = params.get('kind');
  const kind = isBackupKind(kindParam) ? kindParam : null;
  const returned = params.get('connection');
  // Back from a sign-in that failed (declined, another account): the server says why.
  const [signInError] = useState(() => params.get('error'));
  const [draft, setDraft] = useState<Draft | null>(() => {
    if (!kind) return null;
    const saved = returned || signInError ? loadDraft(kind) : null;
    if (!saved) return newDraft(kind, t(`integrations.kinds.${kind}.title`));
    return returned ? { ...saved, connectionId: returned, root: null } : saved;
  });
  const steps = useMemo<Step[]>(() => (kind && OAUTH_KINDS.has(kind) ? ['name', 'connect', 'folder', 'schedule', 'confirm'] : ['name', 'connect', 'schedule', 'confirm']), [kind]);
  // Back from the provider's sign-in: straight to choosing the folder.
  // Back from the provider's sign-in: straight to choosing the folder, or to connecting again.
  const [active, setActive] = useState(() => (!kind || !loadDraft(kind) ? 0 : returned ? steps.indexOf('folder') : signInError ? steps.indexOf('connect') : 0));
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    if (returned || signInError) setParams((p) => { p.delete('connection'); p.delete('error'); return p; }, { replace: true });
  }, [returned, signInError, setParams]);
  useEffect(() => { if (draft && OAUTH_KINDS.has(draft.kind)) saveDraft(draft); }, [draft]);
  // Each new step is announced: focus goes to the wizard's heading.
  useEffect(() => { heading.current?.focus(); }, [active]);

  if (!kind || !draft) return <Navigate to="/integrations" replace />;
  const update = (patch: Partial<Draft>) => setDraft((d) => (d ? { ...d, ...patch } : d));
  const step = steps[active]!;

  const body = (s: Step) => {
    if (!company) return null;
    switch (s) {
      case 'name': return <NameStep draft={draft} update={update} companyId={company.id} />;
      case 'connect': return <ConnectStep draft={draft} update={update} signInError={signInError} />;
      case 'folder': return <FolderStep draft={draft} update={update} />;
      case 'schedule': return <ScheduleStep draft={draft} update={update} />;
      case 'confirm': return <ConfirmStep draft={draft} companyId={company.id} onCreated={(id) => { clearDraft(); navigate(`/destinations/${id}`); }} />;
    }
  };

  return (
    <Stack maw={860}>
      <Title order={1} ref={heading} tabIndex={-1}>{t('wizard.title', { kind: t(`integrations.kinds.${kind}.title`) })}</Title>
      <Stepper active={active} onStepClick={(i) => i < active && setActive(i)} allowNextStepsSelect={false} size="sm">
        {steps.map((s) => (
          <Stepper.Step key={s} label={t(`wizard.steps.${s}`)}>
            {s === step && body(s)}
          </Stepper.Step>
        ))}
      </Stepper>
      <Group justify="space-between">
        <Button variant="default" onClick={() => (active === 0 ? navigate('/integrations') : setActive(active - 1))}>{active === 0 ? t('common.cancel') : t('common.back')}</Button>
        {step !== 'confirm' && <Button onClick={() => setActive(active + 1)} disabled={!complete(step, draft)}>{t('common.next')}</Button>}
      </Group>
    </Stack>
  );
}
