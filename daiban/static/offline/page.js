/* On every page of a village agent (issue 21): install the service worker, show the
   offline banner with the time of the last sync, forget the phone's copy after the idle
   time-out, and warn before a logout deletes entries not yet sent. */
"use strict";
(function () {
  const banner = document.getElementById("offline-banner");
  if (!banner) return;
  const user = banner.dataset.user;
  const seenKey = "daiban-seen-u" + user;
  const syncKey = "daiban-sync-u" + user;
  const idle = Number(banner.dataset.idle) * 1000;

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(banner.dataset.sw, {scope: "/"}).catch(function () {});
  }

  function show() {
    const last = localStorage.getItem(syncKey);
    banner.querySelector("[data-last]").textContent = last
      ? banner.dataset.lastSync.replace("%(time)s", new Date(last).toLocaleString())
      : banner.dataset.never;
    banner.hidden = navigator.onLine;
  }
  window.addEventListener("online", show);
  window.addEventListener("offline", show);
  document.addEventListener("daiban:synced", show);
  show();

  // Idle time-out: past it, the copy of the villagers and the guide is deleted from this
  // phone (entries not yet sent stay: they are the villagers' affairs) and the page asks
  // for a login with a connection.
  // Online, the server has just vouched for the session by sending this page.
  const seen = Number(localStorage.getItem(seenKey) || 0);
  window.DaibanIdle = !navigator.onLine && seen > 0 && Date.now() - seen > idle;
  if (window.DaibanIdle) {
    window.DaibanStore.drop(user, "snapshot").catch(function () {});
    if (window.caches) {
      caches.keys().then((names) => names.filter((n) => n.startsWith("daiban-offline-")).forEach((n) => caches.delete(n)));
    }
  }
  function touch() { localStorage.setItem(seenKey, String(Date.now())); }
  if (!window.DaibanIdle || navigator.onLine) touch();
  ["click", "keydown", "touchstart"].forEach((e) => document.addEventListener(e, touch, {passive: true}));

  // A logout clears the site's storage (Clear-Site-Data): say so if entries are waiting.
  document.querySelectorAll("form[data-logout]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.checked) return;
      event.preventDefault();
      window.DaibanStore.waiting(user).then(function (count) {
        if (!count || window.confirm(banner.dataset.confirmLogout.replace("%(count)s", count))) {
          form.dataset.checked = "1";
          localStorage.removeItem(seenKey);
          localStorage.removeItem(syncKey);
          form.submit();
        }
      }).catch(function () { form.dataset.checked = "1"; form.submit(); });
    });
  });
})();
