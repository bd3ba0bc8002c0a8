/**
 * What a confidence means, in one place so the benchmark can calibrate it: the share of fields
 * given this confidence that the benchmark found right (docs/extract.md has the measurements).
 */
export const CONFIDENCE = {
  /** A value right after its label on the same line. */
  labelled: 0.9,
  /** A value under its label (a header row over a value row). */
  below: 0.85,
  /** Several labels of the same field gave different values. */
  disagreement: 0.2,
  /** The number (and its date) read from a heading "Rechnung Nr. 4711 vom 05.03.2024". */
  heading: 0.8,
  /** The number read from a title line ("Rechnung 4711"). */
  title: 0.6,
  /** The first date in a document without a date label. */
  unlabelledDate: 0.45,
  /** A VAT id or IBAN whose check digits pass. */
  checkDigits: 0.98,
  /** A VAT id of a country without a check digit algorithm, in the right format. */
  formatOnly: 0.85,
  /** Found without a label, by its pattern alone. */
  unlabelledPenalty: 0.1,
  /** Next to its label but failing its checks: kept as printed, with a warning. */
  invalid: 0.4,
  /**
   * A labelled VAT id or IBAN in its country's exact format whose check digits fail, read from
   * a text layer: the reading is exact (a text layer holds what was printed), the printed value
   * is wrong, which its warning says. From OCR it stays `invalid`: a misread digit is likelier.
   */
  printedFailsCheck: 0.82,
  /** net + VAT = gross holds for the chosen amounts. */
  totalsAddUp: 0.98,
  /** The total and the amount due, under labels of their own, are the same amount. */
  totalsAgree: 0.85,
  /** Amounts after their labels that could not be cross-checked. */
  totalsUnchecked: 0.7,
  /** The amount due taken from the total when no amount due is printed. */
  dueFromTotal: 0.6,
  /** As dueFromTotal, with net + VAT = gross checked and no prepaid amount or amount-due label anywhere. */
  dueFromCheckedTotal: 0.85,
  /** The amount due taken from the total although a prepaid amount was read that nothing printed confirms. */
  dueDespitePrepaid: 0.4,
  /** A structured payment reference whose check digits pass. */
  referenceChecked: 0.97,
  /** A currency code printed next to an amount, or the only one in the document. */
  currency: 0.9,
  /** The currency inferred from a symbol (€, £) alone. */
  currencySymbol: 0.8,
  /** A title word (Factuur, Gutschrift, Credit note) said what the document is. */
  titled: 0.9,
  /** No title, but the number's label names the kind ("Rechnungsnummer", "Credit note number"). */
  numberLabel: 0.85,
  /** No title word: an invoice is the likely kind. */
  untitled: 0.55,
} as const;
