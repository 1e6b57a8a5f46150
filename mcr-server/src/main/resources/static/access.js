// Who is signed in and what they may do: the login and "create the first admin" forms, the role's
// effect on the page (what it cannot do is hidden or locked), and the account, users and audit dialogs.

import { h, $ } from './util.js';
import { t, tr } from './i18n.js';
import { get, post, put, del, setCsrf, ApiError } from './api.js';
import { openModal, confirmDialog } from './dialogs.js';

const ROLES = ['viewer', 'operator', 'editor', 'admin'];
const rank = (role) => ROLES.indexOf(role);

export const me = { role: 'admin', user: null, auth: 'anonymous', setupAllowed: false };

function detail(err) {
  if (err instanceof ApiError) return err.detail || `HTTP ${err.status}`;
  return String(err && err.message ? err.message : err);
}

function showError(el, err) {
  el.textContent = detail(err);
  el.hidden = false;
}

function time(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : d.toLocaleString();
}

/**
 * Asks the server who this is. Resolves true when the page may load (signed in, or no users exist);
 * false when it shows the login form instead.
 */
export async function startAccess() {
  let answer;
  try {
    answer = await get('/api/me');
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      showLogin();
      return false;
    }
    throw e;
  }
  me.role = answer.role;
  me.user = answer.user;
  me.auth = answer.auth;
  me.setupAllowed = !!answer.setup_allowed;
  setCsrf(answer.csrf_token || '');
  applyRole();
  return true;
}

/** Hides and locks what the role cannot do: classes on <body> drive the CSS, an observer locks inputs. */
function applyRole() {
  const r = rank(me.role);
  const body = document.body;
  body.classList.toggle('cannot-operate', r < rank('operator'));
  body.classList.toggle('cannot-edit', r < rank('editor'));
  body.classList.toggle('cannot-admin', r < rank('admin'));
  const who = $('#who');
  if (me.auth !== 'anonymous') {
    const name = me.user ? (me.user.display_name || me.user.name) : '';
    tr(who, { text: ['whoAmI', { name, role: { t: `role_${me.role}` } }] });
    who.hidden = false;
    $('#logoutBtn').hidden = me.auth !== 'session';
    $('#accountBtn').hidden = !(me.user && me.user.display_name !== undefined);
  }
  $('#usersBtn').hidden = !(r === rank('admin') && me.auth !== 'anonymous');
  $('#auditBtn').hidden = r !== rank('admin');
  $('#setupBanner').hidden = !me.setupAllowed;
  const lists = [];
  if (r < rank('editor')) lists.push('#runnerList');
  if (r < rank('admin')) lists.push('#serviceList');
  if (!lists.length) return;
  lockInputs(lists);
  // Only the lists that are locked are watched, and a change inside an output pane (thousands of lines a second
  // during a chatty run) is not a reason to look for inputs again.
  const observer = new MutationObserver((records) => {
    if (records.some((m) => !(m.target.closest && m.target.closest('.output')))) lockInputs(lists);
  });
  for (const sel of lists) {
    const el = $(sel);
    if (el) observer.observe(el, { subtree: true, childList: true, attributes: true, attributeFilter: ['disabled'] });
  }
}

function lockInputs(lists) {
  for (const sel of lists) {
    document.querySelectorAll(`${sel} input, ${sel} textarea, ${sel} select:not(.operate-only), ${sel} .notify-row button,`
      + ` ${sel} [data-act="active"]`).forEach((el) => {
      if (!el.disabled) el.disabled = true;
    });
  }
}

// ----- login and the first admin ------------------------------------------------------

function showLogin() {
  $('#main').hidden = true;
  $('#loginPanel').hidden = false;
  $('#loginUser').focus();
}

function wireLogin() {
  $('#loginForm').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const err = $('#loginError');
    err.hidden = true;
    try {
      await post('/api/login', { username: $('#loginUser').value.trim(), password: $('#loginPassword').value });
      window.location.reload();
    } catch (e) {
      $('#loginPassword').value = '';
      showError(err, e);
    }
  });
  $('#setupOpen').addEventListener('click', () => openModal($('#setupDialog'), $('#setupUser')));
  $('#setupForm').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const err = $('#setupError');
    err.hidden = true;
    if ($('#setupPassword').value !== $('#setupPassword2').value) {
      tr(err, { text: 'passwordsDiffer' });
      err.hidden = false;
      return;
    }
    try {
      await post('/api/setup', { username: $('#setupUser').value.trim(), password: $('#setupPassword').value });
      window.location.reload();
    } catch (e) {
      showError(err, e);
    }
  });
  $('#setupCancel').addEventListener('click', () => $('#setupDialog').close());
  $('#logoutBtn').addEventListener('click', async () => {
    try {
      await post('/api/logout', {});
    } finally {
      window.location.reload();
    }
  });
}

// ----- account: sessions and tokens -----------------------------------------------------

async function renderSessions() {
  const list = $('#sessionList');
  const { sessions } = await get('/api/sessions');
  list.replaceChildren(...sessions.map((s) => h('li', { class: 'row-item' },
    h('span', null, `${s.user} · ${s.address || '?'} · ${time(s.created)} · ${s.user_agent.slice(0, 60)}`),
    s.current ? tr(h('span', { class: 'pill' }), { text: 'thisSession' })
      : tr(h('button', { type: 'button', class: 'btn small danger', 'data-act': 'revoke-session',
        onclick: async () => { await del(`/api/sessions/${encodeURIComponent(s.id)}`); renderSessions(); } }),
      { text: 'revoke' }))));
}

async function renderTokens() {
  const list = $('#tokenList');
  const { tokens } = await get('/api/tokens');
  list.replaceChildren(...tokens.map((tk) => h('li', { class: 'row-item' },
    h('span', null, `${tk.name} · ${tk.user} · ${t(`role_${tk.role}`)} · ${t('lastUsed', { time: time(tk.last_used) })}`
      + (tk.expires ? ` · ${t('expires', { time: time(tk.expires) })}` : '')),
    tr(h('button', { type: 'button', class: 'btn small danger', 'data-act': 'delete-token',
      onclick: async () => {
        if (!await confirmDialog('confirmDeleteToken', { name: tk.name }, 'remove')) return;
        await del(`/api/tokens/${encodeURIComponent(tk.id)}`);
        renderTokens();
      } }), { text: 'remove' }))));
}

function roleOptions(select, max) {
  select.replaceChildren(...ROLES.filter((r) => rank(r) <= rank(max))
    .map((r) => tr(h('option', { value: r }), { text: `role_${r}` })));
}

function wireAccount() {
  $('#accountBtn').addEventListener('click', async () => {
    roleOptions($('#tokenRole'), me.role);
    $('#tokenSecret').hidden = true;
    $('#tokenError').hidden = true;
    try {
      await Promise.all([renderSessions(), renderTokens()]);
    } catch (e) {
      showError($('#tokenError'), e);
    }
    openModal($('#accountDialog'), $('#accountClose'));
  });
  $('#tokenForm').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const err = $('#tokenError');
    err.hidden = true;
    const days = parseInt($('#tokenDays').value, 10);
    const body = { name: $('#tokenName').value.trim(), role: $('#tokenRole').value };
    if (days > 0) body.expires_in_s = days * 86400;
    try {
      const made = await post('/api/tokens', body);
      const out = $('#tokenSecret');
      tr(out.querySelector('.hint'), { text: 'tokenOnce' });
      out.querySelector('code').textContent = made.token;
      out.hidden = false;
      $('#tokenName').value = '';
      renderTokens();
    } catch (e) {
      showError(err, e);
    }
  });
}

// ----- users (admins) -----------------------------------------------------------------

async function renderUsers() {
  const { users } = await get('/api/users');
  const err = $('#userError');
  const guard = (fn) => async () => {
    err.hidden = true;
    try {
      await fn();
      renderUsers();
    } catch (e) {
      showError(err, e);
    }
  };
  $('#userList').replaceChildren(...users.map((u) => {
    const sel = h('select', { 'aria-label': t('role'), 'data-act': 'user-role' });
    roleOptions(sel, 'admin');
    sel.value = u.role;
    sel.addEventListener('change', guard(() => put(`/api/users/${encodeURIComponent(u.name)}`, { role: sel.value })));
    return h('li', { class: 'row-item' },
      h('span', null, `${u.name}${u.display_name !== u.name ? ` (${u.display_name})` : ''} · `
        + `${t('lastLogin', { time: time(u.last_login) })}`),
      sel,
      tr(h('button', { type: 'button', class: 'btn small', 'data-act': 'user-disable',
        onclick: guard(() => put(`/api/users/${encodeURIComponent(u.name)}`, { disabled: !u.disabled })) }),
      { text: u.disabled ? 'enable' : 'disable' }),
      tr(h('button', { type: 'button', class: 'btn small danger', 'data-act': 'user-delete',
        onclick: guard(async () => {
          if (await confirmDialog('confirmDeleteUser', { name: u.name }, 'remove')) {
            await del(`/api/users/${encodeURIComponent(u.name)}`);
          }
        }) }), { text: 'remove' }));
  }));
}

function wireUsers() {
  $('#usersBtn').addEventListener('click', async () => {
    roleOptions($('#newUserRole'), 'admin');
    $('#userError').hidden = true;
    try {
      await renderUsers();
    } catch (e) {
      showError($('#userError'), e);
    }
    openModal($('#usersDialog'), $('#usersClose'));
  });
  $('#userForm').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const err = $('#userError');
    err.hidden = true;
    try {
      await post('/api/users', { name: $('#newUserName').value.trim(), role: $('#newUserRole').value,
        password: $('#newUserPassword').value });
      $('#newUserName').value = '';
      $('#newUserPassword').value = '';
      renderUsers();
    } catch (e) {
      showError(err, e);
    }
  });
}

// ----- audit (admins) -----------------------------------------------------------------

async function renderAudit() {
  const q = new URLSearchParams({ limit: '200' });
  for (const [k, id] of [['actor', '#auditActor'], ['action', '#auditAction'], ['target', '#auditTarget']]) {
    const v = $(id).value.trim();
    if (v) q.set(k, v);
  }
  const { items } = await get(`/api/audit?${q}`);
  $('#auditRows').replaceChildren(...items.map((e) => h('tr', { class: `outcome-${e.outcome}` },
    h('td', null, time(e.ts)), h('td', null, e.actor), h('td', null, e.action),
    h('td', null, e.target_name || e.target_id), h('td', null, `${e.outcome} ${e.status || ''}`),
    h('td', null, e.address), h('td', { class: 'summary' }, e.summary))));
}

function wireAudit() {
  const err = $('#auditError');
  const run = async (fn) => {
    err.hidden = true;
    try {
      await fn();
    } catch (e) {
      showError(err, e);
    }
  };
  $('#auditBtn').addEventListener('click', async () => {
    $('#auditVerifyResult').textContent = '';
    await run(renderAudit);
    openModal($('#auditDialog'), $('#auditClose'));
  });
  $('#auditFilter').addEventListener('submit', (ev) => {
    ev.preventDefault();
    run(renderAudit);
  });
  $('#auditVerify').addEventListener('click', () => run(async () => {
    const v = await get('/api/audit/verify');
    tr($('#auditVerifyResult'), { text: v.ok ? ['auditIntact', { n: v.checked }]
      : ['auditBroken', { id: v.broken_at, n: v.checked }] });
  }));
}

/** Wires the static forms and dialogs once. */
export function wireAccess() {
  wireLogin();
  wireAccount();
  wireUsers();
  wireAudit();
}
