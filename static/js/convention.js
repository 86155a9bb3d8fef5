// The convention's print button: shown only when the script runs, so that it never does nothing.
(function () {
  "use strict";
  document.querySelectorAll("[data-imprimer]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();
