import { svg } from 'lit';

/** Inline SVG icons (no network, no CSP `img-src` needed), drawn with `currentColor`. */
const icon = (path: ReturnType<typeof svg>, flip = false) => svg`
  <svg class="icon${flip ? ' flip' : ''}" viewBox="0 0 24 24" aria-hidden="true" focusable="false">${path}</svg>`;

export const chatIcon = icon(
  svg`<path d="M21 12a8 8 0 0 1-11.6 7.1L4 20.5l1.4-4.8A8 8 0 1 1 21 12z"/>`,
);
export const closeIcon = icon(svg`<path d="M6 6l12 12M18 6L6 18"/>`);
export const backIcon = icon(svg`<path d="M15 5l-7 7 7 7"/>`, true);
export const sendIcon = icon(svg`<path d="M4 12l16-8-6 16-2.5-6.5z"/>`, true);
export const plusIcon = icon(svg`<path d="M12 5v14M5 12h14"/>`);
export const downIcon = icon(svg`<path d="M6 9l6 6 6-6"/>`);
export const clockIcon = icon(svg`<circle cx="12" cy="12" r="8"/><path d="M12 8v4l3 2"/>`);
export const checkIcon = icon(svg`<path d="M5 12.5l4.5 4.5L19 7"/>`);
export const doubleCheckIcon = icon(svg`<path d="M2 12.5l4.5 4.5L16 7M11 16l1 1L22 7"/>`);
export const alertIcon = icon(svg`<circle cx="12" cy="12" r="9"/><path d="M12 7v6M12 16.5v.5"/>`);
