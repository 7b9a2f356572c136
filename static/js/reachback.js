/* Reachback progressive enhancement. Every page works without this file.
   data-confirm="Question?" on a <form> (or on its submit button) asks before submitting. */
(function () {
  "use strict";
  document.addEventListener("submit", function (e) {
    var form = e.target, btn = e.submitter;
    var msg = (btn && btn.getAttribute("data-confirm")) ||
              (form && form.getAttribute && form.getAttribute("data-confirm"));
    if (msg && !window.confirm(msg)) {
      e.preventDefault();
    }
  });
})();

/* Search before asking: while a question is typed on the new-query form
   (form[data-similar-url]), show published responses similar to its title and question in
   #similar-answers. Debounced, one request at a time, text only (no HTML from the server). */
(function () {
  "use strict";
  var form = document.querySelector("form[data-similar-url]");
  var box = document.getElementById("similar-answers");
  if (!form || !box || !window.fetch || !window.URLSearchParams) { return; }
  var list = box.querySelector("[data-similar-list]");
  var title = form.elements.namedItem("title"), question = form.elements.namedItem("question");
  var timer = null, last = "", seq = 0;

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text) { node.textContent = text; }
    if (cls) { node.className = cls; }
    return node;
  }

  function render(items) {
    while (list.firstChild) { list.removeChild(list.firstChild); }
    if (!items.length) { box.hidden = true; return; }
    // The texts come in the page's language from the box's data attributes.
    list.appendChild(el("p", box.getAttribute("data-intro") ||
                        "These published responses look similar to your question. " +
                        "Each opens in a new tab, so nothing you typed is lost."));
    var ul = el("ul");
    items.forEach(function (item) {
      var li = el("li"), a = el("a", item.title);
      a.href = item.url; a.target = "_blank"; a.rel = "noopener";
      a.appendChild(el("span", " " + (box.getAttribute("data-new-tab") || "(opens in a new tab)"),
                       "visually-hidden"));
      li.appendChild(a);
      li.appendChild(document.createTextNode(" "));
      li.appendChild(el("span", item.ref, "ref"));
      if (item.summary) {
        li.appendChild(el("br"));
        var s = item.summary.length > 200 ? item.summary.slice(0, 199) + "…" : item.summary;
        li.appendChild(el("span", s, "small muted"));
      }
      ul.appendChild(li);
    });
    list.appendChild(ul);
    box.hidden = false;
  }

  function check() {
    var t = (title && title.value || "").trim(), q = (question && question.value || "").trim();
    var key = t + "\n" + q.slice(0, 2000);
    if (key === last) { return; }
    last = key;
    if ((t + " " + q).length < 12) { render([]); return; }
    var mine = ++seq;
    var params = new URLSearchParams({title: t, question: q.slice(0, 2000)});
    fetch(form.getAttribute("data-similar-url") + "?" + params.toString(),
          {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data && mine === seq) { render(data.items || []); } })
      .catch(function () { /* offline or slow: the button still works */ });
  }

  function later() {
    window.clearTimeout(timer);
    timer = window.setTimeout(check, 600);
  }
  [title, question].forEach(function (field) {
    if (field) { field.addEventListener("input", later); }
  });
})();

/* A long checklist (div[data-filter], the countries): a box above it hides the choices
   that do not contain what is typed (accents and case ignored). Without this file, the
   list is there whole, the chosen ones first. */
(function () {
  "use strict";
  function fold(text) {
    var s = text.toLowerCase();
    return s.normalize ? s.normalize("NFD").replace(/[\u0300-\u036f]/g, "") : s;
  }
  Array.prototype.forEach.call(document.querySelectorAll("div[data-filter]"), function (list) {
    var box = document.createElement("input"), label = list.getAttribute("data-filter");
    var items = list.querySelectorAll(".choice");
    box.type = "search";
    box.className = "checklist-filter";
    box.setAttribute("aria-label", label);
    box.placeholder = label;
    box.addEventListener("input", function () {
      var words = fold(box.value.trim());
      Array.prototype.forEach.call(items, function (item) {
        item.hidden = words !== "" && fold(item.textContent).indexOf(words) === -1;
      });
    });
    box.addEventListener("keydown", function (e) {
      if (e.key === "Enter") { e.preventDefault(); }  // filtering, not sending the form
    });
    list.parentNode.insertBefore(box, list);
  });
})();
