/** What a company's document is, independent of where it is stored. */
export const DOCUMENT_TYPES = [
  'invoice',
  'credit_note',
  'purchase_invoice',
  'purchase_credit_note',
  'quote',
  'order',
  'delivery_note',
  'receipt',
  'other',
] as const;
export type DocumentType = (typeof DOCUMENT_TYPES)[number];

export const LANGUAGES = ['nl', 'fr', 'de', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

/** The metadata that decides where a document lands; every field but type and date is optional. */
export interface DocumentFacts {
  id: string;
  type: DocumentType;
  number: string | null;
  /** ISO date, YYYY-MM-DD: the document's own date (invoice date), not the upload date. */
  date: string;
  counterparty: string | null;
  businessAccount: string | null;
  /** Original file name, used for its extension. */
  filename: string;
}

export interface CompanyFacts {
  name: string;
  language: Language;
}

/** Folder names for document types, in the company's language. */
export const TYPE_FOLDER_NAMES: Record<Language, Record<DocumentType, string>> = {
  en: {
    invoice: 'Invoices',
    credit_note: 'Credit notes',
    purchase_invoice: 'Purchase invoices',
    purchase_credit_note: 'Purchase credit notes',
    quote: 'Quotes',
    order: 'Orders',
    delivery_note: 'Delivery notes',
    receipt: 'Receipts',
    other: 'Other documents',
  },
  nl: {
    invoice: 'Verkoopfacturen',
    credit_note: 'Creditnota\'s',
    purchase_invoice: 'Aankoopfacturen',
    purchase_credit_note: 'Aankoopcreditnota\'s',
    quote: 'Offertes',
    order: 'Bestelbonnen',
    delivery_note: 'Leveringsbonnen',
    receipt: 'Kasticketten',
    other: 'Andere documenten',
  },
  fr: {
    invoice: 'Factures de vente',
    credit_note: 'Notes de crédit',
    purchase_invoice: 'Factures d\'achat',
    purchase_credit_note: 'Notes de crédit d\'achat',
    quote: 'Devis',
    order: 'Bons de commande',
    delivery_note: 'Bons de livraison',
    receipt: 'Tickets de caisse',
    other: 'Autres documents',
  },
  de: {
    invoice: 'Ausgangsrechnungen',
    credit_note: 'Gutschriften',
    purchase_invoice: 'Eingangsrechnungen',
    purchase_credit_note: 'Eingangsgutschriften',
    quote: 'Angebote',
    order: 'Bestellungen',
    delivery_note: 'Lieferscheine',
    receipt: 'Kassenbelege',
    other: 'Sonstige Dokumente',
  },
};

export function extensionOf(filename: string): string {
  const dot = filename.lastIndexOf('.');
  if (dot <= 0 || dot === filename.length - 1) return '';
  const ext = filename.slice(dot + 1).toLowerCase();
  return /^[a-z0-9]{1,8}$/.test(ext) ? ext : '';
}
