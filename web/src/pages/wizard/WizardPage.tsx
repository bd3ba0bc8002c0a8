import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Button, Group, Stack, Stepper, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Navigate, useNavigate, useSearchParams } from 'react-router-dom';
import { useCompany } from '../../api/company';
import { isBackupKind, OAUTH_KINDS } from '../../kinds';
import { layoutProblem } from '../../../../src/domain/layout.js';
import { clearDraft, isDirty, loadDraft, newDraft, saveDraft, type Draft, type Step } from './draft';
import { NameStep } from './NameStep';
import { ConnectStep } from './ConnectStep';
import { FolderStep } from './FolderStep';
import { ScheduleStep } from './ScheduleStep';
import { ConfirmStep } from './ConfirmStep';
import { useLeaveWarning } from './leave-warning';

/** Whether the user may go on from a step. */
function complete(step: Step, d: Draft): boolean {
  switch (step) {
    // The server's own rules, checked here: a template it would refuse at the end stops step 1.
    case 'name': return d.name.trim().length > 0 && d.layout.trim().length > 0 && !layoutProblem(d.layout);
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
  // What was typed lives in this tab's sessionStorage: Back, Forward and a reload find it again.
  const [draft, setDraft] = useState<Draft | null>(() => {
    if (!kind) return null;
    const saved = loadDraft(kind);
    if (!saved) return newDraft(kind, t(`integrations.kinds.${kind}.title`));
    return returned ? { ...saved, connectionId: returned, root: null } : saved;
  });
  const steps = useMemo<Step[]>(() => (kind && OAUTH_KINDS.has(kind) ? ['name', 'connect', 'folder', 'schedule', 'confirm'] : ['name', 'connect', 'schedule', 'confirm']), [kind]);
  // Each step has its URL (?step=...), so the browser's Back and Forward move between steps;
  // a step is only reached once the ones before it are complete.
  const wanted = returned ? 'folder' : params.has('error') ? 'connect' : params.get('step');
  const reachable = draft ? steps.findIndex((s) => !complete(s, draft)) : 0;
  const asked = Math.max(0, steps.indexOf(wanted as Step));
  const active = reachable === -1 ? asked : Math.min(asked, reachable);
  const goTo = (i: number) => setParams((p) => { p.set('step', steps[i]!); return p; });
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    if (returned || signInError) setParams((p) => { p.delete('connection'); p.delete('error'); p.set('step', steps[active]!); return p; }, { replace: true });
  }, [returned, signInError, setParams, steps, active]);
  useEffect(() => { if (draft) saveDraft(draft); }, [draft]);
  // Leaving the wizard (reload, closing the tab, another address, a link in the menu) with something typed asks first.
  const dirty = !!draft && isDirty(draft, t(`integrations.kinds.${draft.kind}.title`));
  const wizard = useRef<HTMLDivElement>(null);
  const insideWizard = useCallback(() => wizard.current, []);
  useLeaveWarning(dirty, t('wizard.leave'), insideWizard, clearDraft);
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
      case 'confirm': return <ConfirmStep draft={draft} companyId={company.id} onCreated={(id) => { clearDraft(); navigate(`/destinations/${id}/linked`, { replace: true }); }} />;
    }
  };

  return (
    <Stack maw={860} ref={wizard}>
      <Title order={1} ref={heading} tabIndex={-1}>{t('wizard.title', { kind: t(`integrations.kinds.${kind}.title`) })}</Title>
      <Stepper active={active} onStepClick={(i) => i < active && goTo(i)} allowNextStepsSelect={false} size="sm">
        {steps.map((s) => (
          <Stepper.Step key={s} label={t(`wizard.steps.${s}`)}>
            {s === step && body(s)}
          </Stepper.Step>
        ))}
      </Stepper>
      <Group justify="space-between">
        <Button variant="default" onClick={() => {
          if (active > 0) { goTo(active - 1); return; }
          if (dirty && !window.confirm(t('wizard.leave'))) return;
          clearDraft();
          navigate('/integrations');
        }}>{active === 0 ? t('common.cancel') : t('common.back')}</Button>
        {step !== 'confirm' && <Button onClick={() => goTo(active + 1)} disabled={!complete(step, draft)}>{t('common.next')}</Button>}
      </Group>
    </Stack>
  );
}
