// Counts a section as read once half of it has been on screen (one count per reader).
(function () {
  if (!("IntersectionObserver" in window)) return;
  var sent = {};
  var observer = new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      var url = entry.target.getAttribute("data-seen-url");
      if (!entry.isIntersecting || sent[url]) return;
      sent[url] = true;
      fetch(url, { method: "POST", credentials: "same-origin", keepalive: true });
      observer.unobserve(entry.target);
    });
  }, { threshold: 0.5 });
  document.querySelectorAll("[data-seen-url]").forEach(function (el) { observer.observe(el); });
})();
