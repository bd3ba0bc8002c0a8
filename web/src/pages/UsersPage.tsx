import { useState, type FormEvent } from 'react';
import { Alert, Badge, Button, Checkbox, Group, Paper, Radio, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { api, ApiError, unwrap, type Schemas } from '../api/client';
import { useLoad } from '../api/use-load';
import { useFormat } from '../i18n/format';
import { LANGUAGES, type Language } from '../i18n';
import { ErrorAlert } from '../components/ErrorAlert';

type Right = Schemas['User']['rights'][number];
type Role = Schemas['User']['role'];
const RIGHTS: readonly Right[] = ['manage_companies', 'manage_documents', 'configure_collection', 'review_inbox', 'manage_destinations', 'manage_users'];

/** The organization's users and their rights; an administrator (or whoever manages users) invites more by e-mail. */
export function UsersPage() {
  const { t, i18n } = useTranslation();
  const format = useFormat();
  const users = useLoad(() => unwrap(api.GET('/v1/users')), []);
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('member');
  const [rights, setRights] = useState<Right[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<string | null>(null);
  // The e-mail goes out in the language the inviter uses the app in.
  const language = ((LANGUAGES as readonly string[]).includes(i18n.language) ? i18n.language : 'en') as Language;

  const invite = async (e: FormEvent) => {
    e.preventDefault();
    setBusy('invite'); setError(null);
    try {
      const made = await unwrap(api.POST('/v1/users/invitations', { body: { email, name, role, rights: role === 'admin' ? [] : rights, language } }));
      notifications.show({ message: t('users.sent', { email: made.user.email, until: format.dateTime(made.invitation.expiresAt) }), color: 'green' });
      setEmail(''); setName(''); setRole('member'); setRights([]);
      await users.reload();
    } catch (err) { setError(err); } finally { setBusy(null); }
  };
  const resend = async (user: Schemas['User']) => {
    setBusy(user.id); setError(null);
    try {
      await unwrap(api.POST('/v1/users/{id}/invitation', { params: { path: { id: user.id } }, body: { language } }));
      notifications.show({ message: t('users.resent', { email: user.email }), color: 'green' });
    } catch (err) { setError(err); } finally { setBusy(null); }
  };

  if (users.error instanceof ApiError && users.error.status === 403) {
    return <Stack><Title order={1}>{t('users.title')}</Title><Alert color="red" role="alert">{t('users.forbidden')}</Alert></Stack>;
  }
  return (
    <Stack maw={960}>
      <Title order={1}>{t('users.title')}</Title>
      <ErrorAlert error={users.error ?? error} />
      {users.data && (
        <Table.ScrollContainer minWidth={560}>
          <Table data-testid="users">
            <Table.Thead><Table.Tr><Table.Th>{t('users.name')}</Table.Th><Table.Th>{t('users.email')}</Table.Th><Table.Th>{t('users.rights')}</Table.Th><Table.Th>{t('users.state')}</Table.Th></Table.Tr></Table.Thead>
            <Table.Tbody>
              {users.data.items.map((u) => (
                <Table.Tr key={u.id}>
                  <Table.Td>{u.name}</Table.Td>
                  <Table.Td className="path">{u.email}</Table.Td>
                  <Table.Td>{u.role === 'admin' ? t('users.roles.admin') : u.rights.map((r) => t(`users.rightNames.${r}`)).join(', ') || '—'}</Table.Td>
                  <Table.Td>
                    {!u.active ? <Badge color="red" variant="light">{t('users.deactivated')}</Badge> : u.hasPassword ? <Badge color="green" variant="light">{t('users.joined')}</Badge> : (
                      <Group gap="xs" wrap="nowrap">
                        <Badge color="gray" variant="light">{t('users.invited')}</Badge>
                        <Button size="compact-xs" variant="subtle" loading={busy === u.id} onClick={() => void resend(u)} aria-label={`${t('users.resend')}: ${u.email}`}>{t('users.resend')}</Button>
                      </Group>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Paper withBorder p="md" component="form" onSubmit={(e: FormEvent) => void invite(e)} aria-labelledby="invite-title">
        <Stack>
          <Title order={2} size="h3" id="invite-title">{t('users.invite')}</Title>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput label={t('users.email')} type="email" autoComplete="off" required value={email} onChange={(e) => setEmail(e.currentTarget.value)} />
            <TextInput label={t('users.name')} required value={name} onChange={(e) => setName(e.currentTarget.value)} />
          </SimpleGrid>
          <Radio.Group label={t('users.role')} value={role} onChange={(v) => setRole(v as Role)}>
            <Group mt={4}>{(['member', 'admin'] as const).map((r) => <Radio key={r} value={r} label={t(`users.roles.${r}`)} />)}</Group>
          </Radio.Group>
          {role === 'admin' ? <Text size="sm" c="dimmed">{t('users.adminAll')}</Text> : (
            <Checkbox.Group label={t('users.rights')} value={rights} onChange={(v) => setRights(v as Right[])}>
              <Stack gap={6} mt={4}>{RIGHTS.map((r) => <Checkbox key={r} value={r} label={t(`users.rightNames.${r}`)} />)}</Stack>
            </Checkbox.Group>
          )}
          <Group><Button type="submit" loading={busy === 'invite'} disabled={!email.trim() || !name.trim()}>{t('users.send')}</Button></Group>
        </Stack>
      </Paper>
    </Stack>
  );
}
