// The sandbox phone page: polls /sandbox/api and shows one call at a time.
// Plain browser JavaScript, no libraries: every text from the server goes in with textContent.
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  const POLL_MS = 400;
  let currentSid = null;
  let shownPrompts = 0;
  let callTimer = null;
  let deviceNumber = null;
  let deviceTimer = null;

  async function api(method, path, body) {
    const options = { method, headers: {} };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    const response = await fetch(path, options);
    const data = await response.json().catch(() => ({}));
    if (!response.ok) {
      throw new Error(data.error || `${response.status} ${response.statusText}`);
    }
    return data;
  }

  function say(message) {
    $("message").textContent = message || "";
  }

  function describeListening(listening) {
    if (!listening) return "-";
    if (listening.kind === "record") return "your message (it is being recorded)";
    if (listening.kind === "bridge") return "* to leave the call";
    const ways = [];
    if (listening.dtmf) {
      let keys = "keys";
      if (listening.num_digits) keys = `${listening.num_digits} key(s)`;
      if (listening.finish_keys) keys += `, then ${listening.finish_keys}`;
      ways.push(keys);
    }
    if (listening.speech) ways.push(`words (${listening.language})`);
    return ways.join(" or ");
  }

  function readAloud(prompt) {
    if (!$("read-aloud").checked || !("speechSynthesis" in window)) return;
    const utterance = new SpeechSynthesisUtterance(prompt.text);
    if (prompt.language) utterance.lang = prompt.language;
    window.speechSynthesis.speak(utterance);
  }

  function addPrompt(prompt) {
    const item = document.createElement("li");
    if (prompt.kind === "say") {
      item.textContent = prompt.text;
      readAloud(prompt);
    } else {
      const kind = document.createElement("span");
      kind.className = "kind";
      const labels = { play: "plays", music: "hold music", beep: "beep", dtmf: "tones" };
      kind.textContent = `[${labels[prompt.kind] || prompt.kind}] `;
      item.append(kind, prompt.url || prompt.text || "");
    }
    $("transcript").append(item);
    item.scrollIntoView({ block: "nearest" });
  }

  function setControls(enabled, listening) {
    document.querySelectorAll(".key").forEach((key) => { key.disabled = !enabled; });
    $("speech").disabled = !enabled || !(listening && listening.speech);
    $("speak-form").querySelector("button").disabled = $("speech").disabled;
    $("silence").disabled = !enabled || !listening;
    $("hangup").disabled = !enabled;
  }

  function render(call) {
    $("call-panel").hidden = false;
    $("call-status").textContent = call.ringing ? "ringing" : call.status;
    $("call-parties").textContent = `${call.from} → ${call.to} (${call.direction})`;
    $("call-queue").textContent = call.queue
      ? `position ${call.queue.position ?? "-"} of ${call.queue.size} in ${call.queue.name}`
      : "-";
    $("call-bridge").textContent = call.bridged_with
      ? `${call.bridged_with.from} → ${call.bridged_with.to}`
      : "-";
    $("call-listening").textContent = describeListening(call.listening);
    for (const prompt of call.heard.slice(shownPrompts)) addPrompt(prompt);
    shownPrompts = call.heard.length;
    const errors = $("call-errors");
    errors.replaceChildren(...call.errors.map((error) => {
      const line = document.createElement("p");
      line.textContent = `${error.level} ${error.code}: ${error.message}`;
      return line;
    }));
    const live = !["completed", "busy", "failed", "no-answer", "canceled"].includes(call.status);
    setControls(live, call.listening);
    return live;
  }

  async function pollCall() {
    if (!currentSid) return;
    try {
      const call = await api("GET", `/sandbox/api/calls/${currentSid}`);
      if (!render(call)) stopCall();
    } catch (error) {
      say(error.message);
      stopCall();
    }
  }

  function stopCall() {
    clearInterval(callTimer);
    callTimer = null;
  }

  function showCall(sid) {
    stopCall();
    currentSid = sid;
    shownPrompts = 0;
    $("transcript").replaceChildren();
    if ("speechSynthesis" in window) window.speechSynthesis.cancel();
    pollCall();
    callTimer = setInterval(pollCall, POLL_MS);
  }

  async function act(action, body) {
    if (!currentSid) return;
    try {
      const call = await api("POST", `/sandbox/api/calls/${currentSid}/${action}`, body || {});
      if (call.accepted === false) say("Nothing was listening: on a real phone that would be lost too.");
      else say("");
      render(call);
    } catch (error) {
      say(error.message);
    }
  }

  $("dial-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    try {
      const placed = await api("POST", "/sandbox/api/calls", { from: form.get("from"), to: form.get("to") });
      say("");
      showCall(placed.sid);
    } catch (error) {
      say(error.message);
    }
  });

  document.querySelectorAll(".key").forEach((key) => {
    key.addEventListener("click", () => act("press", { digits: key.dataset.key }));
  });
  document.addEventListener("keydown", (event) => {
    if (event.target.tagName === "INPUT" || event.target.tagName === "SELECT") return;
    if ("0123456789*#".includes(event.key) && event.key.length === 1 && callTimer) {
      act("press", { digits: event.key });
    }
  });
  $("speak-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const text = $("speech").value.trim();
    if (!text) return;
    $("speech").value = "";
    act("speak", { text });
  });
  $("silence").addEventListener("click", () => act("silence"));
  $("hangup").addEventListener("click", () => act("hangup"));

  function renderDevice(device) {
    $("device-status").textContent = `${device.number} answers calls as: ${device.policy}`;
    const list = $("ringing");
    list.replaceChildren(...device.calls.map((call) => {
      const item = document.createElement("li");
      const text = document.createElement("span");
      const buttons = [];
      if (call.ringing) {
        text.textContent = `Incoming call from ${call.from}`;
        const answer = document.createElement("button");
        answer.type = "button";
        answer.textContent = "Answer";
        answer.addEventListener("click", async () => {
          try {
            await api("POST", `/sandbox/api/calls/${call.sid}/answer`, {});
            showCall(call.sid);
          } catch (error) { say(error.message); }
        });
        const decline = document.createElement("button");
        decline.type = "button";
        decline.className = "danger";
        decline.textContent = "Decline";
        decline.addEventListener("click", () => {
          api("POST", `/sandbox/api/calls/${call.sid}/decline`, {}).catch((error) => say(error.message));
        });
        buttons.push(answer, decline);
      } else {
        text.textContent = `${call.status}: call from ${call.from}`;
        if (call.sid !== currentSid) {
          const show = document.createElement("button");
          show.type = "button";
          show.textContent = "Show";
          show.addEventListener("click", () => showCall(call.sid));
          buttons.push(show);
        }
      }
      item.append(text, ...buttons);
      return item;
    }));
  }

  async function pollDevice() {
    if (!deviceNumber) return;
    try {
      renderDevice(await api("GET", `/sandbox/api/devices/${encodeURIComponent(deviceNumber)}`));
    } catch (error) {
      say(error.message);
    }
  }

  function watchDevice(number) {
    deviceNumber = number;
    clearInterval(deviceTimer);
    pollDevice();
    deviceTimer = setInterval(pollDevice, POLL_MS * 2);
  }

  $("device-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    const number = String(form.get("number")).trim();
    try {
      await api("POST", `/sandbox/api/devices/${encodeURIComponent(number)}`, { policy: form.get("policy") });
      say("");
      watchDevice(number);
    } catch (error) {
      say(error.message);
    }
  });

  // Links such as /#call=CA... or /#phone=+15550111 reopen a call or a phone.
  const linked = new URLSearchParams(window.location.hash.slice(1));
  if (linked.get("call")) showCall(linked.get("call"));
  if (linked.get("phone")) {
    $("device-number").value = linked.get("phone");
    watchDevice(linked.get("phone"));
  }
})();
