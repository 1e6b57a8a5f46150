// Pure functions over the state's groups and layout. Each returns a new state, or
// null when the move is not possible. The input state is never changed.

import { clone } from './util.js';

/** The group that contains the runner, or null. */
export function groupOf(state, runnerId) {
  return (state.runner_groups || []).find((g) => (g.runner_ids || []).includes(runnerId)) || null;
}

function layoutIndex(state, type, id) {
  return (state.runner_layout || []).findIndex((it) => it.type === type && it.id === id);
}

function dropFromGroup(g, runnerId) {
  g.runner_ids = (g.runner_ids || []).filter((x) => x !== runnerId);
  g.disabled_runner_ids = (g.disabled_runner_ids || []).filter((x) => x !== runnerId);
}

/**
 * Moves a runner one step up (dir -1) or down (+1). Inside a group it swaps with its
 * neighbour and leaves the group at either end; at top level it swaps with the
 * neighbouring runner or walks into a neighbouring group.
 */
export function moveRunner(state, runnerId, dir) {
  const s = clone(state);
  s.runner_layout = s.runner_layout || [];
  const g = groupOf(s, runnerId);
  if (g) {
    const i = g.runner_ids.indexOf(runnerId);
    const to = i + dir;
    if (to >= 0 && to < g.runner_ids.length) {
      [g.runner_ids[i], g.runner_ids[to]] = [g.runner_ids[to], g.runner_ids[i]];
      return s;
    }
    dropFromGroup(g, runnerId);
    const gi = layoutIndex(s, 'group', g.id);
    const at = gi < 0 ? s.runner_layout.length : (dir < 0 ? gi : gi + 1);
    s.runner_layout.splice(at, 0, { type: 'runner', id: runnerId });
    return s;
  }
  const li = layoutIndex(s, 'runner', runnerId);
  if (li < 0) return null;
  const ti = li + dir;
  if (ti < 0 || ti >= s.runner_layout.length) return null;
  const target = s.runner_layout[ti];
  if (target.type === 'group') {
    const tg = (s.runner_groups || []).find((x) => x.id === target.id);
    if (!tg) return null;
    s.runner_layout.splice(li, 1);
    tg.runner_ids = tg.runner_ids || [];
    if (dir > 0) tg.runner_ids.unshift(runnerId);
    else tg.runner_ids.push(runnerId);
    return s;
  }
  [s.runner_layout[li], s.runner_layout[ti]] = [s.runner_layout[ti], s.runner_layout[li]];
  return s;
}

/** Moves a group (with its members) one step in the layout. */
export function moveGroup(state, groupId, dir) {
  const s = clone(state);
  const li = layoutIndex(s, 'group', groupId);
  const ti = li + dir;
  if (li < 0 || ti < 0 || ti >= s.runner_layout.length) return null;
  [s.runner_layout[li], s.runner_layout[ti]] = [s.runner_layout[ti], s.runner_layout[li]];
  return s;
}

/** Puts a runner into a group (at its end) or, with groupId null, at the top level. */
export function moveRunnerTo(state, runnerId, groupId) {
  const s = clone(state);
  s.runner_layout = s.runner_layout || [];
  const from = groupOf(s, runnerId);
  if ((from ? from.id : null) === (groupId || null)) return null;
  let anchor = -1;
  if (from) {
    dropFromGroup(from, runnerId);
    anchor = layoutIndex(s, 'group', from.id) + 1;
  } else {
    const li = layoutIndex(s, 'runner', runnerId);
    if (li >= 0) s.runner_layout.splice(li, 1);
  }
  if (groupId) {
    const g = (s.runner_groups || []).find((x) => x.id === groupId);
    if (!g) return null;
    g.runner_ids = [...(g.runner_ids || []), runnerId];
  } else {
    s.runner_layout.splice(anchor > 0 ? anchor : s.runner_layout.length, 0, { type: 'runner', id: runnerId });
  }
  return s;
}

/** Removes a group; its members take its place in the layout. */
export function removeGroup(state, groupId) {
  const s = clone(state);
  const g = (s.runner_groups || []).find((x) => x.id === groupId);
  if (!g) return null;
  s.runner_groups = s.runner_groups.filter((x) => x.id !== groupId);
  const members = (g.runner_ids || []).map((id) => ({ type: 'runner', id }));
  const gi = layoutIndex(s, 'group', groupId);
  if (gi >= 0) s.runner_layout.splice(gi, 1, ...members);
  else s.runner_layout.push(...members);
  return s;
}

/** Removes a runner from runners, groups and layout. */
export function removeRunner(state, runnerId) {
  const s = clone(state);
  s.runners = (s.runners || []).filter((r) => r.id !== runnerId);
  (s.runner_groups || []).forEach((g) => dropFromGroup(g, runnerId));
  s.runner_layout = (s.runner_layout || []).filter((it) => !(it.type === 'runner' && it.id === runnerId));
  return s;
}

/** Removes a notification service and every runner's reference to it. */
export function removeProfile(state, profileId) {
  const s = clone(state);
  s.notify_profiles = (s.notify_profiles || []).filter((p) => p.id !== profileId);
  for (const r of s.runners || []) {
    r.notify_profile_ids = (r.notify_profile_ids || []).filter((x) => x !== profileId);
    r.notify_profile_updates_only = (r.notify_profile_updates_only || []).filter((x) => x !== profileId);
  }
  return s;
}

/** Moves an entry of a list one step; null when it is already at that end. */
export function moveInList(list, id, dir) {
  const i = list.findIndex((x) => x.id === id);
  const to = i + dir;
  if (i < 0 || to < 0 || to >= list.length) return null;
  const out = list.slice();
  [out[i], out[to]] = [out[to], out[i]];
  return out;
}

/** The display order: layout items, with runners missing from it appended. */
export function orderedItems(state) {
  const grouped = new Set((state.runner_groups || []).flatMap((g) => g.runner_ids || []));
  const runners = new Set((state.runners || []).map((r) => r.id));
  const groups = new Set((state.runner_groups || []).map((g) => g.id));
  const seen = new Set();
  const out = [];
  for (const it of state.runner_layout || []) {
    const key = `${it.type}:${it.id}`;
    if (seen.has(key)) continue;
    if (it.type === 'runner' && runners.has(it.id) && !grouped.has(it.id)) out.push(it);
    else if (it.type === 'group' && groups.has(it.id)) out.push(it);
    else continue;
    seen.add(key);
  }
  for (const r of state.runners || []) {
    if (!grouped.has(r.id) && !seen.has(`runner:${r.id}`)) out.push({ type: 'runner', id: r.id });
  }
  for (const g of state.runner_groups || []) {
    if (!seen.has(`group:${g.id}`)) out.push({ type: 'group', id: g.id });
  }
  return out;
}
