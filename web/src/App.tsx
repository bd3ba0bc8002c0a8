import { Center, Loader } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { useSession } from './api/session';
import { CompanyProvider } from './api/company';
import { Layout } from './components/Layout';
import { SignInPage } from './pages/SignInPage';
import { WebhooksPage } from './pages/WebhooksPage';
import { AccountPage } from './pages/AccountPage';
import { IntegrationsPage } from './pages/IntegrationsPage';
import { DestinationsPage } from './pages/DestinationsPage';
import { DestinationPage } from './pages/DestinationPage';
import { WizardPage } from './pages/wizard/WizardPage';
import { DocumentsPage } from './pages/DocumentsPage';
import { DocumentPage } from './pages/DocumentPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { InboxPage } from './pages/inbox/InboxPage';
import { UsersPage } from './pages/UsersPage';
import { ActivityPage } from './pages/ActivityPage';
import { JoinPage } from './pages/JoinPage';
import { ChannelsPage } from './pages/collect/ChannelsPage';
import { NewChannelPage } from './pages/collect/NewChannelPage';
import { ChannelPage } from './pages/collect/ChannelPage';
import { InvitationPage } from './pages/collect/InvitationPage';
import { SettingsPage } from './pages/settings/SettingsPage';
import { HomePage } from './pages/home/HomePage';
import { EditDestinationPage } from './pages/destination/EditDestinationPage';
import { SandboxPage } from './pages/sandbox/SandboxPage';
import { LinkedPage } from './pages/destination/LinkedPage';

function SignedIn() {
  const { t } = useTranslation();
  const { session, checked } = useSession();
  const location = useLocation();
  if (!checked) return <Center h="100vh"><Loader aria-label={t('app.loading')} /></Center>;
  if (!session) return <Navigate to={`/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  return <CompanyProvider><Layout /></CompanyProvider>;
}

/** Every page of the app. Collection and the inbox add their routes here. */
export function App() {
  return (
    <Routes>
      <Route path="/sign-in" element={<SignInPage />} />
      <Route path="/join/:token" element={<JoinPage />} />
      {/* The client's invitation: no account, the link's token is enough. */}
      <Route path="/invite/:token" element={<InvitationPage />} />
      <Route element={<SignedIn />}>
        <Route index element={<Navigate to="/home" replace />} />
        <Route path="/home" element={<HomePage />} />
        <Route path="/documents" element={<DocumentsPage />} />
        <Route path="/documents/:id" element={<DocumentPage />} />
        <Route path="/integrations" element={<IntegrationsPage />} />
        <Route path="/destinations" element={<DestinationsPage />} />
        <Route path="/destinations/new" element={<WizardPage />} />
        <Route path="/destinations/:id" element={<DestinationPage />} />
        <Route path="/destinations/:id/edit" element={<EditDestinationPage />} />
        <Route path="/destinations/:id/linked" element={<LinkedPage />} />
        <Route path="/account" element={<AccountPage />} />
        <Route path="/webhooks" element={<WebhooksPage />} />
        <Route path="/inbox" element={<InboxPage />} />
        <Route path="/users" element={<UsersPage />} />
        <Route path="/activity" element={<ActivityPage />} />
        <Route path="/settings" element={<SettingsPage />} />
        <Route path="/collection" element={<ChannelsPage />} />
        <Route path="/collection/new" element={<NewChannelPage />} />
        <Route path="/collection/:id" element={<ChannelPage />} />
        {/* The sandbox's drives: the server answers /sandbox/ with this app only while the sandbox is on. */}
        <Route path="/sandbox" element={<SandboxPage />} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
