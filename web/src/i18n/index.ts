import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en } from './locales/en.js';
import { nl } from './locales/nl.js';
import { fr } from './locales/fr.js';
import { de } from './locales/de.js';
import { apiErrors } from './api-errors.js';

export const LANGUAGES = ['nl', 'fr', 'de', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
export const LANGUAGE_NAMES: Record<Language, string> = { nl: 'Nederlands', fr: 'Français', de: 'Deutsch', en: 'English' };
export const resources = {
  en: { translation: { ...en, apiErrors: apiErrors.en } }, nl: { translation: { ...nl, apiErrors: apiErrors.nl } },
  fr: { translation: { ...fr, apiErrors: apiErrors.fr } }, de: { translation: { ...de, apiErrors: apiErrors.de } },
};

const STORAGE_KEY = 'dossier.language';

/** The user's choice, else the first of the browser's languages we have, else English. */
export function initialLanguage(): Language {
  const stored = globalThis.localStorage?.getItem(STORAGE_KEY);
  if (stored && (LANGUAGES as readonly string[]).includes(stored)) return stored as Language;
  for (const tag of globalThis.navigator?.languages ?? []) {
    const base = tag.slice(0, 2).toLowerCase();
    if ((LANGUAGES as readonly string[]).includes(base)) return base as Language;
  }
  return 'en';
}

export function setLanguage(language: Language): void {
  globalThis.localStorage?.setItem(STORAGE_KEY, language);
  void i18next.changeLanguage(language);
}

i18next.on('languageChanged', (lng) => { if (globalThis.document) document.documentElement.lang = lng; });

export const i18nReady = i18next.use(initReactI18next).init({
  resources,
  lng: initialLanguage(),
  fallbackLng: 'en',
  interpolation: { escapeValue: false },
  returnNull: false,
});

export default i18next;
