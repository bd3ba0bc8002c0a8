import { afterEach, describe, expect, it } from 'vitest';
import { screen } from '@testing-library/react';
import i18n from '../src/i18n';
import { ApiError } from '../src/api/client';
import { ErrorAlert } from '../src/components/ErrorAlert';
import { renderPage } from './render';

describe('error messages', () => {
  afterEach(() => i18n.changeLanguage('en'));

  it('names the kind of failure in the user\'s language, then gives the server\'s own words, marked as English', async () => {
    await i18n.changeLanguage('nl');
    renderPage(<ErrorAlert error={new ApiError(403, 'forbidden', 'Your account lacks the configure_collection right.')} />);
    const alert = screen.getByRole('alert');
    expect(alert).toHaveTextContent('U hebt niet het recht om dit te doen');
    expect(alert).toHaveTextContent('De server zegt (in het Engels): Your account lacks the configure_collection right.');
    expect(screen.getByText(/Your account lacks/).closest('[lang="en"]')).not.toBeNull();
  });

  it('says a reason the server gave in the user\'s language, with its params, and no English', async () => {
    await i18n.changeLanguage('nl');
    renderPage(<ErrorAlert error={new ApiError(403, 'forbidden', 'This needs the right...', 'missing_right', { right: 'configure_collection' })} />);
    const alert = screen.getByRole('alert');
    expect(alert).toHaveTextContent('Hiervoor is het recht "configure_collection" nodig');
    expect(alert).not.toHaveTextContent('in het Engels');
    expect(alert).not.toHaveTextContent('This needs the right');
  });

  it('says a kind of channel or storage in the user\'s words, and settings refused by the fields to check', async () => {
    await i18n.changeLanguage('nl');
    const { unmount } = renderPage(<ErrorAlert error={new ApiError(400, 'invalid_input', 'A SFTP server is connected with its server details.', 'connect_with_server_details', { kind: 'local' })} />);
    expect(screen.getByRole('alert')).toHaveTextContent('Een Lokale map wordt gekoppeld met de servergegevens');
    unmount();
    renderPage(<ErrorAlert error={new ApiError(400, 'invalid_input', 'The S3 settings are incomplete: bucket: Required', 'kind_settings_invalid', { kind: 's3', fields: 'bucket, accessKeyId' })} />);
    const alert = screen.getByRole('alert');
    expect(alert).toHaveTextContent('De instellingen voor S3-bucket zijn onvolledig of niet geldig: controleer bucket, accessKeyId.');
    expect(alert).not.toHaveTextContent('Required');
    expect(alert).not.toHaveTextContent('{{');
  });

  it('writes a number param the way the user\'s language does', async () => {
    await i18n.changeLanguage('de');
    renderPage(<ErrorAlert error={new ApiError(413, 'too_large', 'The file is larger than the limit of 25 MiB.', 'file_too_large', { bytes: 26_214_400 })} />);
    expect(screen.getByRole('alert')).toHaveTextContent('höchstens 26.214.400 Byte');
  });

  it('tells a full destination apart from other destination errors', async () => {
    await i18n.changeLanguage('fr');
    const { unmount } = renderPage(<ErrorAlert error={new ApiError(507, 'destination_quota_exceeded', 'The destination answered: full.')} />);
    expect(screen.getByRole('alert')).toHaveTextContent('Le stockage est plein');
    unmount();
    renderPage(<ErrorAlert error={new ApiError(503, 'destination_transient', 'The destination answered: reset.')} />);
    expect(screen.getByRole('alert')).toHaveTextContent('Le stockage a répondu par une erreur');
  });

  it('says the server cannot be reached when no answer came, without the browser\'s jargon', async () => {
    await i18n.changeLanguage('de');
    renderPage(<ErrorAlert error={new TypeError('Failed to fetch')} />);
    expect(screen.getByRole('alert')).toHaveTextContent('Der Server ist nicht erreichbar');
    expect(screen.getByRole('alert')).not.toHaveTextContent('Failed to fetch');
  });

  it('keeps a title the page chose, and an unknown code falls back to the general one', () => {
    const { unmount } = renderPage(<ErrorAlert error={new ApiError(400, 'invalid_input', 'The name is empty.')} title="Not saved" />);
    expect(screen.getByRole('alert')).toHaveTextContent('Not saved');
    expect(screen.getByRole('alert')).toHaveTextContent('The name is empty.');
    expect(screen.getByRole('alert')).not.toHaveTextContent('in English');
    unmount();
    renderPage(<ErrorAlert error={new ApiError(418, 'teapot', 'Short and stout.')} />);
    expect(screen.getByRole('alert')).toHaveTextContent('Something went wrong');
  });
});
