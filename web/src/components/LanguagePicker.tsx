import { Select } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { LANGUAGE_NAMES, LANGUAGES, setLanguage, type Language } from '../i18n';

export function LanguagePicker({ hideLabel = false }: { hideLabel?: boolean }) {
  const { t, i18n } = useTranslation();
  return (
    <Select
      label={t('app.language')}
      aria-label={t('app.language')}
      styles={hideLabel ? { label: { position: 'absolute', width: 1, height: 1, overflow: 'hidden', clip: 'rect(0 0 0 0)' } } : undefined}
      data={LANGUAGES.map((l) => ({ value: l, label: LANGUAGE_NAMES[l] }))}
      value={i18n.language}
      onChange={(v) => v && setLanguage(v as Language)}
      allowDeselect={false}
      // Wide enough for the longest name (Nederlands, Français) on a phone too.
      w={{ base: 136, sm: 150 }}
      size="sm"
      data-testid="language-picker"
    />
  );
}
