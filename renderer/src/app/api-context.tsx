import { createContext, useContext, type ReactNode } from 'react';
import type { ApiResponse, EdgeTuneApi } from '../../../electron/api/contract';
import type { Connection } from '../api/connection';
import type { Route } from './pages';

export interface AppContext {
  api: EdgeTuneApi;
  connection: Connection;
  info: ApiResponse<'getInfo'>;
  navigate: (route: Route) => void;
}

const Context = createContext<AppContext | null>(null);

export function AppProvider({ value, children }: { value: AppContext; children: ReactNode }) {
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

export function useApp(): AppContext {
  const context = useContext(Context);
  if (!context) throw new Error('useApp outside AppProvider');
  return context;
}
