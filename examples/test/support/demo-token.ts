/** Asks a demo-mode server for a token, as the demo pages do. */
export async function demoToken(serverUrl: string, userId: string): Promise<string> {
  const res = await fetch(`${serverUrl}/demo/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ userId }),
  });
  if (!res.ok) throw new Error(`/demo/token: HTTP ${res.status}`);
  return ((await res.json()) as { token: string }).token;
}
