import { createTheme } from '@mantine/core';

/** One theme for the app; the primary shade is dark enough for WCAG AA contrast on white. */
export const theme = createTheme({
  primaryColor: 'indigo',
  primaryShade: 7,
  defaultRadius: 'md',
  focusRing: 'auto',
});
