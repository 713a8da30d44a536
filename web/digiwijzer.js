/*
 * Digiwijzer chat widget. One script tag puts it on any page:
 *
 *   <script src="https://example.nl/digiwijzer/digiwijzer.js" defer
 *           data-server="https://bot.example.nl"
 *           data-title="Digiwijzer"
 *           data-color="#0b5394"
 *           data-adviser-color="#7a3e00"
 *           data-privacy-url="https://example.nl/privacy"></script>
 *
 * Settings may also come from a global set before the script runs (it wins over the
 * attributes): window.DigiwijzerConfig = {server, socketPath, title, color, adviserColor,
 * privacyUrl, greet, storagePrefix}.
 *
 * It talks to Rasa's socket.io channel (bot/channels/socketio.py): `session_request` with a
 * session id kept in localStorage, `user_uttered` / `bot_uttered`. The socket.io client is
 * loaded from vendor/socket.io.min.js next to this file (scripts/web_setup.sh puts it there).
 *
 * No framework. Message text is only ever inserted as text nodes (never innerHTML), and
 * only http(s) links in bot text become links.
 */
(function () {
  "use strict";

  if (window.__digiwijzerLoaded) return;
  window.__digiwijzerLoaded = true;

  var script = document.currentScript;
  var data = (script && script.dataset) || {};
  var global = window.DigiwijzerConfig || {};

  function pick(key, fallback) {
    if (global[key] !== undefined && global[key] !== null && global[key] !== "") return global[key];
    if (data[key] !== undefined && data[key] !== "") return data[key];
    return fallback;
  }

  var scriptBase = script && script.src ? script.src.replace(/[^/]*$/, "") : "";
  var config = {
    server: pick("server", location.protocol + "//" + location.hostname + ":5005"),
    socketPath: pick("socketPath", "/socket.io"),
    title: pick("title", "Digiwijzer"),
    color: pick("color", "#0b5394"),
    adviserColor: pick("adviserColor", "#7a3e00"),
    privacyUrl: pick("privacyUrl", ""),
    greet: pick("greet", "/greet"),
    storagePrefix: pick("storagePrefix", "digiwijzer"),
    botMessageEvt: pick("botMessageEvt", "bot_uttered"),
    userMessageEvt: pick("userMessageEvt", "user_uttered"),
    vendorUrl: pick("vendorUrl", scriptBase + "vendor/socket.io.min.js"),
  };

  var HISTORY_LIMIT = 50;
  var KEY_SESSION = config.storagePrefix + ":session";
  var KEY_HISTORY = config.storagePrefix + ":history";
  var KEY_OPEN = config.storagePrefix + ":open";
  var TEXT = {
    launcher: "Chat met " + config.title,
    close: "Sluit de chat",
    restart: "Nieuw gesprek",
    input: "Je bericht",
    placeholder: "Typ je bericht…",
    send: "Verstuur",
    you: "Jij",
    bot: config.title,
    adviser: function (name) { return name + " (adviseur)"; },
    typing: config.title + " typt…",
    lost: "Verbinding kwijt, ik probeer het opnieuw…",
    connecting: "Verbinden…",
    failed: "De chat kan nu niet laden. Probeer het later nog eens.",
    privacy: "Hoe we met je gegevens omgaan",
    intro: "Een digitale assistent: geen mens. Typ je vraag of kies een knop.",
    unread: "nieuw bericht",
    restartConfirm: "Wil je een nieuw gesprek beginnen? Dit gesprek verdwijnt dan uit dit venster.",
  };

  // ---- storage (localStorage may be blocked: then the widget still works, without memory) ----
  function load(store, key, fallback) {
    try {
      var value = window[store].getItem(key);
      return value === null ? fallback : JSON.parse(value);
    } catch (e) {
      return fallback;
    }
  }
  function save(store, key, value) {
    try {
      if (value === null) window[store].removeItem(key);
      else window[store].setItem(key, JSON.stringify(value));
    } catch (e) { /* storage full or blocked */ }
  }

  function newSessionId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID().replace(/-/g, "");
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  var state = {
    sessionId: load("localStorage", KEY_SESSION, null) || newSessionId(),
    greeted: false,
    history: load("localStorage", KEY_HISTORY, []),
    socket: null,
    ready: false,
    outbox: [],
    open: false,
    typingTimer: null,
  };
  if (!Array.isArray(state.history)) state.history = [];

  // ---- colours: warn the integrator when a configured colour fails WCAG AA on white ----
  function luminance(hex) {
    var m = /^#?([0-9a-f]{6})$/i.exec(hex);
    if (!m) return null;
    var n = parseInt(m[1], 16);
    return [(n >> 16) & 255, (n >> 8) & 255, n & 255]
      .map(function (c) { c /= 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); })
      .reduce(function (sum, c, i) { return sum + c * [0.2126, 0.7152, 0.0722][i]; }, 0);
  }
  [["color", config.color], ["adviserColor", config.adviserColor]].forEach(function (pair) {
    var l = luminance(pair[1]);
    if (l !== null && 1.05 / (l + 0.05) < 4.5) {
      console.warn("Digiwijzer: " + pair[0] + " " + pair[1] + " has contrast below 4.5:1 against white");
    }
  });

  // ---- DOM helpers ----
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (name === "text") node.textContent = attrs[name];
      else if (name === "className") node.className = attrs[name];
      else node.setAttribute(name, attrs[name]);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }

  // Bot text with http(s) links made clickable; everything else stays plain text.
  var URL_RE = /\bhttps?:\/\/[^\s<>"']+/gi;
  function withLinks(text) {
    var fragment = document.createDocumentFragment();
    var last = 0;
    var match;
    URL_RE.lastIndex = 0;
    while ((match = URL_RE.exec(text)) !== null) {
      var raw = match[0].replace(/[.,;:!?)\]]+$/, "");
      var href = null;
      try {
        var url = new URL(raw);
        if (url.protocol === "http:" || url.protocol === "https:") href = url.href;
      } catch (e) { /* not a URL: leave as text */ }
      if (!href) continue;
      fragment.appendChild(document.createTextNode(text.slice(last, match.index)));
      var a = el("a", { href: href, target: "_blank", rel: "noopener noreferrer", text: raw });
      a.appendChild(el("span", { className: "dw-sr", text: " (opent in een nieuw venster)" }));
      fragment.appendChild(a);
      last = match.index + raw.length;
      URL_RE.lastIndex = last;
    }
    fragment.appendChild(document.createTextNode(text.slice(last)));
    return fragment;
  }

  // ---- styles (inside a shadow root, so the host page's CSS does not leak in or out) ----
  var CSS = [
    ":host { all: initial; }",
    "* { box-sizing: border-box; }",
    ".dw { font: 1rem/1.5 system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif; color: #1b1b1b; }",
    ".dw-sr { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden;",
    "  clip: rect(0 0 0 0); white-space: nowrap; border: 0; }",
    "button, input { font: inherit; }",
    ":focus-visible { outline: 3px solid #1b1b1b; outline-offset: 2px; box-shadow: 0 0 0 5px #ffdd00; }",
    ".dw-launcher { position: fixed; right: 1rem; bottom: 1rem; z-index: 2147483000; display: inline-flex;",
    "  align-items: center; gap: .5rem; padding: .75rem 1.1rem; border: 0; border-radius: 2rem;",
    "  background: var(--dw-color); color: #fff; font-weight: 600; cursor: pointer;",
    "  box-shadow: 0 .25rem 1rem rgba(0,0,0,.25); max-width: calc(100vw - 2rem); }",
    ".dw-launcher[hidden] { display: none; }",
    ".dw-badge { display: inline-block; width: .75rem; height: .75rem; border-radius: 50%; background: #ffdd00;",
    "  border: 2px solid #fff; }",
    ".dw-badge[hidden] { display: none; }",
    ".dw-panel { position: fixed; right: 1rem; bottom: 1rem; z-index: 2147483001; display: flex;",
    "  flex-direction: column; width: 25rem; max-width: calc(100vw - 2rem); height: 40rem;",
    "  max-height: calc(100vh - 2rem); background: #fff; border: 1px solid #6b7785; border-radius: .75rem;",
    "  box-shadow: 0 .5rem 2rem rgba(0,0,0,.3); overflow: hidden; }",
    ".dw-panel[hidden] { display: none; }",
    "@media (max-width: 32rem), (max-height: 34rem) {",
    "  .dw-panel { right: 0; bottom: 0; top: 0; left: 0; width: auto; max-width: none; height: auto;",
    "    max-height: none; border-radius: 0; border: 0; } }",
    ".dw-header { display: flex; align-items: center; gap: .5rem; padding: .5rem .75rem; background: var(--dw-color);",
    "  color: #fff; flex-wrap: wrap; }",
    ".dw-header h2 { flex: 1; margin: 0; font-size: 1.1rem; min-width: 6rem; }",
    ".dw-header button { background: transparent; color: #fff; border: 2px solid #fff; border-radius: .4rem;",
    "  padding: .2rem .6rem; cursor: pointer; }",
    ".dw-header button:hover { background: rgba(255,255,255,.15); }",
    ".dw-header :focus-visible { outline: 3px solid #fff; box-shadow: 0 0 0 5px #1b1b1b; }",
    ".dw-intro { margin: 0; padding: .4rem .75rem; font-size: .875rem; background: #f4f6f8;",
    "  border-bottom: 1px solid #c9d1d9; }",
    ".dw-intro a { color: #0b4a85; }",
    ".dw-status { margin: 0; padding: .4rem .75rem; font-size: .9rem; background: #fff4ce; color: #1b1b1b;",
    "  border-bottom: 1px solid #c9a400; }",
    ".dw-status:empty { padding: 0; border: 0; }",
    ".dw-log { flex: 1; overflow-y: auto; padding: .75rem; display: flex; flex-direction: column; gap: .5rem;",
    "  min-height: 4rem; }",
    ".dw-msg { max-width: 88%; padding: .5rem .75rem; border-radius: .75rem; white-space: pre-wrap;",
    "  overflow-wrap: anywhere; word-break: break-word; }",
    ".dw-msg a { color: inherit; text-decoration: underline; }",
    ".dw-bot { align-self: flex-start; background: #e8eef6; border-bottom-left-radius: .2rem; }",
    ".dw-bot a { color: #0b3d6e; }",
    ".dw-user { align-self: flex-end; background: var(--dw-color); color: #fff; border-bottom-right-radius: .2rem; }",
    ".dw-adviser { align-self: flex-start; background: #fff3e6; border: 2px solid var(--dw-adviser);",
    "  border-bottom-left-radius: .2rem; }",
    ".dw-who { display: block; font-size: .8rem; font-weight: 700; margin-bottom: .15rem; }",
    ".dw-adviser .dw-who { color: var(--dw-adviser); }",
    ".dw-replies { display: flex; flex-direction: column; gap: .35rem; align-self: stretch; margin: 0; padding: 0;",
    "  list-style: none; }",
    ".dw-replies button { width: 100%; text-align: left; padding: .5rem .75rem; border: 2px solid var(--dw-color);",
    "  border-radius: .5rem; background: #fff; color: var(--dw-color); cursor: pointer; white-space: normal;",
    "  overflow-wrap: anywhere; }",
    ".dw-replies button:hover { background: var(--dw-color); color: #fff; }",
    ".dw-typing { align-self: flex-start; color: #4a5560; font-style: italic; font-size: .9rem; }",
    ".dw-typing[hidden] { display: none; }",
    ".dw-form { display: flex; gap: .5rem; padding: .5rem .75rem; border-top: 1px solid #c9d1d9; flex-wrap: wrap; }",
    ".dw-form input { flex: 1 1 8rem; min-width: 0; padding: .55rem .6rem; border: 2px solid #6b7785;",
    "  border-radius: .5rem; color: #1b1b1b; background: #fff; }",
    ".dw-form input::placeholder { color: #5f6b76; opacity: 1; }",
    ".dw-form button { flex: 0 0 auto; padding: .55rem 1rem; border: 0; border-radius: .5rem;",
    "  background: var(--dw-color); color: #fff; font-weight: 600; cursor: pointer; }",
    "@media (prefers-reduced-motion: no-preference) { .dw-log { scroll-behavior: smooth; } }",
  ].join("\n");

  // ---- build the widget ----
  var host = el("div", { id: "digiwijzer-widget" });
  var root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
  var style = el("style");
  style.textContent = CSS;

  var badge = el("span", { className: "dw-badge", hidden: "", "aria-hidden": "true" });
  var launcherLabel = el("span", { text: TEXT.launcher });
  var launcher = el("button", { type: "button", className: "dw-launcher", "aria-expanded": "false",
    "aria-controls": "dw-panel" }, [launcherLabel, badge]);

  var titleId = "dw-title";
  var closeButton = el("button", { type: "button", className: "dw-close", text: "Sluiten", "aria-label": TEXT.close });
  var restartButton = el("button", { type: "button", className: "dw-restart", text: TEXT.restart });
  var header = el("div", { className: "dw-header" }, [el("h2", { id: titleId, text: config.title }), restartButton, closeButton]);

  var intro = el("p", { className: "dw-intro" }, [document.createTextNode(TEXT.intro + " ")]);
  var privacyHref = null;
  try {
    var privacy = new URL(config.privacyUrl, location.href);
    if (config.privacyUrl && (privacy.protocol === "https:" || privacy.protocol === "http:")) privacyHref = privacy.href;
  } catch (e) { /* no or bad link: none shown */ }
  if (privacyHref) {
    intro.appendChild(el("a", { href: privacyHref, target: "_blank", rel: "noopener noreferrer",
      text: TEXT.privacy }, [el("span", { className: "dw-sr", text: " (opent in een nieuw venster)" })]));
  }
  var status = el("p", { className: "dw-status", role: "status" });
  var log = el("div", { className: "dw-log", role: "log", "aria-live": "polite", "aria-relevant": "additions",
    "aria-label": "Gesprek met " + config.title, tabindex: "0" });
  var typing = el("div", { className: "dw-typing", hidden: "", "aria-hidden": "true", text: TEXT.typing });
  var input = el("input", { id: "dw-input", type: "text", autocomplete: "off", placeholder: TEXT.placeholder,
    maxlength: "1000" });
  var inputLabel = el("label", { for: "dw-input", className: "dw-sr", text: TEXT.input });
  var sendButton = el("button", { type: "submit", text: TEXT.send });
  var form = el("form", { className: "dw-form" }, [inputLabel, input, sendButton]);
  var panel = el("div", { id: "dw-panel", className: "dw-panel", role: "dialog", "aria-labelledby": titleId,
    hidden: "" }, [header, intro, status, log, form]);
  var container = el("div", { className: "dw", lang: "nl" }, [launcher, panel]);
  container.style.setProperty("--dw-color", config.color);
  container.style.setProperty("--dw-adviser", config.adviserColor);
  root.appendChild(style);
  root.appendChild(container);

  // ---- rendering ----
  function scrollDown() { log.scrollTop = log.scrollHeight; }

  function removeReplies() {
    Array.prototype.forEach.call(log.querySelectorAll(".dw-replies"), function (node) { node.remove(); });
  }

  function renderMessage(entry) {
    var node;
    if (entry.who === "user") {
      node = el("div", { className: "dw-msg dw-user" }, [el("span", { className: "dw-sr", text: TEXT.you + ": " })]);
      node.appendChild(document.createTextNode(entry.text));
    } else {
      if (entry.who === "adviser") {
        node = el("div", { className: "dw-msg dw-adviser" }, [
          el("span", { className: "dw-who", text: TEXT.adviser(entry.adviseur) }),
          el("span", { className: "dw-sr", text: ": " }),
        ]);
      } else {
        node = el("div", { className: "dw-msg dw-bot" }, [el("span", { className: "dw-sr", text: TEXT.bot + ": " })]);
      }
      node.appendChild(withLinks(entry.text || ""));
    }
    log.insertBefore(node, typing);
    if (entry.who !== "user" && entry.buttons && entry.buttons.length) renderReplies(entry.buttons);
    scrollDown();
  }

  function renderReplies(buttons) {
    var list = el("ul", { className: "dw-replies", "aria-label": "Antwoordknoppen" });
    buttons.forEach(function (button) {
      var b = el("button", { type: "button", text: button.title });
      b.addEventListener("click", function (event) {
        send(button.payload, button.title);
        // The button is gone now. From the keyboard go on in the input; after a tap keep focus in
        // the conversation without popping up a phone's keyboard.
        if (event.detail === 0) input.focus();
        else log.focus({ preventScroll: true });
      });
      list.appendChild(el("li", {}, [b]));
    });
    log.insertBefore(list, typing);
  }

  function remember(entry) {
    state.history.push(entry);
    if (state.history.length > HISTORY_LIMIT) state.history = state.history.slice(-HISTORY_LIMIT);
    save("localStorage", KEY_HISTORY, state.history);
  }

  function renderHistory() {
    log.setAttribute("aria-busy", "true");
    var lastUser = -1;
    state.history.forEach(function (entry, i) { if (entry.who === "user") lastUser = i; });
    state.history.forEach(function (entry, i) {
      // Only the buttons of the messages after the user's last one are still an open question.
      renderMessage(i > lastUser ? entry : { who: entry.who, text: entry.text, adviseur: entry.adviseur });
    });
    log.removeAttribute("aria-busy");
  }

  function setTyping(on) {
    clearTimeout(state.typingTimer);
    typing.hidden = !on;
    if (on) state.typingTimer = setTimeout(function () { typing.hidden = true; }, 30000);
    scrollDown();
  }

  // ---- talking to the bot ----
  function emitMessage(message) {
    state.socket.emit(config.userMessageEvt, { message: message, session_id: state.sessionId });
  }

  function send(message, shown) {
    removeReplies();
    var entry = { who: "user", text: shown };
    remember(entry);
    renderMessage(entry);
    setTyping(true);
    if (state.ready) emitMessage(message);
    else state.outbox.push(message);
    connect();
  }

  function onBotMessage(message) {
    if (!message || typeof message !== "object") return;
    var text = typeof message.text === "string" ? message.text : "";
    var buttons = (message.quick_replies || message.buttons || [])
      .filter(function (b) { return b && typeof b.title === "string" && typeof b.payload === "string"; })
      .map(function (b) { return { title: b.title, payload: b.payload }; });
    if (!text && !buttons.length) return;
    var adviser = message.metadata && typeof message.metadata.adviseur === "string" && message.metadata.adviseur;
    var entry = adviser ? { who: "adviser", text: text, adviseur: adviser } : { who: "bot", text: text };
    if (buttons.length) entry.buttons = buttons;
    setTyping(false);
    if (buttons.length) removeReplies();
    remember(entry);
    renderMessage(entry);
    if (!state.open) {
      badge.hidden = false;
      launcherLabel.textContent = TEXT.launcher + " (" + TEXT.unread + ")";
    }
  }

  function loadClient(callback) {
    if (window.io && window.io.protocol === 5) return callback(); // a socket.io 4 client is already on the page
    var tag = document.createElement("script");
    tag.src = config.vendorUrl;
    tag.onload = callback;
    tag.onerror = function () { status.textContent = TEXT.failed; };
    document.head.appendChild(tag);
  }

  function connect() {
    if (state.socket) return;
    state.socket = "loading";
    status.textContent = state.history.length ? "" : TEXT.connecting;
    loadClient(function () {
      var socket = window.io(config.server, {
        path: config.socketPath,
        transports: ["websocket", "polling"],
        reconnection: true,
        reconnectionDelay: 1000,
        reconnectionDelayMax: 15000,
        randomizationFactor: 0.5,
        timeout: 10000,
      });
      state.socket = socket;
      socket.on("connect", function () {
        socket.emit("session_request", { session_id: state.sessionId });
      });
      socket.on("session_confirm", function (sessionId) {
        if (typeof sessionId !== "string" || !sessionId) return;
        state.sessionId = sessionId;
        save("localStorage", KEY_SESSION, sessionId);
        state.ready = true;
        status.textContent = "";
        // A new conversation: let the bot introduce itself (once).
        if (!state.history.length && !state.outbox.length && !state.greeted && config.greet) {
          state.greeted = true;
          setTyping(true);
          emitMessage(config.greet);
        }
        state.outbox.splice(0).forEach(emitMessage);
      });
      socket.on(config.botMessageEvt, onBotMessage);
      socket.on("disconnect", function () {
        state.ready = false;
        status.textContent = TEXT.lost;
      });
      socket.on("connect_error", function () {
        state.ready = false;
        status.textContent = TEXT.lost;
      });
    });
  }

  // ---- opening and closing ----
  function open(focus) {
    state.open = true;
    panel.hidden = false;
    launcher.hidden = true;
    launcher.setAttribute("aria-expanded", "true");
    badge.hidden = true;
    launcherLabel.textContent = TEXT.launcher;
    save("sessionStorage", KEY_OPEN, true);
    connect();
    scrollDown();
    if (focus) input.focus();
  }

  function close() {
    state.open = false;
    panel.hidden = true;
    launcher.hidden = false;
    launcher.setAttribute("aria-expanded", "false");
    save("sessionStorage", KEY_OPEN, null);
    launcher.focus();
  }

  function restart() {
    if (!window.confirm(TEXT.restartConfirm)) return;
    state.history = [];
    save("localStorage", KEY_HISTORY, null);
    save("localStorage", KEY_SESSION, null);
    state.sessionId = newSessionId();
    state.greeted = false;
    save("localStorage", KEY_SESSION, state.sessionId);
    Array.prototype.slice.call(log.childNodes).forEach(function (node) { if (node !== typing) node.remove(); });
    if (state.socket && state.socket !== "loading") {
      // A new socket (so it leaves the old conversation's room); on connect it asks for the new session.
      state.ready = false;
      state.socket.disconnect();
      state.socket.connect();
    }
    input.focus();
  }

  launcher.addEventListener("click", function () { open(true); });
  closeButton.addEventListener("click", close);
  restartButton.addEventListener("click", restart);
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      event.preventDefault();
      close();
    }
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) return;
    input.value = "";
    send(text, text);
  });

  function start() {
    log.appendChild(typing);
    renderHistory();
    document.body.appendChild(host);
    if (state.history.length) connect(); // a running conversation: receive an adviser's messages live
    if (load("sessionStorage", KEY_OPEN, false)) open(false);
  }

  window.Digiwijzer = { open: function () { open(true); }, close: close, config: config };
  if (document.body) start();
  else document.addEventListener("DOMContentLoaded", start);
})();
