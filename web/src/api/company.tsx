import { createContext, useContext, useState, type ReactNode } from 'react';
import { api, unwrap, type Schemas } from './client';
import { useLoad } from './use-load';

export type Company = Schemas['Company'];
interface CompanyState { companies: Company[]; company: Company | null; choose(id: string): void; reload(): Promise<void> }

const CompanyContext = createContext<CompanyState | null>(null);
const STORAGE_KEY = 'dossier.company';

/** The company the pages show: the last one chosen in this browser, else the first. */
export function CompanyProvider({ children }: { children: ReactNode }) {
  const { data, reload } = useLoad(() => unwrap(api.GET('/v1/companies')), []);
  const [chosen, setChosen] = useState<string | null>(() => globalThis.localStorage?.getItem(STORAGE_KEY) ?? null);
  const companies = data?.items ?? [];
  const company = companies.find((c) => c.id === chosen) ?? companies[0] ?? null;
  const choose = (id: string) => { globalThis.localStorage?.setItem(STORAGE_KEY, id); setChosen(id); };
  return <CompanyContext.Provider value={{ companies, company, choose, reload }}>{children}</CompanyContext.Provider>;
}

export function useCompany(): CompanyState {
  const c = useContext(CompanyContext);
  if (!c) throw new Error('useCompany outside CompanyProvider');
  return c;
}
