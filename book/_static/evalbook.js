/* Small additions to the book's pages (loaded after the extensions' scripts).
 *
 * 1. sphinx-copybutton 0.5.2 has no Dutch messages: they are added to its global `messages`
 *    and chosen before it adds its buttons (at DOMContentLoaded).
 * 2. Sphinx 7.4's Dutch catalog for its scripts leaves a few messages of the search page empty
 *    (the result count among them): they are filled in here.
 * 3. A table output wider than the column scrolls sideways; its container is marked so the
 *    style sheet can show that there is more to see (evalbook.css, "scroll hint"), and named
 *    for screen readers by the table's caption.
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
