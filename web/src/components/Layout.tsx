import { Anchor, AppShell, Burger, Group, Menu, NavLink, Select, Text, UnstyledButton } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import { Link, Outlet, useLocation, useNavigate } from 'react-router-dom';
import { useSession } from '../api/session';
import { useCompany } from '../api/company';
import { useRights } from '../api/rights';
import { useSandboxOn } from '../api/sandbox';
import { visibleNavigation } from '../navigation';
import { LanguagePicker } from './LanguagePicker';

/** The frame of every signed-in page: header (menu, company, language, the user's menu top right), navigation, content. */
export function Layout() {
  const { t } = useTranslation();
  const [opened, { toggle, close }] = useDisclosure(false);
  const { session, signOut } = useSession();
  const { companies, company, choose } = useCompany();
  const rights = useRights();
  const sandbox = useSandboxOn();
  const location = useLocation();
  const navigate = useNavigate();

  return (
    <AppShell header={{ height: 60 }} navbar={{ width: 230, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="md">
      <Anchor href="#main" className="skip-link">{t('app.skipToContent')}</Anchor>
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label={t('app.openMenu')} />
            <Text fw={700} size="lg" component={Link} to="/home">{t('app.name')}</Text>
          </Group>
          <Group gap="sm" wrap="nowrap">
            {companies.length > 1 && (
              <Select aria-label={t('app.company')} data={companies.map((c) => ({ value: c.id, label: c.name }))} value={company?.id ?? null}
                onChange={(v) => v && choose(v)} allowDeselect={false} size="sm" w={180} visibleFrom="xs" />
            )}
            <LanguagePicker hideLabel />
            <Menu position="bottom-end" withinPortal>
              <Menu.Target>
                <UnstyledButton aria-label={session?.user.email} data-testid="user-menu">
                  <Text size="sm" fw={500} truncate maw={{ base: 88, sm: 220 }}>{session?.user.email}</Text>
                </UnstyledButton>
              </Menu.Target>
              <Menu.Dropdown>
                <Menu.Item component={Link} to="/integrations">{t('nav.integrations')}</Menu.Item>
                <Menu.Item component={Link} to="/account">{t('nav.account')}</Menu.Item>
                <Menu.Divider />
                <Menu.Item onClick={() => void signOut().then(() => navigate('/sign-in'))}>{t('nav.signOut')}</Menu.Item>
              </Menu.Dropdown>
            </Menu>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="sm" component="nav" aria-label={t('nav.main')}>
        {visibleNavigation(rights, sandbox).map((entry) => (
          <NavLink key={entry.path} component={Link} to={entry.path} label={t(entry.label)} onClick={close}
            active={location.pathname.startsWith(entry.path)} aria-current={location.pathname.startsWith(entry.path) ? 'page' : undefined} />
        ))}
        {companies.length > 1 && (
          <Select hiddenFrom="xs" mt="md" label={t('app.company')} data={companies.map((c) => ({ value: c.id, label: c.name }))} value={company?.id ?? null}
            onChange={(v) => v && choose(v)} allowDeselect={false} />
        )}
      </AppShell.Navbar>
      <AppShell.Main id="main" tabIndex={-1}>
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}
