// The field diary keeps a half-typed entry in localStorage until the server has it, so a
// lost connection or a closed tab loses nothing. The hidden client token makes a resend
// harmless: the server stores a visit once per token.
(function () {
  "use strict";
  var form = document.getElementById("diary-form");
  if (!form) { return; }
  var key = "brain-draft:" + form.getAttribute("data-draft");
  var fields = ["household", "topic", "notes", "category", "client_token"];
  var note = form.querySelector("[data-draft-note]");

  function save() {
    var draft = {};
    fields.forEach(function (name) {
      var el = form.elements[name];
      if (el) { draft[name] = el.value; }
    });
    draft.label = document.getElementById("d-household-label").value;
    draft.raise = form.elements.raise_case.checked;
    localStorage.setItem(key, JSON.stringify(draft));
    if (note) { note.hidden = false; }
  }

  function restore() {
    var raw = localStorage.getItem(key);
    if (!raw) { return; }
    var draft = JSON.parse(raw);
    var saved = form.getAttribute("data-saved");
    if (saved && draft.client_token === saved) { localStorage.removeItem(key); return; }
    fields.forEach(function (name) {
      var el = form.elements[name];
      if (el && draft[name] && !el.value) { el.value = draft[name]; }
    });
    if (draft.client_token) { form.elements.client_token.value = draft.client_token; }
    document.getElementById("d-household-label").value = draft.label || "";
    form.elements.raise_case.checked = !!draft.raise;
    toggleCase();
    if (note) { note.hidden = false; }
  }

  function toggleCase() {
    document.getElementById("case-part").hidden = !form.elements.raise_case.checked;
  }

  form.addEventListener("input", save);
  form.addEventListener("change", function () { toggleCase(); save(); });
  form.addEventListener("click", function (e) {
    var chip = e.target.closest("[data-topic]");
    if (chip) { form.elements.topic.value = chip.getAttribute("data-topic"); save(); }
  });
  document.querySelector("[data-household-search]").addEventListener("input", function (e) {
    var match = document.querySelector('#households option[value="' + CSS.escape(e.target.value) + '"]');
    form.elements.household.value = match ? match.getAttribute("data-id") : "";
  });
  restore();
})();
