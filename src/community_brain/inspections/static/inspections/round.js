// The phone round form: more finding blocks on demand, and a draft kept in localStorage
// (every typed field, not the photos) until the server has the round, so a lost
// connection or a closed tab loses nothing. The client token makes a resend harmless.
(function () {
  "use strict";
  var saved = document.querySelector("[data-clear-draft]");
  if (saved) { localStorage.removeItem("brain-draft:" + saved.getAttribute("data-clear-draft")); }
  var form = document.getElementById("round-form");
  if (!form) { return; }
  var key = "brain-draft:" + form.getAttribute("data-draft");
  var box = document.getElementById("findings");
  var note = form.querySelector("[data-draft-note]");
  var token = form.elements.client_token;
  if (!token.value) {
    token.value = "round-" + Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 10);
  }

  function blocks() { return box.querySelectorAll("[data-finding]"); }

  function addBlock() {
    var all = blocks();
    var copy = all[all.length - 1].cloneNode(true);
    var index = all.length;
    copy.querySelectorAll("input, select, textarea").forEach(function (el) {
      if (el.name === "f-key") { el.value = String(index); return; }
      if (el.type === "file") { el.name = "f-photos-" + index; el.value = ""; return; }
      el.value = el.tagName === "SELECT" ? el.options[0].value : "";
    });
    copy.querySelector("[data-n]").textContent = String(index + 1);
    box.appendChild(copy);
    return copy;
  }

  function save() {
    var draft = { fields: {}, lists: {}, blocks: blocks().length };
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "file" || el.name === "csrfmiddlewaretoken") { return; }
      (draft.lists[el.name] = draft.lists[el.name] || []).push(el.value);
    });
    localStorage.setItem(key, JSON.stringify(draft));
    if (note) { note.hidden = false; }
  }

  function restore() {
    var raw = localStorage.getItem(key);
    if (!raw || form.querySelector("[data-errors]")) { return; }
    var draft;
    try { draft = JSON.parse(raw); } catch (e) { return; }
    while (blocks().length < (draft.blocks || 0)) { addBlock(); }
    var seen = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      var values = draft.lists && draft.lists[el.name];
      if (!values || el.type === "file" || el.name === "csrfmiddlewaretoken") { return; }
      var i = seen[el.name] = (seen[el.name] === undefined ? 0 : seen[el.name] + 1);
      if (values[i] !== undefined && el.name !== "f-key") { el.value = values[i]; }
    });
    if (note) { note.hidden = false; }
  }

  form.querySelector("[data-add-finding]").addEventListener("click", function () {
    addBlock().querySelector("[name=f-stake]").focus();
    save();
  });
  form.addEventListener("input", save);
  form.addEventListener("change", save);
  restore();
})();
