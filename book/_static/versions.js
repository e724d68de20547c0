/* The version menu (book/_templates/components/evalbook-versions.html).
 *
 * Reads switcher.json at the root of this build, written by evalbook.book.html.write_switcher:
 * every released version that is archived, and the working build, with URLs relative to the
 * file itself. Nothing here knows where the book is served from, so it works under any base
 * path (a GitHub Pages project site lives under /<repository>/). Each entry links to this same
 * page in that version; when the page does not exist there, to that version's start page.
 */
(() => {
  const open = async (event, base) => {
    event.preventDefault();
    const target = event.currentTarget.href;
    try {
      const head = await fetch(target, { method: "HEAD" });
      location.href = head.ok ? target : new URL("index.html", base).href;
    } catch {
      location.href = new URL("index.html", base).href;
    }
  };

  const setUp = async () => {
    const menu = document.querySelector(".evalbook-versions");
    if (!menu || location.protocol === "file:") return; // browsers do not fetch() from file://
    const root = new URL(document.documentElement.dataset.content_root || "./", location.href);
    const source = new URL("switcher.json", root);
    let entries;
    try {
      const response = await fetch(source);
      if (!response.ok) return;
      entries = await response.json();
    } catch {
      return;
    }
    const page = location.pathname.startsWith(root.pathname) ? location.pathname.slice(root.pathname.length) : "";
    const list = menu.querySelector(".evalbook-versions__menu");
    for (const entry of entries) {
      const base = new URL(entry.url, source);
      const link = document.createElement("a");
      link.href = new URL(page, base).pathname;
      link.textContent = entry.name;
      if (base.href === root.href) {
        link.setAttribute("aria-current", "page");
        menu.querySelector(".evalbook-versions__current").textContent = entry.name;
      }
      link.addEventListener("click", (event) => open(event, base));
      const item = document.createElement("li");
      item.append(link);
      list.append(item);
    }
    menu.classList.add("evalbook-versions--ready");
  };

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUp);
  else setUp();
})();
