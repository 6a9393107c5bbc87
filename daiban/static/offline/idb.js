/* The phone's store for offline work (issue 21): one IndexedDB database per user, with
   "meta" (the snapshot, the ids the server gave) and "queue" (what waits to be sent,
   in the order it was captured). */
"use strict";
window.DaibanStore = (function () {
  function name(user) { return "daiban-offline-u" + user; }
  function open(user) {
    return new Promise(function (ok, fail) {
      const request = indexedDB.open(name(user), 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore("meta");
        request.result.createObjectStore("queue", {keyPath: "n", autoIncrement: true});
      };
      request.onsuccess = function () { ok(request.result); };
      request.onerror = function () { fail(request.error); };
    });
  }
  function run(user, store, mode, work) {
    return open(user).then(function (db) {
      return new Promise(function (ok, fail) {
        const tx = db.transaction(store, mode);
        const request = work(tx.objectStore(store));
        tx.oncomplete = function () { db.close(); ok(request ? request.result : undefined); };
        tx.onerror = function () { db.close(); fail(tx.error); };
      });
    });
  }
  return {
    name: name,
    get: function (user, key) { return run(user, "meta", "readonly", (s) => s.get(key)); },
    put: function (user, key, value) { return run(user, "meta", "readwrite", (s) => s.put(value, key)); },
    drop: function (user, key) { return run(user, "meta", "readwrite", (s) => s.delete(key)); },
    queue: function (user) { return run(user, "queue", "readonly", (s) => s.getAll()); },
    save: function (user, item) { return run(user, "queue", "readwrite", (s) => s.put(item)); },
    waiting: function (user) {
      return this.queue(user).then((items) => items.filter((i) => i.state !== "done" && i.state !== "discarded").length);
    },
  };
})();
