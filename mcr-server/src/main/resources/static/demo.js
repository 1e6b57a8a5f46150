// The demo runners in the page's language. The server seeds the original's two German demo runners (same ids and
// texts as the original, so its data folder and client stay compatible); the first page load in another language
// rewrites them into that language while they are untouched. A German page, an edited demo or a role that cannot
// edit leaves them as they are.

import { put } from './api.js';

const PW_ID = 'runner1';
const PING_ID = 'runner_ping_192_168_3_1';

const pwCommand = (found, missing) => ['if [ $((RANDOM % 2)) -eq 0 ]; then', `  echo "${found}"`, 'else',
  `  echo "${missing}"`, 'fi'].join('\n');

/** Per language: [name, command, [[pattern, template], …]] of each demo runner, in the seed's case order. */
const TEXTS = {
  de: {
    [PW_ID]: ['Passwort-Check-Demo', pwCommand('passwort: beispielpasswort', 'passwort nicht gefunden'),
      [['passwort:\\s*(?P<pw>\\S+)', 'Passwort: {pw}'], ['passwort nicht gefunden', 'Passwort nicht gefunden']]],
    [PING_ID]: ['Ping 192.168.3.1 Demo', null,
      [['OK', '192.168.3.1 ist erreichbar'], ['FAIL', '192.168.3.1 ist NICHT erreichbar']]],
  },
  en: {
    [PW_ID]: ['Password check demo', pwCommand('password: examplepassword', 'password not found'),
      [['password:\\s*(?P<pw>\\S+)', 'Password: {pw}'], ['password not found', 'Password not found']]],
    [PING_ID]: ['Ping 192.168.3.1 demo', null,
      [['OK', '192.168.3.1 is reachable'], ['FAIL', '192.168.3.1 is NOT reachable']]],
  },
  fr: {
    [PW_ID]: ['Démo de vérification de mot de passe', pwCommand('mot de passe: exemple', 'mot de passe introuvable'),
      [['mot de passe:\\s*(?P<pw>\\S+)', 'Mot de passe : {pw}'], ['mot de passe introuvable', 'Mot de passe introuvable']]],
    [PING_ID]: ['Démo ping 192.168.3.1', null,
      [['OK', '192.168.3.1 est joignable'], ['FAIL', '192.168.3.1 n’est PAS joignable']]],
  },
  zh: {
    [PW_ID]: ['密码检查演示', pwCommand('密码: 示例密码', '未找到密码'),
      [['密码:\\s*(?P<pw>\\S+)', '密码：{pw}'], ['未找到密码', '未找到密码']]],
    [PING_ID]: ['Ping 192.168.3.1 演示', null,
      [['OK', '192.168.3.1 可以访问'], ['FAIL', '192.168.3.1 无法访问']]],
  },
};

/** Whether a stored runner is exactly the German seed (nothing a user typed would be lost). */
function untouched(r, [name, command, cases]) {
  return r.name === name && (command === null || r.command === command) && Array.isArray(r.cases)
    && r.cases.length === cases.length
    && r.cases.every((c, i) => c.pattern === cases[i][0] && c.message_template === cases[i][1]);
}

/**
 * Rewrites untouched demo runners into lang (best effort: a refusal or a conflict leaves them German); onSaved
 * gets each stored runner (the page may not follow the event stream yet).
 */
export async function localizeDemo(saved, lang, onSaved) {
  const texts = TEXTS[lang];
  if (!texts || lang === 'de' || !saved || !Array.isArray(saved.runners)) return;
  for (const r of saved.runners) {
    const seed = TEXTS.de[r.id];
    if (!seed || !untouched(r, seed)) continue;
    const [name, command, cases] = texts[r.id];
    const body = {
      name,
      cases: r.cases.map((c, i) => ({ ...c, pattern: cases[i][0], message_template: cases[i][1] })),
      version: r.version,
    };
    if (command !== null) body.command = command;
    try {
      const res = await put(`/api/runners/${encodeURIComponent(r.id)}`, body);
      if (res && res.runner) onSaved(res.runner);
    } catch (_) {
      // A viewer, or another page was faster: the demo stays as it is.
    }
  }
}
