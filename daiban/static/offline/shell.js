/* The agent's offline pages (issue 21): capture with no signal, keep it on the phone
   (IndexedDB, daiban/static/offline/idb.js), send it once, in order, with the captured
   time and an Idempotency-Key per request, and show every conflict until it is resolved.
   Every word shown comes from the page (#offline-texts), translated by the server. */
"use strict";
(function () {
  const root = document.getElementById("shell");
  if (!root) return;
  const T = JSON.parse(document.getElementById("offline-texts").textContent);
  const S = window.DaibanStore;
  const USER = root.dataset.user;
  const API = root.dataset.api;
  const $ = (sel, el) => (el || document).querySelector(sel);
  const $$ = (sel, el) => Array.from((el || document).querySelectorAll(sel));
  const PATHS = {request_supplement: "supplement", reply: "reply", close: "close"};
  let snap = null;
  let ids = {};
  let queue = [];
  let syncing = false;

  function fmt(text, values) { return text.replace(/%\((\w+)\)s/g, (m, k) => (k in values ? values[k] : "")); }
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => { if (k === "text") node.textContent = v; else node.setAttribute(k, v); });
    children.forEach((c) => c && node.append(c));
    return node;
  }
  function when(iso) { return new Date(iso).toLocaleString(); }
  function say(text) { const p = $("[data-status]"); p.textContent = text || ""; p.hidden = !text; }
  function csrf() { const m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/); return m ? decodeURIComponent(m[1]) : ""; }
  function item(code) { return ((snap && snap.items) || []).find((i) => i.code === code); }
  function residentName(ref) {
    if (ref.local) { const q = queue.find((i) => i.key === ref.local); return q ? q.data.name : ""; }
    const r = ((snap && snap.residents) || []).find((x) => x.id === ref.id);
    return r ? r.name : "";
  }

  // ── Views ────────────────────────────────────────────────────────────────
  function route() {
    const id = (location.hash || "#queue").slice(1);
    const known = $$("[data-view]").some((v) => v.id === id);
    $$("[data-view]").forEach((v) => { v.hidden = v.id !== (known ? id : "queue"); });
  }
  window.addEventListener("hashchange", route);

  function options(select, rows, optional) {
    select.replaceChildren(el("option", {value: "", text: optional ? T.none : T.choose}));
    rows.forEach(([value, label]) => select.append(el("option", {value: value, text: label})));
  }

  function render() {
    const residents = ((snap && snap.residents) || []).map((r) => [String(r.id), r.name + " · " + r.id_number_masked]);
    queue.filter((i) => i.kind === "resident" && i.state === "pending").forEach((i) => residents.push(["local:" + i.key, i.data.name + " (" + T.not_sent + ")"]));
    $$("[data-residents]").forEach((s) => options(s, residents, "optional" in s.dataset));
    const items = ((snap && snap.items) || []).filter((i) => i.proxy_allowed).map((i) => [i.code, i.name]);
    $$("[data-items]").forEach((s) => options(s, items, "optional" in s.dataset));
    options($("[data-hamlets]"), ((snap && snap.hamlets) || []).map((h) => [h.code, h.name]), true);
    renderMaterials();
    renderGuide();
    renderCases();
    $("[data-resident-list]").replaceChildren(...((snap && snap.residents) || []).map((r) =>
      el("li", {class: "card"}, el("strong", {text: r.name}), el("span", {text: [r.id_number_masked, r.phone_masked, r.hamlet].filter(Boolean).join(" · ")}))));
    renderQueue();
    if (!snap) say(T.no_data);
  }

  function describe(m) {
    return m.name + " · " + (m.kind === "original" ? T.original : T.copy) + " ×" + m.count + (m.required ? " · " + T.required : "") + (m.notes ? " · " + m.notes : "");
  }

  function renderGuide() {
    $("[data-guide]").replaceChildren(...((snap && snap.items) || []).map((i) =>
      el("details", {}, el("summary", {text: i.name}),
        el("p", {text: [fmt(T.days, {days: i.promised_days}), i.fee, i.proxy_allowed ? "" : i.in_person_note].filter(Boolean).join(" · ")}),
        el("p", {text: i.conditions}),
        el("ul", {}, ...i.materials.map((m) => el("li", {text: describe(m)}))))));
  }

  function renderMaterials() {
    const form = $("[data-form=case]");
    const chosen = item(form.item.value);
    $("[data-materials]", form).replaceChildren(...(chosen ? chosen.materials : []).map((m) =>
      el("label", {class: "tick"}, el("input", {type: "checkbox", name: "material", value: String(m.id)}), " " + describe(m))));
    verdict();
  }

  function verdict() {
    const form = $("[data-form=case]");
    const chosen = item(form.item.value);
    if (!chosen) { $("[data-verdict]").textContent = ""; return; }
    const ticked = $$("input[name=material]:checked", form).map((c) => Number(c.value));
    const missing = chosen.materials.filter((m) => m.required && !ticked.includes(m.id));
    $("[data-verdict]").textContent = missing.length ? fmt(T.missing, {names: missing.map((m) => m.name).join("、")}) : T.complete;
  }

  function renderCases() {
    $("[data-cases]").replaceChildren(...((snap && snap.cases) || []).map((c) =>
      el("li", {class: "card"},
        el("strong", {text: c.item_name + " · " + c.resident_name}),
        el("span", {text: [c.number, c.state_label, c.due_date].filter(Boolean).join(" · ")}),
        ...c.steps.filter((s) => s in PATHS).map((s) => {
          const b = el("button", {type: "button", text: T[s]});
          b.addEventListener("click", () => openStep(c, s));
          return b;
        }))));
  }

  function openStep(c, step) {
    const form = $("[data-form=step]");
    form.reset();
    form.case.value = c.id;
    form.step.value = step;
    $("[data-step-title]").textContent = T[step] + " · " + (c.number || c.item_name) + " · " + c.resident_name;
    $$("[data-for]", form).forEach((d) => { d.hidden = d.dataset.for !== step; });
    const chosen = item(c.item);
    $("[data-missing]", form).replaceChildren(...(chosen ? chosen.materials : []).map((m) =>
      el("label", {class: "tick"}, el("input", {type: "checkbox", name: "missing", value: String(m.id)}), " " + m.name)));
    location.hash = "#step";
  }

  function state(i) { return {pending: T.pending, done: T.synced, conflict: T.conflict, error: T.error, discarded: T.discarded}[i.state]; }

  function renderQueue() {
    const waiting = queue.filter((i) => i.state !== "done" && i.state !== "discarded").length;
    $("[data-count]").textContent = waiting ? "(" + waiting + ")" : "";
    const last = localStorage.getItem("daiban-sync-u" + USER);
    $("[data-synced-at]").textContent = last ? fmt(T.last_sync, {time: when(last)}) : T.never_synced;
    $("[data-queue]").replaceChildren(...queue.slice().reverse().map(entry));
  }

  function entry(i) {
    const li = el("li", {class: "card " + ({conflict: "overdue", error: "overdue", pending: "due_soon", done: "on_time"}[i.state] || ""), "data-entry": i.key, "data-state": i.state},
      el("strong", {text: T[i.kind] + " · " + i.label}),
      el("span", {text: fmt(T.captured, {time: when(i.at)}) + " · " + state(i)}));
    if (i.result && i.result.number) {
      li.append(el("span", {text: fmt(T.case_done, {number: i.result.number, code: i.result.tracking_code || ""})}));
      li.append(el("a", {class: "button", href: "/cases/" + i.result.id + "/receipt.pdf", text: T.receipt}));
    }
    if (i.kind === "case" && i.state !== "discarded") {
      const b = el("button", {type: "button", text: T.slip});
      b.addEventListener("click", () => slip(i));
      li.append(b);
    }
    if (i.state === "conflict" || i.state === "error") {
      const server = i.server || {};
      li.append(el("p", {class: "error", text: server.message || ""}));
      if (server.resident) li.append(el("p", {text: T.server_version + " " + [server.resident.name, server.resident.id_number_masked, server.resident.phone_masked].join(" · ")}));
      if (server.case) li.append(el("p", {text: T.server_version + " " + [server.case.number, server.case.state, "v" + server.case.version].filter(Boolean).join(" · ")}));
      if (server.resident) li.append(action(T.use_existing, i, () => { ids[i.key] = server.resident.id; i.result = server.resident; finish(i); }));
      if (i.kind === "case" && !i.caseId && server.code === "conflict") li.append(action(T.open_anyway, i, () => { i.dup = true; i.state = "pending"; }));
      if (server.case) li.append(action(T.apply_now, i, () => { i.retry = {version: server.case.version, n: ((i.retry && i.retry.n) || 0) + 1}; i.state = "pending"; }));
      const caseId = i.caseId || (i.data && i.data.case);
      if (caseId) li.append(el("a", {class: "button", href: "/cases/" + caseId + "/", text: T.open_case}));
      li.append(action(T.discard, i, () => { if (!window.confirm(T.confirm_discard)) return false; i.state = "discarded"; scrub(i); }, "danger"));
    }
    return li;
  }

  function action(label, i, change, cls) {
    const b = el("button", {type: "button", class: cls || "primary", text: label});
    b.addEventListener("click", async () => {
      if (change() === false) return;
      await S.put(USER, "ids", ids);
      await S.save(USER, i);
      await reload();
      if (navigator.onLine) sync();
    });
    return b;
  }

  function slip(i) {
    const d = i.data;
    const rows = [[T.ref, i.ref], [T.villager, d.residentName], [T.item, d.itemName], [T.materials, d.receivedNames.join("、") || "—"],
      [T.entrustment, d.signed_by || "—"], [T.at, when(i.at)], [T.agent, $("[data-agent]").dataset.agent]];
    if (i.result && i.result.number) rows.push([T.synced, fmt(T.case_done, {number: i.result.number, code: i.result.tracking_code || ""})]);
    $("[data-slip]").replaceChildren(...rows.flatMap(([k, v]) => [el("dt", {text: k}), el("dd", {text: v})]));
    location.hash = "#slip";
  }

  // ── Capture ──────────────────────────────────────────────────────────────
  function ref(value) { return value.startsWith("local:") ? {local: value.slice(6)} : {id: Number(value)}; }

  async function capture(kind, label, data) {
    const key = crypto.randomUUID();
    const i = {key: key, kind: kind, label: label, data: data, at: new Date().toISOString(), state: "pending", ref: key.slice(0, 4).toUpperCase() + "-" + key.slice(4, 8).toUpperCase()};
    await S.save(USER, i);
    await reload();
    say(T.saved);
    if (kind === "case") slip(queue.find((q) => q.key === key)); else location.hash = "#queue";
    if (navigator.onLine) sync();
  }

  const capturers = {
    resident(f) {
      if (!snap) return null;
      return ["resident", f.name.value.trim(), {name: f.name.value.trim(), id_number: f.id_number.value.trim(), phone: f.phone.value.trim(), hamlet: f.hamlet.value, village: snap.village.code}];
    },
    case(f) {
      const chosen = item(f.item.value);
      if (!chosen || !f.resident.value) return null;
      const ticked = $$("input[name=material]:checked", f).map((c) => Number(c.value));
      const got = chosen.materials.filter((m) => ticked.includes(m.id));
      const missing = chosen.materials.filter((m) => m.required && !ticked.includes(m.id));
      if (!missing.length && !f.signed_by.value.trim()) { f.signed_by.required = true; return null; }
      const resident = ref(f.resident.value);
      const name = residentName(resident);
      return ["case", chosen.name + " · " + name, {
        resident: resident, residentName: name, item: chosen.code, itemName: chosen.name,
        received: got.map((m) => ({material_id: m.id, originals: m.kind === "original" ? m.count : 0, copies: m.kind === "copy" ? m.count : 0})),
        receivedNames: got.map((m) => m.name), missing: missing.map((m) => m.id),
        signed_by: f.signed_by.value.trim(), relation: f.relation.value.trim() || "本人",
        signed_on: f.signed_on.value || new Date().toISOString().slice(0, 10), note: f.note.value.trim()}];
    },
    inquiry(f) {
      if (!f.question.value.trim()) return null;
      const resident = f.resident.value ? ref(f.resident.value) : null;
      return ["inquiry", f.question.value.trim().slice(0, 40), {resident: resident, item: f.item.value || null,
        question: f.question.value.trim(), answer: f.answer.value.trim(), asker_name: f.asker_name.value.trim()}];
    },
    step(f) {
      const c = snap.cases.find((x) => x.id === Number(f.case.value));
      const step = f.step.value;
      if (step === "reply" && !f.signed_by.value.trim()) return null;
      const missing = $$("input[name=missing]:checked", f).map((x) => Number(x.value));
      if (step === "request_supplement" && !missing.length && !f.note.value.trim()) return null;
      return ["step", T[step] + " · " + (c.number || c.item_name) + " · " + c.resident_name, {
        case: c.id, version: c.version, step: step, missing: missing, signed_by: f.signed_by.value.trim(),
        method: f.method.value, rating: f.rating.value ? Number(f.rating.value) : null, note: f.note.value.trim()}];
    },
  };

  $$("[data-form]").forEach((form) => form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const got = capturers[form.dataset.form](form);
    if (!got) { say(snap ? T.fill_in : T.no_data); return; }
    await capture(...got);
    form.reset();
    renderMaterials();
  }));
  $("[data-form=case]").item.addEventListener("change", renderMaterials);
  $("[data-form=case]").addEventListener("change", verdict);

  // ── Sync ─────────────────────────────────────────────────────────────────
  class Stop extends Error {}

  async function post(path, body, key) {
    const response = await fetch(API + path, {method: "POST", credentials: "same-origin", redirect: "manual",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrf(), "Idempotency-Key": key}, body: JSON.stringify(body)});
    let data = {};
    try { data = await response.json(); } catch (e) { data = {}; }
    if (response.type === "opaqueredirect" || response.status === 401 || (response.status === 403 && data.code !== "forbidden")) throw new Stop(T.login_again);
    return {status: response.status, data: data};
  }

  function trouble(i, r) {
    i.state = r.status === 409 ? "conflict" : "error";
    i.server = r.data;
    return false;
  }

  function finish(i, result) {
    i.state = "done";
    if (result) i.result = result;
    scrub(i);
  }

  function scrub(i) {
    // What the server now holds leaves the phone: no full ID or phone number stays.
    if (i.kind === "resident") i.data = {name: i.data.name, village: i.data.village};
  }

  function residentId(r) {
    if (!r) return null;
    if (r.id) return r.id;
    if (ids[r.local]) return ids[r.local];
    const source = queue.find((q) => q.key === r.local);
    if (!source || source.state === "discarded") return undefined;
    throw new Stop(T.waiting_for);
  }

  const senders = {
    async resident(i) {
      const d = i.data;
      const r = await post("/residents", {name: d.name, id_number: d.id_number, phone: d.phone, village: d.village, hamlet: d.hamlet || null, uid: i.key}, i.key);
      if (r.status !== 201) return trouble(i, r);
      ids[i.key] = r.data.id;
      await S.put(USER, "ids", ids);
      finish(i, r.data);
      return true;
    },
    async inquiry(i) {
      const d = i.data;
      const resident = residentId(d.resident);
      if (resident === undefined) return trouble(i, {status: 422, data: {message: T.waiting_for}});
      const r = await post("/inquiries", {question: d.question, answer: d.answer, asker_name: d.asker_name, item: d.item, resident: resident, uid: i.key, at: i.at}, i.key);
      if (r.status !== 201) return trouble(i, r);
      finish(i, {id: r.data.id});
      return true;
    },
    async case(i) {
      const d = i.data;
      if (!i.caseId) {
        const resident = residentId(d.resident);
        if (resident === undefined) return trouble(i, {status: 422, data: {message: T.waiting_for}});
        const body = {resident: resident, item: d.item, uid: i.key, at: i.at};
        if (i.dup) body.duplicate_ok = true;
        const r = await post("/cases", body, i.key + (i.dup ? ":dup" : ":open"));
        if (r.status !== 201) return trouble(i, r);
        i.caseId = r.data.id;
        i.version = r.data.version;
        await S.save(USER, i);
      }
      const path = d.missing.length ? "supplement" : "accept";
      const body = d.missing.length
        ? {missing: d.missing, note: d.note, at: i.at, version: i.version}
        : {received: d.received, signed_by: d.signed_by, signed_on: d.signed_on, relation: d.relation, at: i.at, version: i.version};
      return step(i, "/cases/" + i.caseId + "/" + path, body, path);
    },
    async step(i) {
      const d = i.data;
      const body = {request_supplement: {missing: d.missing, note: d.note}, reply: {signed_by: d.signed_by, note: d.note},
        close: {method: d.method, rating: d.rating, note: d.note}}[d.step];
      Object.assign(body, {at: i.at, version: d.version});
      return step(i, "/cases/" + d.case + "/" + PATHS[d.step], body, d.step);
    },
  };

  async function step(i, path, body, name) {
    let key = i.key + ":" + name;
    if (i.retry) {
      // Resolved by the agent: applied now, to the case as the server has it.
      delete body.at;
      body.version = i.retry.version;
      key += ":r" + i.retry.n;
    }
    const r = await post(path, body, key);
    if (r.status !== 200) return trouble(i, r);
    finish(i, {id: r.data.id, number: r.data.number, tracking_code: r.data.tracking_code});
    return true;
  }

  async function sync() {
    if (syncing) return;
    syncing = true;
    say(T.syncing);
    let outcome = T.sync_done;
    try {
      for (const i of await S.queue(USER)) {
        if (i.state === "done" || i.state === "discarded") continue;
        if (i.state !== "pending") { outcome = ""; break; }
        const ok = await senders[i.kind](i);
        await S.save(USER, i);
        if (!ok) { outcome = ""; break; }
      }
      if (outcome) localStorage.setItem("daiban-sync-u" + USER, new Date().toISOString());
    } catch (e) {
      outcome = e instanceof Stop ? e.message : T.sync_dropped;
    }
    syncing = false;
    await fetchSnapshot();
    await reload();
    say(outcome);
    document.dispatchEvent(new CustomEvent("daiban:synced"));
  }
  $("[data-sync]").addEventListener("click", sync);
  window.addEventListener("online", sync);

  async function fetchSnapshot() {
    if (!navigator.onLine) return;
    try {
      const response = await fetch(root.dataset.snapshot, {credentials: "same-origin", redirect: "manual"});
      if (response.ok && response.type !== "opaqueredirect") {
        snap = await response.json();
        await S.put(USER, "snapshot", snap);
      }
    } catch (e) { /* no network: keep the copy */ }
  }

  async function reload() {
    snap = (await S.get(USER, "snapshot")) || null;
    ids = (await S.get(USER, "ids")) || {};
    queue = await S.queue(USER);
    render();
  }

  async function start() {
    route();
    // Ask the browser not to evict the queue under storage pressure (it survives reboots).
    if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(() => {});
    if (window.DaibanIdle) { await S.drop(USER, "snapshot"); }
    else await fetchSnapshot();
    await reload();
    if (window.DaibanIdle) say(T.login_again);
    else if (navigator.onLine && queue.some((i) => i.state === "pending")) sync();
  }
  start();
})();
