import { createCanvas } from '@napi-rs/canvas';
import { PDFDocument } from 'pdf-lib';

/**
 * Invoice pages for OCR tests and benchmarks, drawn with @napi-rs/canvas as a scanner would
 * deliver them: black text on white at a given resolution, optionally turned.
 */

export interface InvoiceText {
  /** The lines of the page, top to bottom; an empty string leaves a gap. */
  lines: string[];
}

export const DUTCH_INVOICE: InvoiceText = {
  lines: [
    'Bakkerij De Smet BV', 'Kerkstraat 12, 9000 Gent', 'BTW: BE0123456749', '',
    'FACTUUR', 'Factuurnummer: INV-2026-00417', 'Factuurdatum: 14/03/2026', 'Vervaldatum: 13/04/2026', '',
    'Omschrijving                 Bedrag', 'Broodjes catering           1.020,30', 'BTW 21%                        214,26', '',
    'Totaal te betalen: EUR 1.234,56',
  ],
};

export const FRENCH_INVOICE: InvoiceText = {
  lines: [
    'Boulangerie Dupont SARL', '12 rue de la Paix, 75002 Paris', 'TVA intracommunautaire : FR40303265045', '',
    'FACTURE', 'Numéro de facture : FA-2026-0932', 'Date de facture : 02/05/2026', '',
    'Désignation                 Montant', 'Viennoiseries                 805,00', 'TVA 20 %                      161,00', '',
    'Total TTC : 966,00 EUR',
  ],
};

export interface PageImageOptions {
  dpi?: number;
  /** Clockwise quarter turn of the whole sheet, as a scanner fed sideways produces. */
  turn?: 0 | 90 | 180 | 270;
  format?: 'png' | 'jpeg';
}

/** An A4 page with the invoice's lines in 11 pt type. */
export function invoicePageImage(invoice: InvoiceText, options: PageImageOptions = {}): Buffer {
  const dpi = options.dpi ?? 200;
  const width = Math.round(8.27 * dpi), height = Math.round(11.69 * dpi);
  const page = createCanvas(width, height);
  const ctx = page.getContext('2d');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = '#111';
  const pt = dpi / 72;
  ctx.font = `${Math.round(11 * pt)}px sans-serif`;
  invoice.lines.forEach((line, i) => ctx.fillText(line, 60 * pt, (80 + i * 18) * pt));
  const turn = options.turn ?? 0;
  const sideways = turn === 90 || turn === 270;
  const out = sideways ? createCanvas(height, width) : createCanvas(width, height);
  const octx = out.getContext('2d');
  octx.translate(out.width / 2, out.height / 2);
  octx.rotate((turn * Math.PI) / 180);
  octx.drawImage(page, -width / 2, -height / 2);
  return options.format === 'jpeg' ? out.toBuffer('image/jpeg', 90) : out.toBuffer('image/png');
}

/** A PDF whose pages are nothing but these images, each filling an A4 page (portrait or landscape): a scan without a text layer. */
export async function scannedPdf(pageImages: Buffer[]): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  // the same bytes for the same pages, so a benchmark can recognise a scan it has read before
  pdf.setCreationDate(new Date('2024-01-01T00:00:00Z'));
  pdf.setModificationDate(new Date('2024-01-01T00:00:00Z'));
  for (const bytes of pageImages) {
    const image = bytes[0] === 0x89 ? await pdf.embedPng(bytes) : await pdf.embedJpg(bytes);
    // a sheet fed sideways makes a landscape page, as a scanner would save it
    const [width, height] = image.width > image.height ? [841.89, 595.28] : [595.28, 841.89];
    const page = pdf.addPage([width, height]);
    page.drawImage(image, { x: 0, y: 0, width, height });
  }
  return Buffer.from(await pdf.save());
}
