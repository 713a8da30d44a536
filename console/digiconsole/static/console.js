// Digiwijzer console: live updates (server-sent events), notifications, reply box.
// Text from the chat is only ever inserted with textContent; HTML fragments come from
// the server (escaped by Jinja2) and are parsed with DOMParser, never with innerHTML.
"use strict";

(function () {
  const body = document.body;
  const page = body.dataset.page;
  const csrf = document.querySelector('meta[name="csrf-token"]').content;

  function setLive(text, on) {
    const el = document.getElementById("live-status");
    if (!el) return;
    el.textContent = text;
    el.classList.toggle("aan", on);
  }

  async function fetchFragment(url, wrapper) {
    const res = await fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } });
    if (res.status === 401) { window.location.href = "/login"; return null; }
    if (!res.ok) return null;
    const html = await res.text();
    // Parse inside the right parent element so the HTML parser keeps the rows/items.
    const wrapped = wrapper === "tbody" ? "<table><tbody>" + html + "</tbody></table>" : "<ol>" + html + "</ol>";
    return new DOMParser().parseFromString(wrapped, "text/html");
  }

  async function replaceWith(target, url, selector) {
    const doc = await fetchFragment(url, selector);
    if (!doc || !target) return;
    const holder = doc.querySelector(selector);
    target.replaceChildren(...Array.from(holder ? holder.childNodes : []));
  }

  function beep() {
    try {
      const Ctx = window.AudioContext || window.webkitAudioContext;
      if (!Ctx) return;
      const ctx = new Ctx();
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = "sine";
      osc.frequency.value = 880;
      gain.gain.setValueAtTime(0.15, ctx.currentTime);
      gain.gain.exponentialRampToValueAtTime(0.001, ctx.currentTime + 0.4);
      osc.connect(gain).connect(ctx.destination);
      osc.start();
      osc.stop(ctx.currentTime + 0.4);
      osc.onended = () => ctx.close();
    } catch (e) { /* sound is a nicety */ }
  }

  function notify(text) {
    if ("Notification" in window && Notification.permission === "granted") {
      try { new Notification("Digiwijzer", { body: text }); } catch (e) { /* ignore */ }
    }
  }

  function connect(handlers) {
    const source = new EventSource("/events");
    source.onopen = () => setLive("Live", true);
    source.onerror = () => setLive("Live: opnieuw verbinden…", false);
    for (const [name, fn] of Object.entries(handlers)) {
      source.addEventListener(name, (ev) => {
        let data = {};
        try { data = JSON.parse(ev.data); } catch (e) { return; }
        fn(data);
      });
    }
    return source;
  }

  // ---- inbox ----
  if (page === "inbox") {
    const rows = document.getElementById("inbox-rows");
    const url = body.dataset.fragment;
    const refresh = () => replaceWith(rows, url, "tbody");
    const button = document.getElementById("meldingen-aan");
    if (button && "Notification" in window && Notification.permission === "default") {
      button.hidden = false;
      button.addEventListener("click", () => {
        Notification.requestPermission().then(() => { button.hidden = true; });
      });
    }
    connect({
      nieuw: async (data) => {
        await refresh();
        const row = rows.querySelector('tr[data-id="' + Number(data.handoff_id) + '"]');
        if (row) row.classList.add("nieuw");
        beep();
        notify("Nieuwe aanvraag in de inbox.");
      },
      gewijzigd: refresh,
    });
    setInterval(refresh, 60000); // waiting times move on
  }

  // ---- hand-off page ----
  if (page === "handoff") {
    const id = Number(body.dataset.handoff);
    const list = document.getElementById("transcript");
    const url = body.dataset.fragment;
    const refresh = () => replaceWith(list, url, "ol");

    connect({
      bericht: (data) => {
        if (Number(data.handoff_id) !== id) return;
        // Show it at once (Rasa may not have stored it yet), then reload the transcript.
        const li = document.createElement("li");
        li.className = "regel ondernemer";
        const wie = document.createElement("span");
        wie.className = "wie";
        wie.textContent = "Ondernemer ";
        const tekst = document.createElement("span");
        tekst.className = "tekst";
        tekst.textContent = String(data.tekst || "");
        li.append(wie, tekst);
        const leeg = list.querySelector("li.leeg");
        if (leeg) leeg.remove();
        list.append(li);
        list.scrollTop = list.scrollHeight;
        beep();
        setTimeout(refresh, 2000);
      },
      gewijzigd: (data) => {
        if (Number(data.handoff_id) === id) {
          setLive("Deze aanvraag is gewijzigd. Laad de pagina opnieuw.", false);
        }
      },
    });
    list.scrollTop = list.scrollHeight;

    const form = document.getElementById("antwoord");
    if (form) {
      const area = document.getElementById("antwoord-tekst");
      const fout = document.getElementById("antwoord-fout");
      for (const b of document.querySelectorAll(".snel-antwoord")) {
        b.addEventListener("click", () => {
          const t = b.dataset.tekst || "";
          area.value = area.value ? area.value + " " + t : t;
          area.focus();
        });
      }
      form.addEventListener("submit", async (ev) => {
        ev.preventDefault();
        fout.hidden = true;
        const data = new FormData(form);
        let res;
        try {
          res = await fetch(form.action, {
            method: "POST",
            body: data,
            credentials: "same-origin",
            headers: { "X-CSRF-Token": csrf, "X-Requested-With": "fetch", "Accept": "application/json" },
          });
        } catch (e) {
          fout.textContent = "Het bericht is niet afgeleverd: geen verbinding met de console.";
          fout.hidden = false;
          return;
        }
        if (res.ok) {
          area.value = "";
          setTimeout(refresh, 500);
          return;
        }
        let tekst = "Het bericht is niet afgeleverd.";
        try { tekst = (await res.json()).fout || tekst; } catch (e) { /* keep default */ }
        fout.textContent = tekst;
        fout.hidden = false;
      });
      area.addEventListener("keydown", (ev) => {
        if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) form.requestSubmit();
      });
    }
  }
})();
