import { Alert, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client';
import type { Messages } from '../i18n/locales/en';

type ErrorKey = keyof Messages['errors'];

/** The kind of failure in the user's language: by the API's stable code, or the network's. */
function headline(error: unknown): ErrorKey | null {
  if (error instanceof ApiError) {
    if (error.reason === 'wrong_password') return 'wrong_password';
    if (error.code.startsWith('destination_')) return (['destination_quota_exceeded', 'destination_auth_expired', 'destination_permission_denied'] as const).find((c) => c === error.code) ?? 'destination';
    return (['not_found', 'invalid_input', 'conflict', 'unauthorized', 'forbidden', 'unavailable', 'too_large', 'unsupported_media_type', 'internal'] as const).find((c) => c === error.code) ?? null;
  }
  // fetch() rejects with a TypeError when no answer came at all.
  return error instanceof TypeError ? 'network' : null;
}

/** The server's reason said in the user's language, when the app knows it; null when not. */
export function useApiErrorText(): (error: unknown) => string | null {
  const { t, i18n } = useTranslation();
  // A `kind` parameter is a kind of channel or storage (sftp, onedrive...): said in the user's words.
  const kindName = (kind: string | number): string | number => (typeof kind !== 'string' ? kind
    : i18n.exists(`collect.kinds.${kind}`) ? t(`collect.kinds.${kind}`)
      : i18n.exists(`integrations.kinds.${kind}.title`) ? t(`integrations.kinds.${kind}.title`) : kind);
  const said = (params: Record<string, string | number> | undefined): Record<string, string | number> =>
    (params?.kind !== undefined ? { ...params, kind: kindName(params.kind) } : params ?? {});
  return (error) => (error instanceof ApiError && error.reason && i18n.exists(`apiErrors.${error.reason}`)
    ? t(`apiErrors.${error.reason}`, said(error.params))
    : null);
}

/**
 * What went wrong, announced to screen readers: the kind of failure in the user's language as
 * the title, then what to do: the server's reason in the user's language, or else the server's
 * own message (in English, and marked so, for screen readers to pronounce it right).
 */
export function ErrorAlert({ error, title }: { error: unknown; title?: string }) {
  const { t, i18n } = useTranslation();
  const said = useApiErrorText()(error);
  if (!error) return null;
  const key = headline(error);
  const message = said ?? (error instanceof Error ? error.message : String(error));
  const fromServer = error instanceof ApiError && !said;
  return (
    <Alert color="red" title={title ?? (key ? t(`errors.${key}`) : t('common.error'))} role="alert">
      {key === 'network' ? null : (
        <Text size="sm" lang={fromServer ? 'en' : undefined} data-testid="error-text">
          {fromServer && !i18n.language.startsWith('en') && <Text span size="sm" c="dimmed" lang={i18n.language}>{t('errors.details')} </Text>}
          {message}
        </Text>
      )}
    </Alert>
  );
}
