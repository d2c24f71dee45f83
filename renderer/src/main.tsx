import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { connectHost } from './api/host';
import { App } from './app/App';
import { ThemeProvider } from './app/theme';
import './styles.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ThemeProvider>
      <App host={connectHost()} />
    </ThemeProvider>
  </StrictMode>,
);
