/**
 * Helpers of the widget's browser tests: tokens from the test server (see
 * web-test-runner.config.mjs), mounting widgets, polling, and queries through shadow roots.
 */
import { ChatClient, memoryStorage } from '@parley/sdk';
import type { ChatClientOptions } from '@parley/sdk';
import type { ChatWidget } from '../src/chat-widget/chat-widget.js';
import '../src/index.js';

let config: { serverUrl: string } | undefined;

export async function serverUrl(): Promise<string> {
  config ??= (await (await fetch('/__parley/config')).json()) as { serverUrl: string };
  return config.serverUrl;
}

/** A fresh user id, so that tests sharing one server never see each other's conversations. */
export function uid(prefix: string): string {
  return `${prefix}-${Math.random().toString(36).slice(2, 10)}`;
}

/** A token for any user, with any display name and picture (signed with the demo secret). */
export async function token(sub: string, name?: string, picture?: string): Promise<string> {
  const q = new URLSearchParams({ sub });
  if (name) q.set('name', name);
  if (picture) q.set('picture', picture);
  const res = await fetch(`/__parley/token?${q}`);
  return ((await res.json()) as { token: string }).token;
}

const mounted: Element[] = [];

/** Mounts a `<chat-widget>` signed in as `sub`; removed again by `cleanup()`. */
export async function mount(
  sub: string,
  attrs: Record<string, string> = {},
  name?: string,
  options: Partial<ChatClientOptions> = {},
): Promise<ChatWidget> {
  const el = document.createElement('chat-widget');
  el.serverUrl = await serverUrl();
  el.token = await token(sub, name);
  el.clientOptions = { storage: memoryStorage(), ...options };
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  document.body.append(el);
  mounted.push(el);
  return el;
}

/** A plain SDK client as the other side of a conversation. */
export async function client(sub: string, name?: string): Promise<ChatClient> {
  const c = new ChatClient({
    url: await serverUrl(),
    token: await token(sub, name),
    storage: memoryStorage(),
  });
  await c.connect();
  mounted.push({ remove: () => c.disconnect() } as unknown as Element);
  return c;
}

export function cleanup(): void {
  for (const el of mounted.splice(0)) el.remove();
}

/** Polls until `check` returns a truthy value (or stops throwing); fails after `timeout` ms. */
export async function waitFor<T>(
  check: () => T,
  what = 'condition',
  timeout = 8000,
): Promise<NonNullable<T>> {
  const until = Date.now() + timeout;
  let last: unknown;
  for (;;) {
    try {
      const value = check();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      last = error;
    }
    if (Date.now() > until)
      throw new Error(`timed out waiting for ${what}${last ? `: ${last}` : ''}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Every element matching `selector` in `root` and in every shadow root below it. */
export function deepAll(root: Element | ShadowRoot | Document, selector: string): HTMLElement[] {
  const found: HTMLElement[] = [...root.querySelectorAll<HTMLElement>(selector)];
  for (const el of root.querySelectorAll('*')) {
    if (el.shadowRoot) found.push(...deepAll(el.shadowRoot, selector));
  }
  if (root instanceof Element && root.shadowRoot) found.push(...deepAll(root.shadowRoot, selector));
  return found;
}

export function deep(
  root: Element | ShadowRoot | Document,
  selector: string,
): HTMLElement | undefined {
  return deepAll(root, selector)[0];
}

/** The focused element, through shadow roots. */
export function activeElement(): Element | null {
  let el = document.activeElement;
  while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
  return el;
}

/** The text of the messages a widget shows, in order. */
export function messageTexts(widget: Element): string[] {
  return deepAll(widget, '[part~="message"] .content').map((el) => el.textContent ?? '');
}

export function assert(condition: unknown, message = 'assertion failed'): asserts condition {
  if (!condition) throw new Error(message);
}

export function assertEqual<T>(actual: T, expected: T, message = ''): void {
  if (actual !== expected) {
    throw new Error(
      `${message} expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`,
    );
  }
}
