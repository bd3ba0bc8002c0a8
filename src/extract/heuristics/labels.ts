import type { Language } from '../../domain/documents.js';

/**
 * The words invoices and receipts print before their values, in Dutch, French, German and
 * English. Labels are written folded (lowercase, no accents, "°" as "o"), the way fold()
 * prints the text they are matched against. A space in a label matches any run of spaces,
 * dots or dashes, or none at all, so "Rechnungs-Nr.", "Rechnungsnr" and OCR's "Invoicenumber"
 * all match. When labels overlap the longest wins: "total ht" beats "total", and
 * "leveringsdatum" is read as a date that is not the issue date.
 */

/** What a label announces; 'other' labels exist only to stop a shorter, wrong label from matching. */
export type LabelKind =
  | 'number' | 'issueDate' | 'dueDate' | 'totalWithoutVat' | 'totalVat' | 'totalWithVat' | 'amountDue' | 'prepaidAmount'
  | 'vatId' | 'buyerVatId' | 'iban' | 'paymentReference' | 'seller' | 'buyer' | 'other';

type Dictionary = Record<Language, Partial<Record<LabelKind, string[]>>>;

export const LABELS: Dictionary = {
  nl: {
    number: ['factuurnummer', 'factuur nummer', 'factuurnr', 'factuur nr', 'factuur no', 'creditnotanummer', 'creditnota nummer',
      'creditnota nr', 'creditnotanr', 'nummer factuur', 'bonnummer', 'ticketnummer', 'kassabon nr'],
    issueDate: ['factuurdatum', 'datum factuur', 'datum', 'creditnotadatum', 'uitgiftedatum', 'documentdatum'],
    dueDate: ['vervaldatum', 'vervaldag', 'te betalen voor', 'betalen voor', 'uiterste betaaldatum', 'betaaltermijn tot'],
    totalWithoutVat: ['totaal excl btw', 'totaal exclusief btw', 'excl btw', 'exclusief btw', 'subtotaal excl btw', 'maatstaf van heffing',
      'totaal netto', 'netto bedrag', 'totaal zonder btw', 'bedrag excl btw'],
    totalVat: ['btw', 'totaal btw', 'btw bedrag', 'bedrag btw'],
    totalWithVat: ['totaal incl btw', 'totaal inclusief btw', 'incl btw', 'totaal', 'totaalbedrag', 'factuurbedrag', 'totaal factuur',
      'bedrag incl btw'],
    amountDue: ['te betalen', 'totaal te betalen', 'te betalen bedrag', 'saldo', 'openstaand bedrag', 'nog te betalen'],
    prepaidAmount: ['reeds betaald', 'vooruitbetaald', 'voorschot', 'betaald', 'aanbetaling'],
    vatId: ['btw nummer', 'btw nr', 'btw no', 'btw id', 'btw identificatienummer', 'ondernemingsnummer', 'btw nummer leverancier'],
    buyerVatId: ['uw btw nummer', 'btw nummer klant', 'btw klant', 'uw btw nr', 'btw nr klant'],
    iban: ['iban', 'rekeningnummer', 'rekening', 'bankrekening', 'rekeningnr'],
    paymentReference: ['mededeling', 'gestructureerde mededeling', 'betalingskenmerk', 'betaalreferentie', 'betalingsreferentie', 'kenmerk'],
    seller: ['leverancier', 'verkoper', 'van'],
    buyer: ['klant', 'factuur aan', 'gefactureerd aan', 'afnemer', 'koper', 'aan'],
    other: ['klantnummer', 'klant nr', 'bestelnummer', 'bestelling', 'ordernummer', 'leveringsdatum', 'leverdatum', 'subtotaal', 'btw tarief',
      'btw %', 'kvk', 'kvk nummer', 'bic', 'omschrijving', 'aantal', 'prijs', 'bedrag'],
  },
  fr: {
    number: ['no de facture', 'numero de facture', 'facture no', 'facture numero', 'no facture', 'no d avoir', 'avoir no', 'numero d avoir',
      'note de credit no', 'no de note de credit', 'numero de note de credit', 'numero de la note de credit', 'numero de l avoir', 'ticket no', 'recu no', 'no de ticket'],
    issueDate: ['date de facture', 'date de facturation', 'date', 'date d emission', 'date de la facture', 'date de l avoir', 'date de la note de credit', 'date de note de credit', 'emise le'],
    dueDate: ['echeance', 'date d echeance', 'date limite de paiement', 'a payer avant le', 'payable avant le', 'payable le'],
    totalWithoutVat: ['total ht', 'montant ht', 'total hors tva', 'hors tva', 'total htva', 'htva', 'total hors taxes', 'base imposable',
      'montant hors tva', 'total net ht', 'sous total ht'],
    totalVat: ['tva', 'total tva', 'montant tva', 'montant de la tva', 'montant de tva', 'total taxes', 'total des taxes'],
    totalWithVat: ['total ttc', 'montant ttc', 'total tvac', 'tvac', 'ttc', 'total', 'total toutes taxes comprises', 'montant total'],
    amountDue: ['net a payer', 'montant a payer', 'reste a payer', 'a payer', 'total a payer', 'solde du', 'montant du'],
    prepaidAmount: ['acompte', 'deja paye', 'deja regle', 'acompte verse', 'montant paye', 'paye'],
    vatId: ['no tva', 'numero de tva', 'tva intracommunautaire', 'no de tva', 'no tva intracommunautaire', 'id tva', 'numero tva',
      'no d entreprise', 'numero d entreprise'],
    buyerVatId: ['votre no tva', 'votre numero de tva', 'tva client', 'no tva client', 'votre tva'],
    iban: ['iban', 'compte', 'compte bancaire', 'no de compte', 'numero de compte'],
    paymentReference: ['communication', 'communication structuree', 'reference de paiement', 'reference paiement', 'libelle du virement'],
    seller: ['fournisseur', 'vendeur', 'emetteur', 'de'],
    buyer: ['client', 'facture a', 'facturer a', 'destinataire', 'acheteur', 'adresse de facturation'],
    other: ['no client', 'numero client', 'code client', 'no de commande', 'commande', 'date de livraison', 'livraison', 'sous total', 'taux tva',
      'taux', 'tva %', 'bic', 'siret', 'rcs', 'description', 'quantite', 'prix unitaire', 'montant'],
  },
  de: {
    number: ['rechnungsnummer', 'rechnung nr', 'rechnungs nr', 'rechnungsnr', 'rechnung no', 'gutschriftsnummer', 'gutschrift nr',
      'gutschriftnummer', 'beleg nr', 'belegnummer', 'bon nr'],
    issueDate: ['rechnungsdatum', 'datum', 'belegdatum', 'beleg datum', 'ausstellungsdatum', 'gutschriftsdatum', 'rechnungs datum'],
    dueDate: ['fallig am', 'faellig am', 'falligkeit', 'falligkeitsdatum', 'zahlbar bis', 'zahlungsziel', 'fallig'],
    totalWithoutVat: ['nettobetrag', 'summe netto', 'rechnungssumme netto', 'rechnungssumme ohne ust', 'summe ohne ust', 'gesamt netto', 'netto', 'gesamtbetrag netto', 'rechnungsbetrag netto', 'zwischensumme netto',
      'nettosumme', 'betrag netto', 'warenwert netto'],
    totalVat: ['mwst', 'ust', 'umsatzsteuer', 'mehrwertsteuer', 'steuerbetrag', 'summe mwst', 'summe ust', 'mwst betrag', 'ust betrag', 'gesamt mwst'],
    totalWithVat: ['gesamtbetrag', 'bruttobetrag', 'summe brutto', 'gesamt brutto', 'gesamtsumme', 'rechnungsbetrag', 'endbetrag', 'brutto',
      'summe', 'gesamt', 'rechnungsbetrag brutto', 'gesamtbetrag brutto', 'bruttosumme', 'rechnungssumme brutto', 'rechnungssumme'],
    amountDue: ['zahlbetrag', 'zahlungsbetrag', 'noch zu zahlen', 'zu zahlender gesamtbetrag', 'zu zahlen', 'zu zahlender', 'zu zahlender betrag', 'offener betrag', 'faelliger betrag', 'falliger betrag', 'restbetrag'],
    prepaidAmount: ['bereits bezahlt', 'anzahlung', 'erhaltene anzahlungen', 'erhaltene anzahlung', 'geleistete anzahlung', 'vorauszahlung', 'bezahlt'],
    vatId: ['ust idnr', 'ust id', 'ust id nr', 'ustid', 'ust identifikationsnummer', 'umsatzsteuer id', 'mwst nr', 'umsatzsteuer identifikationsnummer',
      'ustidnr', 'ust identnr', 'ust ident nr', 'ust idnr'],
    buyerVatId: ['ihre ust idnr', 'ihre ust id', 'kunden ust id', 'ust id kunde', 'ihre ustid', 'ihre ust identnr', 'ihre ust ident nr',
      'ihre ustidnr', 'ihre umsatzsteuer id'],
    iban: ['iban', 'konto', 'kontonummer', 'bankverbindung', 'konto nr'],
    paymentReference: ['verwendungszweck', 'zahlungsreferenz', 'referenz', 'bitte angeben'],
    seller: ['lieferant', 'verkaufer', 'rechnungssteller', 'rechnungsersteller', 'von'],
    buyer: ['kunde', 'rechnung an', 'rechnungsempfanger', 'empfanger', 'kaufer', 'an'],
    other: ['kundennummer', 'kunden nr', 'bestellnummer', 'bestellung', 'auftragsnummer', 'lieferdatum', 'leistungsdatum', 'zwischensumme',
      'mwst satz', 'ust satz', 'steuersatz', 'bic', 'handelsregister', 'beschreibung', 'menge', 'einzelpreis', 'betrag',
      'steuernummer', 'steuernr', 'st nr', 'gesamtbetrag der zuschlage', 'gesamtbetrag der abschlage', 'positionssumme', 'steuerbasisbetrag'],
  },
  en: {
    number: ['invoice number', 'invoice no', 'invoice nr', 'invoice #', 'invoice id', 'credit note number', 'credit note no', 'credit memo number',
      'receipt number', 'receipt no', 'receipt #', 'bill number', 'document number'],
    issueDate: ['invoice date', 'date', 'date of issue', 'issue date', 'issued', 'credit note date', 'receipt date', 'date issued'],
    dueDate: ['due date', 'payment due', 'due', 'pay by', 'payable by', 'date due'],
    totalWithoutVat: ['total excl vat', 'total excluding vat', 'excl vat', 'net amount', 'total net', 'net total', 'subtotal excl vat',
      'total before tax', 'taxable amount', 'amount excl vat', 'total excl tax'],
    totalVat: ['vat', 'total vat', 'vat amount', 'tax', 'total tax', 'tax total', 'vat total', 'sales tax', 'tax amount'],
    totalWithVat: ['total incl vat', 'total including vat', 'incl vat', 'total', 'invoice total', 'grand total', 'total amount', 'gross amount',
      'amount incl vat', 'total incl tax'],
    amountDue: ['amount due', 'balance due', 'total due', 'amount to pay', 'to pay', 'amount payable', 'balance', 'residual'],
    prepaidAmount: ['prepaid', 'prepayment', 'advance payment', 'paid amount', 'amount paid', 'already paid', 'deposit', 'paid'],
    vatId: ['vat number', 'vat no', 'vat id', 'vat reg no', 'vat registration number', 'vat reg', 'tax id', 'vat nr', 'company vat'],
    buyerVatId: ['customer vat', 'customer vat number', 'your vat number', 'buyer vat', 'client vat', 'customer vat id'],
    iban: ['iban', 'account', 'account number', 'bank account', 'account no'],
    paymentReference: ['payment reference', 'reference', 'remittance', 'structured communication', 'payment ref'],
    seller: ['seller', 'supplier', 'from', 'vendor'],
    buyer: ['bill to', 'billed to', 'customer', 'buyer', 'invoice to', 'sold to', 'client', 'to'],
    other: ['customer number', 'customer no', 'order number', 'order no', 'po number', 'delivery date', 'subtotal', 'vat rate', 'tax rate',
      'vat %', 'bic', 'swift', 'description', 'quantity', 'qty', 'unit price', 'amount', 'company reg'],
  },
};

/**
 * Labels that are also ordinary words ("datum", "total", "van", "to"): they count only at the
 * start of a cell, so "Betaald van rekening" or "Welcome to" are not read as labels.
 */
export const CELL_START_ONLY = new Set(['datum', 'date', 'van', 'aan', 'de', 'von', 'an', 'from', 'to', 'client', 'klant', 'kunde',
  'due', 'issued', 'balance', 'paid', 'betaald', 'bezahlt', 'paye', 'saldo', 'referenz', 'reference', 'kenmerk', 'compte', 'konto',
  'account', 'rekening', 'tax', 'summe', 'gesamt', 'brutto', 'netto', 'total', 'totaal', 'ttc', 'tvac', 'htva', 'communication', 'fallig',
  'mededeling', 'voorschot', 'acompte', 'deposit', 'anzahlung', 'seller', 'supplier', 'vendor', 'customer', 'buyer']);

/** Title words that say the document gives money back. */
export const CREDIT_NOTE_TITLES = ['creditnota', 'credit nota', 'creditfactuur', 'note de credit', 'avoir', 'facture d avoir', 'gutschrift',
  'stornorechnung', 'credit note', 'credit memo', 'creditnote'];
/** Title words that say it asks for money; a receipt is an invoice for our purposes. */
export const INVOICE_TITLES = ['factuur', 'facture', 'rechnung', 'invoice', 'kassabon', 'kassenbon', 'quittung', 'recu', 'ticket de caisse',
  'receipt', 'bon', 'kassenbeleg',
  // a corrected invoice (UNTDID 1001 code 384) asks for money too, whatever the sign of its amounts
  'rechnungs korrektur', 'facture rectificative', 'corrected invoice'];

/** One character to one character, so offsets in the folded text are offsets in the original. */
export function fold(text: string): string {
  let out = '';
  for (const ch of text) {
    const base = ch.normalize('NFD')[0] ?? ch;
    const lower = base.toLowerCase();
    const mapped = ch === '°' || ch === 'º' ? 'o' : ch === 'ß' ? 's' : lower.length === 1 ? lower : base;
    // characters outside the BMP take two code units; keep the length equal
    out += ch.length === 2 ? `${mapped.slice(0, 1)}_` : mapped.slice(0, 1) || ' ';
  }
  return out;
}
