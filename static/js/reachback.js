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
