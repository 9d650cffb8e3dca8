// The widget registers <chat-widget> when imported: before React renders, so that React 19 sees
// its properties (tokenProvider) and sets them as properties rather than attributes.
import '@parley/widget';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.js';

const initialUser = new URLSearchParams(location.search).get('user') ?? 'alice';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App initialUser={initialUser} />
  </StrictMode>,
);
