// guidepost default theme: small enhancements on top of pages that work without JavaScript.
(function () {
  "use strict";
  // On a narrow screen the guide list starts folded so the guide itself comes first.
  var toggle = document.querySelector(".nav-toggle");
  if (toggle && window.matchMedia("(max-width: 50rem)").matches) {
    toggle.open = false;
  }
})();
