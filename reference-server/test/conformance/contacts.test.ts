import type { ContactsResponse } from '@parley/sdk/protocol';
import { describe, expect, it } from 'vitest';
import { api } from '../support.js';
import { useTarget } from './fixtures.js';

const { target } = useTarget();

describe('contacts', () => {
  it('lists known users by name prefix, never the caller', async () => {
    const t = target();
    const tag = t.user('tag').slice(-8);
    const me = t.user('me');
    const token = await t.token(me, { name: `Zq${tag} Me` });
    for (const [id, name] of [
      [t.user('u1'), `Zq${tag} Alpha`],
      [t.user('u2'), `Zq${tag} Beta`],
      [t.user('u3'), `Other ${tag}`],
    ] as const) {
      await api(t.url, await t.token(id, { name }), 'GET', '/chat/unread-count');
    }
    const res = await api<ContactsResponse>(
      t.url,
      token,
      'GET',
      `/chat/contacts?query=${encodeURIComponent(`zq${tag}`)}`,
    );
    expect(res.status).toBe(200);
    expect(res.body.users.map((u) => u.name).sort()).toEqual([`Zq${tag} Alpha`, `Zq${tag} Beta`]);
    expect(res.body.users.every((u) => u.id !== me)).toBe(true);
    expect(res.body.users[0]).toMatchObject({ online: false, avatarUrl: null });
    const limited = await api<ContactsResponse>(
      t.url,
      token,
      'GET',
      `/chat/contacts?query=Zq${tag}&limit=1`,
    );
    expect(limited.body.users).toHaveLength(1);
  });

  it('treats LIKE wildcards in the query as text', async () => {
    const t = target();
    const res = await api<ContactsResponse>(
      t.url,
      await t.token(t.user('w')),
      'GET',
      '/chat/contacts?query=%25',
    );
    expect(res.status).toBe(200);
    expect(res.body.users.every((u) => (u.name ?? u.id).startsWith('%'))).toBe(true);
  });

  it('refuses malformed queries', async () => {
    const t = target();
    const token = await t.token(t.user('m'));
    for (const q of ['limit=0', 'limit=x', `query=${'a'.repeat(101)}`, 'other=1']) {
      expect((await api(t.url, token, 'GET', `/chat/contacts?${q}`)).status, q).toBe(400);
    }
  });
});
