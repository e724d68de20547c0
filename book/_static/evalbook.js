/* Small additions to the book's pages (loaded after the extensions' scripts).
 *
 * 1. sphinx-copybutton 0.5.2 has no Dutch messages: they are added to its global `messages`
 *    and chosen before it adds its buttons (at DOMContentLoaded).
 * 2. Sphinx 7.4's Dutch catalog for its scripts leaves a few messages of the search page empty
 *    (the result count among them): they are filled in here.
 * 3. A table output wider than the column scrolls sideways; its container is marked so the
 *    style sheet can show that there is more to see (evalbook.css, "scroll hint"), and named
 *    for screen readers by the table's caption.
 * 4. Figures open enlarged (below).
 */
if (typeof messages !== "undefined" && typeof locale !== "undefined") {
  messages.nl = {
    copy: "Kopiëren",
    copy_to_clipboard: "Kopiëren naar het klembord",
    copy_success: "Gekopieerd",
    copy_failure: "Kopiëren mislukt",
  };
  locale = "nl"; // eslint-disable-line no-global-assign
  const title = (svg, text) => svg.replace(/<title>.*?<\/title>/, `<title>${text}</title>`);
  iconCheck = title(iconCheck, messages.nl.copy_success); // eslint-disable-line no-global-assign
  iconCopy = title(iconCopy, messages.nl.copy_to_clipboard); // eslint-disable-line no-global-assign
}

if (typeof Documentation !== "undefined" && Documentation.TRANSLATIONS) {
  const missing = {
    "Search finished, found ${resultCount} page(s) matching the search query.":
      "Zoeken klaar: ${resultCount} pagina('s) gevonden.",
    "Searching for multiple words only shows matches that contain\n    all words.":
      "Bij meer zoekwoorden verschijnen alleen pagina's met al die woorden.",
    "Table of Contents": "Inhoudsopgave",
  };
  for (const [message, dutch] of Object.entries(missing)) {
    if (!Documentation.TRANSLATIONS[message]) Documentation.TRANSLATIONS[message] = dutch;
  }
}

(() => {
  const SCROLLERS = ".cell_output > .output, .pst-scrollable-table-container";
  const mark = () => {
    document.querySelectorAll(SCROLLERS).forEach((box) => {
      const table = box.querySelector("table");
      if (table === null) return;
      const overflowing = box.scrollWidth > box.clientWidth + 1;
      box.classList.toggle("evalbook-scrolls", overflowing);
      if (overflowing) {
        // named by the table's own caption ("Tabel 2. Uitkomsten ..."), as the chapter numbers it
        const caption = table.caption ? table.caption.textContent.trim().replace(/\.$/, "") : "Tabel";
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", `${caption}; schuif opzij voor de overige kolommen`);
      } else {
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    });
  };
  window.addEventListener("load", mark);
  window.addEventListener("resize", mark);
})();

/* 4. A figure opens enlarged when tapped or clicked (or with Enter or the space bar): in a
 *    dialog at its natural size, which scrolls on a small screen, so that its text is as large
 *    as it was drawn. The figure keeps its place in the page (the PDFs print the page as is). */
(() => {
  const open = () => {
    const figures = document.querySelectorAll("article.bd-article .cell_output img");
    if (figures.length === 0) return;
    const dialog = document.createElement("dialog");
    dialog.className = "evalbook-zoom";
    dialog.setAttribute("aria-label", "Vergrote figuur");
    dialog.innerHTML =
      '<button type="button" class="evalbook-zoom__close">Sluiten</button>' +
      '<div class="evalbook-zoom__frame"><img alt=""></div>';
    document.body.append(dialog);
    const big = dialog.querySelector("img");
    dialog.querySelector("button").addEventListener("click", () => dialog.close());
    dialog.addEventListener("click", (event) => {
      if (event.target === dialog) dialog.close();
    });
    figures.forEach((img) => {
      img.classList.add("evalbook-zoomable");
      img.setAttribute("role", "button");
      img.setAttribute("tabindex", "0");
      img.setAttribute("aria-haspopup", "dialog");
      img.title = "Vergroten";
      const show = () => {
        big.src = img.currentSrc || img.src;
        big.alt = img.alt;
        big.style.width = `${Math.max(img.naturalWidth, img.getBoundingClientRect().width)}px`;
        dialog.showModal();
      };
      img.addEventListener("click", show);
      img.addEventListener("keydown", (event) => {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          show();
        }
      });
    });
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", open);
  else open();
})();
