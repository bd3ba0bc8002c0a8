import { Alert } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/** What the server said went wrong (its message says what to do), announced to screen readers. */
export function ErrorAlert({ error, title }: { error: unknown; title?: string }) {
  const { t } = useTranslation();
  if (!error) return null;
  return <Alert color="red" title={title ?? t('common.error')} role="alert">{error instanceof Error ? error.message : String(error)}</Alert>;
}
