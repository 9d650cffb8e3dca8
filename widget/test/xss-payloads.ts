/**
 * Hostile message content shared by the widget's XSS tests: the component test in Chromium
 * (`src/chat-widget/chat-widget.xss.test.ts`) and the built script-tag bundle's
 * (`reliability/security/widget-xss.test.ts`). Each payload sets `window.__xss` if it ever runs;
 * each test adds the cases of its own after these.
 */
export const XSS_CONTENT: readonly string[] = [
  '<img src=x onerror="window.__xss=1">',
  '<script>window.__xss=2</script>',
  '"><svg onload="window.__xss=3">',
  "' onmouseover='window.__xss=4' x='",
  'javascript:window.__xss=5',
  '[click](javascript:window.__xss=6)',
];
