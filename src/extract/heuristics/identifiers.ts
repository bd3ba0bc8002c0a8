import type { Line, Layout } from './layout.js';
import type { Party, Zones } from './parties.js';
import type { TextFields } from './read-fields.js';
import { labelled } from './regions.js';
import { findIbans, findVatIds, ocrDigits, vatIdWithoutCountry, type Match } from './values.js';
import { validateStructuredCommunication, validateCreditorReference } from '../validate/be-structured.js';
import { validateIban } from '../validate/iban.js';
import { VAT_CHECK_DIGIT_COUNTRIES } from '../validate/vat.js';
import { CONFIDENCE } from './confidence.js';

/**
 * VAT ids, the payee's IBAN and the payment reference. Each is looked for after its label
 * first, then anywhere by its pattern; check digits decide how sure we are. A VAT id belongs
 * to the party of the block it is printed in; one outside any block is the seller's, unless
 * it is the buyer's own number printed again.
 */

interface IdFound {
  value: string;
  start: number;
  end: number;
  line: Line;
  party: Party | null;
  confidence: number;
  proven: boolean;
  /** Next to a label but failing its checks. */
  invalid: string | null;
  /** Printed after a plain VAT label (not "your VAT number"): the issuer's own, even when equal to the buyer's. */
  own: boolean;
}

/**
 * `sellerLines` are where the seller's VAT id and IBAN are printed: the seller's block is
 * around them, which is evidence for its name.
 */
export function readIdentifiers(layout: Layout, zones: Zones, out: TextFields): { sellerLines: Line[]; vatLine?: Line } {
  const ibanSpans = readIban(layout, zones, out);
  // an id that passes its checks beats one that does not, wherever each is printed
  const vat = readVatIds(layout, zones, ibanSpans).sort((a, b) => Number(a.invalid !== null) - Number(b.invalid !== null));
  const buyer = vat.find((v) => v.party === 'buyer');
  const seller = vat.find((v) => v.party === 'seller') ?? vat.find((v) => v.party === null && (v.own || v.value !== buyer?.value));
  for (const [name, id] of [['sellerVatId', seller], ['buyerVatId', buyer]] as const) {
    if (!id) continue;
    const exact = out.source === 'pdf-text' && id.invalid === CHECK_DIGITS_WRONG;
    out.set(name, id.value, id.start, id.end, exact ? CONFIDENCE.printedFailsCheck : id.confidence, id.proven);
    if (id.invalid) out.warn('invalid_vat_id', `The ${name === 'sellerVatId' ? 'seller' : 'buyer'} VAT id "${id.value}" is not a valid VAT number: ${id.invalid}.`, name);
  }
  readPaymentReference(layout, out);
  const iban = out.fields.iban?.provenance;
  const ibanLine = iban?.kind === 'text' ? layout.lines.find((l) => l.start <= iban.start && iban.start <= l.start + l.text.length) : undefined;
  // an id of the exact format whose check digits fail still stands in its owner's block
  const owned = seller && (!seller.invalid || seller.invalid === CHECK_DIGITS_WRONG);
  return { sellerLines: [...(owned ? [seller.line] : []), ...(ibanLine ? [ibanLine] : [])], ...(owned && { vatLine: seller.line }) };
}

function readVatIds(layout: Layout, zones: Zones, exclude: Array<[number, number]>): IdFound[] {
  const found: IdFound[] = [];
  const taken = (start: number, end: number) => [...exclude, ...found.map((f) => [f.start, f.end] as [number, number])]
    .some(([s, e]) => start < e && end > s);
  for (const kind of ['buyerVatId', 'vatId'] as const) {
    for (const { hit, region } of labelled(layout, kind)) {
      const party: Party | null = kind === 'buyerVatId' ? 'buyer' : zones.party.get(hit.line.index) ?? null;
      const id = findVatIds(region.text)[0] ?? vatIdWithoutCountry(region.text, [...VAT_CHECK_DIGIT_COUNTRIES]);
      if (id && !taken(region.start + id.start, region.start + id.end)) {
        found.push({ ...vatFound(id, region.start, hit.line, party, true), own: kind === 'vatId' });
      } else if (!id) {
        // kept as printed, so a person can see what the document says
        // up to a column gap: what follows it is another column (or, on a scan, a speck read as a letter)
        const raw = /^[A-Z]{2}[A-Z0-9 .\-/]{3,18}[A-Z0-9]|^[0-9][0-9 .\-/]{5,16}[0-9]/i.exec(region.text.split(/\s{2,}/)[0]!);
        if (raw && /\d/.test(raw[0]) && !taken(region.start, region.start + raw[0].length)) {
          found.push({ value: raw[0], start: region.start, end: region.start + raw[0].length, line: hit.line, party, confidence: CONFIDENCE.invalid,
            proven: false, invalid: 'it does not have the format of a VAT number', own: kind === 'vatId' });
        }
      }
    }
  }
  for (const line of layout.lines) {
    for (const id of findVatIds(line.text)) {
      if (!id.check.valid || taken(line.start + id.start, line.start + id.end)) continue;
      found.push(vatFound(id, line.start, line, zones.party.get(line.index) ?? null, false));
    }
  }
  return found.sort((a, b) => a.start - b.start);
}

const CHECK_DIGITS_WRONG = 'its check digits are wrong';

function vatFound(id: ReturnType<typeof findVatIds>[number], base: number, line: Line, party: Party | null, hasLabel: boolean): IdFound {
  const penalty = hasLabel ? 0 : CONFIDENCE.unlabelledPenalty;
  const check = id.check;
  const value = check.valid ? check.normalized : id.value.trim();
  const confidence = check.valid ? (check.checkDigits ? CONFIDENCE.checkDigits : CONFIDENCE.formatOnly - penalty) : CONFIDENCE.invalid;
  const invalid = check.valid ? null : check.problem === 'check_digits' ? CHECK_DIGITS_WRONG : 'it does not have the right format';
  return { value, start: base + id.start, end: base + id.end, line, party, confidence, proven: check.valid && check.checkDigits, invalid, own: false };
}

/** The payee's account; returns the spans of every IBAN seen, so they are not read as VAT ids. */
function readIban(layout: Layout, zones: Zones, out: TextFields): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  let chosen: { m: Match<string>; base: number; confidence: number; proven: boolean } | null = null;
  for (const { region } of labelled(layout, 'iban')) {
    const m = findIbans(region.text)[0];
    if (m) {
      spans.push([region.start + m.start, region.start + m.end]);
      chosen ??= { m, base: region.start, confidence: CONFIDENCE.checkDigits, proven: true };
    }
  }
  for (const line of layout.lines) {
    for (const m of findIbans(line.text)) {
      spans.push([line.start + m.start, line.start + m.end]);
      if (zones.party.get(line.index) !== 'buyer') chosen ??= { m, base: line.start, confidence: CONFIDENCE.checkDigits - CONFIDENCE.unlabelledPenalty, proven: true };
    }
  }
  if (!chosen) {
    // an account next to its label that is no IBAN: a domestic number, or a misread
    const first = labelled(layout, 'iban')
      .map(({ region }) => ({ region, raw: /^[A-Z0-9][A-Z0-9 .\-]{1,40}[A-Z0-9]/i.exec(region.text)?.[0].split(/\s{2,}/)[0] }))
      .find((x) => x.raw && /\d/.test(x.raw));
    if (first?.raw) {
      const check = validateIban(first.raw);
      const exact = out.source === 'pdf-text' && !check.valid && check.problem === 'check_digits';
      chosen = { m: { value: first.raw, start: 0, end: first.raw.length }, base: first.region.start, confidence: exact ? CONFIDENCE.printedFailsCheck : CONFIDENCE.invalid, proven: false };
      if (!check.valid) out.warn('invalid_iban', `The payment account "${first.raw}" is not a valid IBAN (${check.problem.replace('_', ' ')}); it may be a domestic account number.`, 'iban');
    }
  }
  if (chosen) out.set('iban', chosen.m.value, chosen.base + chosen.m.start, chosen.base + chosen.m.end, chosen.confidence, chosen.proven);
  return spans;
}

const STRUCTURED = /(?:\+{3}|\*{3})?\s?\d{3}\s?\/\s?\d{4}\s?\/\s?\d{5}\s?(?:\+{3}|\*{3})?/;
const CREDITOR = /RF\d{2}(?: ?[A-Z0-9]{1,4}){1,6}/i;

function readPaymentReference(layout: Layout, out: TextFields): void {
  const labelledRefs = labelled(layout, 'paymentReference');
  // a reference with check digits is a fact wherever it is printed; labels come next
  for (const { text, start } of [...labelledRefs.map((x) => x.region), ...layout.lines.map((l) => ({ text: l.text, start: l.start }))]) {
    const fixed = ocrDigits(text);
    const s = STRUCTURED.exec(fixed);
    if (s) {
      const check = validateStructuredCommunication(s[0].trim());
      const value = s[0].trim();
      const at = start + s.index + s[0].indexOf(value);
      out.set('paymentReference', value, at, at + value.length, check.valid ? CONFIDENCE.referenceChecked : CONFIDENCE.invalid, check.valid);
      if (!check.valid) out.warn('invalid_payment_reference', `The payment reference "${value}" looks like a Belgian structured communication, but its check digits are wrong.`, 'paymentReference');
      return;
    }
    const rf = CREDITOR.exec(fixed);
    if (rf && validateCreditorReference(rf[0]).valid) {
      out.set('paymentReference', rf[0], start + rf.index, start + rf.index + rf[0].length, CONFIDENCE.referenceChecked, true);
      return;
    }
  }
  const first = labelledRefs.find(({ region }) => region.text.split(/\s{3,}/)[0]!.length <= 40);
  if (first) {
    const value = first.region.text.split(/\s{3,}/)[0]!.trim();
    out.set('paymentReference', value, first.region.start, first.region.start + value.length, first.region.placement === 'after' ? CONFIDENCE.labelled - 0.1 : CONFIDENCE.below - 0.1);
  }
}
