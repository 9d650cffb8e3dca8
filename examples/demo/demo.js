// The demo page: pick a demo user, get a token minted by the demo server, mount <chat-widget>.
// No framework and no inline script (the server's Content-Security-Policy forbids inline code).

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);

/** Demo mode only: the server signs a token for any user id. A real app never exposes this. */
async function mintToken(userId, name) {
  const res = await fetch('/demo/token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(name ? { userId, name } : { userId }),
  });
  const body = await res.json();
  if (!res.ok) throw new Error(body.error?.message ?? `HTTP ${res.status}`);
  return body;
}

/** A user id from a typed name: `Zoë Smith` becomes `zoe-smith`. */
function idFromName(name) {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 64);
}

function link(text, href, newWindow) {
  const a = document.createElement('a');
  a.textContent = text;
  a.href = href;
  if (newWindow) {
    a.target = '_blank';
    a.rel = 'noopener';
  }
  return a;
}

function button(text, onClick) {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = text;
  b.addEventListener('click', onClick);
  return b;
}

function renderUsers(users) {
  const box = $('users');
  box.replaceChildren();
  users.forEach((user, i) => {
    const label = document.createElement('label');
    const radio = document.createElement('input');
    radio.type = 'radio';
    radio.name = 'user';
    radio.value = user.id;
    radio.checked = i === 0;
    label.append(radio, ` ${user.name}`);
    box.append(label);
  });
}

function showSignIn() {
  $('who').hidden = true;
  $('chat').hidden = true;
  $('sign-in').hidden = false;
}

async function signIn(userId, name, users) {
  const { token, name: shownName } = await mintToken(userId, name);
  const url = new URL(location.href);
  url.search = new URLSearchParams(name ? { user: userId, name } : { user: userId }).toString();
  history.replaceState(null, '', url);

  $('sign-in').hidden = true;
  $('me').textContent = shownName;
  $('who').hidden = false;
  $('chat').hidden = false;

  const others = users.filter((u) => u.id !== userId);
  $('open-as').replaceChildren(
    'Open a second window as: ',
    ...others.flatMap((u, i) => [
      i ? ', ' : '',
      link(u.name.split(' ')[0], `/?user=${encodeURIComponent(u.id)}`, true),
    ]),
  );

  const widget = document.createElement('chat-widget');
  widget.setAttribute('mode', 'inline');
  widget.setAttribute('server-url', location.origin);
  widget.setAttribute('token', token);
  // Called when the token expires (demo tokens last 12 hours).
  widget.tokenProvider = async () => (await mintToken(userId, name)).token;
  widget.addEventListener('chat-unread-change', (event) => {
    const { total } = event.detail;
    $('unread').textContent = total ? `${total} unread` : '';
    document.title = total ? `(${total}) Parley demo` : 'Parley demo';
  });
  $('widget-slot').replaceChildren(widget);

  $('start-with').replaceChildren(
    'Start a conversation with: ',
    ...others.map((u) =>
      button(u.name.split(' ')[0], () => widget.setAttribute('conversation-with', u.id)),
    ),
  );
}

async function main() {
  const res = await fetch('/demo/users');
  const { users } = await res.json();
  renderUsers(users);

  $('switch').addEventListener('click', () => {
    $('widget-slot').replaceChildren();
    history.replaceState(null, '', location.pathname);
    document.title = 'Parley demo';
    showSignIn();
  });

  $('sign-in').addEventListener('submit', async (event) => {
    event.preventDefault();
    $('error').textContent = '';
    const typed = $('custom').value.trim();
    const picked = new FormData($('sign-in')).get('user');
    const userId = typed ? idFromName(typed) : picked;
    if (!userId) {
      $('error').textContent = 'Pick a user, or type a name with at least one letter or digit.';
      return;
    }
    try {
      await signIn(userId, typed || undefined, users);
    } catch (error) {
      $('error').textContent = `Could not sign in: ${error.message}`;
    }
  });

  const user = params.get('user');
  if (user) {
    try {
      await signIn(user, params.get('name') ?? undefined, users);
      return;
    } catch (error) {
      $('error').textContent = `Could not sign in as ${user}: ${error.message}`;
    }
  }
  showSignIn();
}

main().catch((error) => {
  $('error').textContent =
    `The demo could not start: ${error.message}. Is the server in demo mode?`;
  showSignIn();
});
