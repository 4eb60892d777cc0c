/* carepath's additions to Material for MkDocs: search from files, search loaded only when used,
   keyboard fixes, and the quick exit. Loaded before Material's bundle. Talks to no other
   host and stores nothing. */
(function () {
  "use strict";

  /* Search from files. Browsers refuse to start a Web Worker from a file: URL, so Material's
     search worker runs in a hidden frame of this page instead (the idea of Material's own
     iframe-worker shim, which it would otherwise load from a remote host). Material's worker finds
     its lunr language files through the name IFrameWorker, and the index through search_index.js. */
  if (location.protocol === "file:") {
    var load = function (doc, url) {
      return new Promise(function (resolve, reject) {
        var script = doc.createElement("script");
        script.src = url;
        script.onload = resolve;
        script.onerror = reject;
        doc.body.appendChild(script);
      });
    };
    class FrameWorker extends EventTarget {
      constructor(url) {
        super();
        this.onmessage = this.onerror = null;
        this.frame = document.createElement("iframe");
        this.frame.hidden = true;
        this.frame.tabIndex = -1;
        document.body.appendChild(this.frame);
        var scope = this.frame.contentWindow;
        scope.postMessage = (data) => setTimeout(() => this.emit(new MessageEvent("message", { data: data })));
        scope.importScripts = (...urls) =>
          urls.reduce((done, next) => done.then(() => load(scope.document, next)), Promise.resolve());
        this.ready = load(scope.document, url).catch((error) =>
          this.emit(new ErrorEvent("error", { message: "search could not start", error: error })));
      }
      emit(event) {
        this.dispatchEvent(event);
        var handler = event.type === "message" ? this.onmessage : this.onerror;
        if (handler) handler.call(this, event);
      }
      postMessage(data) {
        var scope = this.frame.contentWindow;
        this.ready.then(() => scope.dispatchEvent(new MessageEvent("message", { data: structuredClone(data) })));
      }
      terminate() {
        this.frame.remove();
      }
    }
    window.IFrameWorker = FrameWorker;
    window.Worker = FrameWorker;
  }

  /* Search loads only when someone opens it. Material fetches the search index and starts its
     search worker (about 25 KB together on a small site, growing with the toolkit) on every first
     visit; most readers never search, and many pay for every byte. The index request waits until
     the search box gets focus or opens, and the worker starts with the first message Material
     sends it, which is the index. */
  if (location.protocol !== "file:") {
    var wanted = new Promise(function (resolve) {
      if (new URLSearchParams(location.search).has("h")) resolve();  // came from a search result
      document.addEventListener("focusin", function (event) {
        if (event.target instanceof Element && event.target.closest(".md-search")) resolve();
      });
      document.addEventListener("change", function (event) {
        if (event.target instanceof Element && event.target.matches("[data-md-toggle=search]")) resolve();
      });
    });
    var open = XMLHttpRequest.prototype.open;
    var send = XMLHttpRequest.prototype.send;
    XMLHttpRequest.prototype.open = function (method, url) {
      this.cpWait = /\/search\/search_index\.json$/.test(new URL(String(url), location.href).pathname);
      return open.apply(this, arguments);
    };
    XMLHttpRequest.prototype.send = function () {
      var request = this, args = arguments;
      if (!request.cpWait) return send.apply(request, args);
      wanted.then(function () { send.apply(request, args); });
    };
    var RealWorker = window.Worker;
    class LazyWorker extends EventTarget {
      constructor(url, options) {
        super();
        this.onmessage = this.onerror = null;
        this.start = () => {
          if (this.worker) return this.worker;
          this.worker = new RealWorker(url, options);
          this.worker.onmessage = (event) => this.emit(new MessageEvent("message", { data: event.data }));
          this.worker.onerror = (event) => this.emit(new ErrorEvent("error", { message: event.message }));
          return this.worker;
        };
      }
      emit(event) {
        this.dispatchEvent(event);
        var handler = event.type === "message" ? this.onmessage : this.onerror;
        if (handler) handler.call(this, event);
      }
      postMessage(data) {
        this.start().postMessage(data);
      }
      terminate() {
        if (this.worker) this.worker.terminate();
      }
    }
    window.Worker = LazyWorker;
  }

  /* Keyboard: on narrow screens Material opens its menu and its search with <label>s, which the
     Tab key skips. Make them buttons, named like what they open, that Enter and Space press. */
  var names = { __drawer: ".md-nav--primary", __search: ".md-search__input" };
  document.querySelectorAll(".md-header label.md-header__button[for]").forEach(function (label) {
    var named = names[label.htmlFor] && document.querySelector(names[label.htmlFor]);
    if (!named) return;
    label.setAttribute("role", "button");
    label.setAttribute("tabindex", "0");
    label.setAttribute("aria-label", named.getAttribute("aria-label") || "");
    label.addEventListener("keydown", function (event) {
      if (event.key !== " ") return;  // Material itself clicks a focused label on Enter
      event.preventDefault();
      label.click();
    });
  });
  /* The menu opened from the keyboard: focus its first link. Escape closes it again (with the quick
     exit on, too: like the search, an open menu closes first, and the next Escape leaves). */
  var drawer = document.getElementById("__drawer");
  var opener = document.querySelector('.md-header label[for="__drawer"]');
  if (drawer && opener) {
    drawer.addEventListener("change", function () {
      var first = document.querySelector(".md-sidebar--primary .md-nav__link[href]");
      if (drawer.checked && document.activeElement === opener && first) first.focus();
    });
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape" || !drawer.checked) return;
      drawer.checked = false;
      opener.focus();
    });
  }

  /* Wide tables scroll sideways in a box of their own on a narrow screen or with large text:
     make such a box reachable by keyboard (Tab, then the arrow keys), or keyboard users cannot
     scroll it. Checked again whenever the box or its table changes size. */
  var scrollable = function (box) {
    if (box.scrollWidth > box.clientWidth) box.setAttribute("tabindex", "0");
    else box.removeAttribute("tabindex");
  };
  window.addEventListener("load", function () {
    var boxes = document.querySelectorAll(".md-typeset__scrollwrap");
    if (!boxes.length || !window.ResizeObserver) return;
    var watch = new ResizeObserver(function () { boxes.forEach(scrollable); });
    boxes.forEach(function (box) {
      watch.observe(box);
      if (box.firstElementChild) watch.observe(box.firstElementChild);
    });
  });

  /* The services page's finder. The cards carry what they are filtered on (data-cp-*); "Open now" is
     worked out here, on the reader's device, in the toolkit's time zone (Intl follows its daylight
     saving), with a closing time earlier than the opening one on the next day and the closed dates.
     Nothing is stored or sent; without JavaScript the form stays hidden and every service shows. */
  var finder = document.getElementById("cp-finder");
  var cards = Array.prototype.slice.call(document.querySelectorAll(".cp-service[data-cp-status]"));
  if (finder && cards.length) {
    var DAYS = ["su", "mo", "tu", "we", "th", "fr", "sa"];
    var zone = finder.getAttribute("data-timezone");
    var minutes = function (time) {
      var parts = time.split(":");
      return Number(parts[0]) * 60 + Number(parts[1]);
    };
    /* The day, the day before and the minute of the day, where the toolkit is. */
    var local = function (now) {
      var parts = {};
      new Intl.DateTimeFormat("en-US", {
        timeZone: zone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
        hour: "2-digit", minute: "2-digit"
      }).formatToParts(now).forEach(function (part) { parts[part.type] = part.value; });
      var today = new Date(Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day)));
      var yesterday = new Date(today.getTime() - 86400000);
      return {
        day: DAYS[today.getUTCDay()], date: today.toISOString().slice(0, 10),
        before: DAYS[yesterday.getUTCDay()], beforeDate: yesterday.toISOString().slice(0, 10),
        minute: (Number(parts.hour) % 24) * 60 + Number(parts.minute)
      };
    };
    var openNow = function (card, when) {
      if (card.getAttribute("data-cp-status") !== "active") return false;
      var closed = (card.getAttribute("data-cp-closed") || "").split(" ");
      var hours = card.getAttribute("data-cp-hours");
      if (!hours) return false;
      if (hours === "24/7") return closed.indexOf(when.date) < 0;
      return hours.split(";").some(function (line) {
        var days = line.split(" ")[0].split(","), span = line.split(" ")[1].split("-");
        var opens = minutes(span[0]), closes = minutes(span[1]);
        if (closes > opens) {
          return days.indexOf(when.day) >= 0 && closed.indexOf(when.date) < 0 &&
            when.minute >= opens && when.minute < closes;
        }
        /* past midnight: the evening of an opening day, or the small hours after one */
        return (days.indexOf(when.day) >= 0 && closed.indexOf(when.date) < 0 && when.minute >= opens) ||
          (days.indexOf(when.before) >= 0 && closed.indexOf(when.beforeDate) < 0 && when.minute < closes);
      });
    };
    var words = function (attribute, card) {
      return (card.getAttribute(attribute) || "").split(" ");
    };
    var matches = function (card, wanted, when) {
      if (wanted.language && words("data-cp-languages", card).indexOf(wanted.language) < 0) return false;
      if (wanted.cost && card.getAttribute("data-cp-cost") !== wanted.cost) return false;
      if (wanted.access && words("data-cp-access", card).indexOf(wanted.access) < 0) return false;
      if (wanted.accessibility && words("data-cp-accessibility", card).indexOf(wanted.accessibility) < 0) return false;
      if (wanted.age !== "") {
        var ages = (card.getAttribute("data-cp-ages") || "-").split("-"), age = Number(wanted.age);
        if ((ages[0] !== "" && age < Number(ages[0])) || (ages[1] !== "" && age > Number(ages[1]))) return false;
      }
      return !wanted.open || openNow(card, when);
    };
    var count = finder.querySelector(".cp-finder__count"), none = finder.querySelector(".cp-finder__none");
    var apply = function () {
      var wanted = { age: "" };
      Array.prototype.forEach.call(finder.elements, function (field) {
        if (field.name) wanted[field.name] = field.type === "checkbox" ? field.checked : field.value.trim();
      });
      var when = wanted.open ? local(new Date()) : null, shown = 0;
      cards.forEach(function (card) {
        card.hidden = !matches(card, wanted, when);
        if (!card.hidden) shown += 1;
      });
      /* a group whose services are all hidden hides its heading too */
      document.querySelectorAll(".md-content h2[id^='need-']").forEach(function (heading) {
        var next = heading.nextElementSibling, any = false;
        while (next && next.tagName !== "H2") {
          if (next.matches(".cp-service") && !next.hidden) any = true;
          next = next.nextElementSibling;
        }
        heading.hidden = !any;
      });
      count.textContent = finder.getAttribute("data-count")
        .replace("{count}", String(shown)).replace("{total}", String(cards.length));
      none.hidden = shown > 0;
    };
    var first = document.querySelector(".md-content h2[id^='need-']");
    if (first) first.parentNode.insertBefore(finder, first);
    finder.hidden = false;
    finder.addEventListener("input", apply);
    finder.addEventListener("change", apply);
    finder.addEventListener("submit", function (event) { event.preventDefault(); });
    finder.addEventListener("reset", function () { setTimeout(apply); });
  }

  /* Quick exit (mkdocs.yml: extra.carepath_quick_exit, on in the example). One tap on the control or
     the Escape key replaces this page by a neutral one. While it is on, moving between pages of the
     site replaces the current history entry instead of adding one, so the whole visit is a single
     entry, and after leaving, Back does not come back here (where the browser allows). */
  var exit = document.querySelector("[data-cp-exit]");
  if (!exit) return;

  var leave = function () {
    var url = exit.href;
    document.title = "";
    document.documentElement.hidden = true;  // nothing of the page stays on screen while it goes
    location.replace(url);
  };

  exit.addEventListener("click", function (event) {
    event.preventDefault();
    leave();
  });

  /* Capture phase: seen before Material closes its search with the same key. */
  window.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || event.defaultPrevented) return;
    var search = document.querySelector("[data-md-toggle=search]");
    if (search && search.checked) return;  // Escape closes the search first; press again to leave
    if (drawer && drawer.checked) return;  // and the menu, on a narrow screen
    leave();
  }, true);

  document.addEventListener("click", function (event) {
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    var link = event.target instanceof Element ? event.target.closest("a[href]") : null;
    if (!link || link === exit || link.hasAttribute("download")) return;
    if (link.target && link.target !== "_self") return;
    var url = new URL(link.href, location.href);
    if (url.protocol !== location.protocol || url.host !== location.host) return;  // tel:, other sites
    event.preventDefault();
    location.replace(url.href);
  });
})();
