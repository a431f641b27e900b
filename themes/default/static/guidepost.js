// guidepost default theme: small enhancements on top of pages that work without JavaScript.
(function () {
  "use strict";

  // On a narrow screen the guide list starts folded so the guide itself comes first.
  var toggle = document.querySelector(".nav-toggle");
  if (toggle && window.matchMedia("(max-width: 50rem)").matches) {
    toggle.open = false;
  }

  // Lightbox: a screenshot's link (figure > a) opens the full-size image in a modal
  // dialog over the page. Without JavaScript the link simply opens the image.
  var dialog = null;
  var opener = null;

  function buildDialog() {
    dialog = document.createElement("dialog");
    dialog.className = "lightbox";
    dialog.innerHTML =
      '<button type="button" class="lightbox-close" aria-label="Close the screenshot">\u00d7</button>' +
      '<figure class="lightbox-figure"><img alt=""><figcaption></figcaption></figure>';
    dialog.addEventListener("click", function (event) {
      // A click on the dark area around the picture (the dialog itself) closes it.
      if (event.target === dialog || event.target.classList.contains("lightbox-figure")) {
        dialog.close();
      }
    });
    dialog.querySelector(".lightbox-close").addEventListener("click", function () {
      dialog.close();
    });
    dialog.addEventListener("close", function () {
      if (opener) opener.focus();
    });
    document.body.appendChild(dialog);
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("figure > a") : null;
    if (!link || link.closest(".lightbox")) return;
    if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    var thumb = link.querySelector("img");
    if (!thumb) return;
    event.preventDefault();
    if (!dialog) buildDialog();
    opener = link;
    var big = dialog.querySelector("img");
    big.src = link.href;
    big.alt = thumb.alt;
    var caption = link.parentNode.querySelector("figcaption");
    var text = caption ? caption.textContent : "";
    dialog.querySelector("figcaption").textContent = text;
    dialog.setAttribute("aria-label", "Screenshot: " + (thumb.alt || text || "full size"));
    dialog.showModal();
    dialog.querySelector(".lightbox-close").focus();
  });
})();
