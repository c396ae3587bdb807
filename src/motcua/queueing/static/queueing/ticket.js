// The ticket page: print it on the kiosk's 80 mm printer (the print CSS keeps the ticket only).
(function () {
  "use strict";
  var button = document.getElementById("print-ticket");
  if (button) {
    button.addEventListener("click", function () { window.print(); });
  }
}());
