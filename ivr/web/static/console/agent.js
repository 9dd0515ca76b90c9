// The agent console: polls the agent's state and updates the page without reloading.
// Light polling rather than a stream: the web server runs sync workers, and a connection held
// open per agent would take a whole worker each (see ivr/web/api/console.py).
// No framework, no inline script (the CSP allows only this file); text goes in by textContent.
(function () {
  "use strict";

  var root = document.getElementById("agent-console");
  if (!root) return;
  var agentId = root.getAttribute("data-agent-id");
  var csrf = document.querySelector('meta[name="csrf-token"]').getAttribute("content");
  var API = "/api/v1";
  var DEFAULT_POLL_MS = 2000;
  var shownCall = null; // the CallSid whose forms are shown
  var timer = null;

  function $(id) { return document.getElementById(id); }

  function show(el, visible) { el.classList.toggle("hidden", !visible); }

  function text(id, value) { var node = $(id); if (node) node.textContent = value == null ? "" : String(value); }

  function item(tag, content, className) {
    var el = document.createElement(tag);
    if (content != null) el.textContent = String(content);
    if (className) el.className = className;
    return el;
  }

  function fill(list, items, render, empty) {
    list.replaceChildren();
    if (!items || items.length === 0) {
      if (empty) list.appendChild(item("li", empty, "muted"));
      return;
    }
    items.forEach(function (value) { list.appendChild(render(value)); });
  }

  function when(iso) {
    if (!iso) return "";
    var at = new Date(iso);
    return at.toLocaleString([], { dateStyle: "medium", timeStyle: "short" });
  }

  function clock(iso) {
    return iso ? new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" }) : "";
  }

  function duration(seconds) {
    if (seconds == null) return "";
    var s = Math.max(0, Math.round(seconds));
    if (s < 60) return s + " s";
    var m = Math.floor(s / 60);
    return m + " min" + (s % 60 ? " " + (s % 60) + " s" : "");
  }

  function error(message) {
    var el = $("console-error");
    el.textContent = message || "";
    show(el, Boolean(message));
  }

  function api(method, path, body) {
    var headers = { "Accept": "application/json" };
    if (method !== "GET") {
      headers["Content-Type"] = "application/json";
      headers["X-CSRFToken"] = csrf;
    }
    return fetch(API + path, {
      method: method,
      headers: headers,
      credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body),
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) {
          var message = data && data.error ? data.error.message : response.statusText;
          throw new Error(message);
        }
        return data;
      });
    });
  }

  // -- rendering ---------------------------------------------------------------------------

  var STATUS_CLASS = { "available": "good", "wrap-up": "warn", "reserved": "warn", "on-call": "bad",
    "not-ready": "warn", "offline": "" };

  function renderStatus(state) {
    text("agent-name", state.agent.name);
    text("dial-target", state.agent.dial_target || "nowhere (no phone or browser set)");
    var status = $("status");
    status.textContent = state.status === "reserved" ? "ringing" : state.status;
    status.className = "tag " + (STATUS_CLASS[state.status] || "");
    status.setAttribute("data-status", state.status);
    var detail = "";
    if (state.wrap_up_until) detail = "until " + clock(state.wrap_up_until);
    else if (state.status === "wrap-up") detail = "until you say available";
    else if (state.status_since) detail = "since " + clock(state.status_since);
    text("status-detail", detail);
    document.querySelectorAll(".status-buttons button").forEach(function (button) {
      button.setAttribute("aria-pressed", String(button.getAttribute("data-status") === state.chosen_status));
    });
  }

  function noteItem(note) {
    var li = item("li", null, "note");
    li.appendChild(item("span", note.body, "note-body"));
    li.appendChild(item("span", " — " + note.author + ", " + when(note.at), "muted"));
    return li;
  }

  function earlierItem(call) {
    var li = item("li", null, "earlier-call");
    var head = item("p", null, "earlier-head");
    head.appendChild(item("strong", when(call.started_at)));
    head.appendChild(document.createTextNode(" "));
    if (call.disposition) head.appendChild(item("span", call.disposition, "tag" + (call.disposition === "resolved" ? " good" : "")));
    if (call.category) head.appendChild(item("span", call.category, "tag"));
    if (call.transferred_unresolved) head.appendChild(item("span", "transferred, unresolved", "tag bad flag-unresolved"));
    li.appendChild(head);
    li.appendChild(item("p", call.reason ? "Reason: " + call.reason : "No reason given", call.reason ? "" : "muted"));
    if (call.transcript) {
      var details = document.createElement("details");
      details.appendChild(item("summary", "Transcript"));
      details.appendChild(item("pre", call.transcript, "transcript"));
      li.appendChild(details);
    } else if (call.transcript_status) {
      li.appendChild(item("p", "Transcript: " + call.transcript_status, "muted"));
    }
    if (call.notes && call.notes.length) {
      var notes = item("ul", null, "plain notes");
      call.notes.forEach(function (note) { notes.appendChild(noteItem(note)); });
      li.appendChild(notes);
    }
    return li;
  }

  function callbackItem(callback) {
    var li = item("li", null, "callback");
    li.appendChild(item("strong", callback.customer_name || callback.number));
    li.appendChild(document.createTextNode(" " + (callback.customer_name ? callback.number + " " : "")));
    li.appendChild(item("span", callback.due_by ? "due by " + when(callback.due_by) : "no due time", "muted"));
    if (callback.reason) li.appendChild(item("p", callback.reason));
    return li;
  }

  function renderCall(call) {
    show($("no-call"), !call);
    show($("call"), Boolean(call));
    show($("call-work"), Boolean(call));
    if (!call) { shownCall = null; return; }
    var phase = $("call-phase");
    phase.textContent = call.phase === "ringing" ? "ringing" : call.phase === "on-call" ? "on the call" : "last call";
    phase.className = "tag " + (call.phase === "ringing" ? "warn" : call.phase === "on-call" ? "good" : "");
    phase.setAttribute("data-phase", call.phase);
    text("customer-name", call.customer_name || call.number || "Unknown caller");
    text("customer-number", call.customer_name ? call.number : "");
    text("customer-language", call.language || "");
    show($("customer-language"), Boolean(call.language));
    var transfer = call.transfer;
    show($("transfer-note"), Boolean(transfer) && transfer.status !== "failed");
    if (transfer) {
      text("transfer-from", transfer.from_agent_name || "another agent");
      text("transfer-text", transfer.note || "(no note)");
    }
    text("call-reason", call.reason || (call.reason_pending ? "being transcribed…" : "not given"));
    text("reason-source", call.reason_source === "transcript" ? "transcribed" : call.reason_source === "words" ? "their words" : "");
    show($("reason-source"), Boolean(call.reason_source));
    text("call-waited", call.waited_seconds == null ? "" : duration(call.waited_seconds));
    fill($("estimates"), call.estimates, function (estimate) {
      var li = item("li", clock(estimate.at) + ": “" + estimate.text + "”");
      if (estimate.actual_wait_seconds != null) li.appendChild(item("span", " (then waited " + duration(estimate.actual_wait_seconds) + ")", "muted"));
      return li;
    }, "No estimate was spoken.");
    text("customer-notes", call.customer_notes || "");
    text("call-transcript", call.transcript || (call.transcript_status ? "(" + call.transcript_status + ")" : "not recorded yet"));
    fill($("open-cases"), call.open_cases, function (c) {
      return item("li", "#" + c.id + " " + (c.reason || "no reason") + " (opened " + when(c.opened_at) + ")");
    }, "None.");
    fill($("pending-callbacks"), call.pending_callbacks, callbackItem, "None.");
    fill($("earlier-calls"), call.earlier_calls, earlierItem, "First call.");
    fill($("call-notes"), call.notes, noteItem, "No notes yet.");
    if (shownCall !== call.call_sid) {
      shownCall = call.call_sid;
      $("disposition").value = call.disposition || "resolved";
      if (call.category) $("category").value = call.category;
      text("disposition-saved", "");
    }
    text("disposition-saved", call.disposition
      ? "Saved: " + call.disposition + (call.category ? ", " + call.category : "") + (call.transferred_unresolved ? " — flagged: transferred, unresolved" : "")
      : "");
  }

  function render(state) {
    renderStatus(state);
    renderCall(state.call);
    fill($("callbacks"), state.callbacks_due, callbackItem, "None due.");
  }

  // -- polling -----------------------------------------------------------------------------

  function poll() {
    clearTimeout(timer);
    return api("GET", "/agents/me/console").then(function (state) {
      error("");
      render(state);
      timer = setTimeout(poll, (state.poll_seconds || 2) * 1000);
    }).catch(function (problem) {
      error("Could not refresh: " + problem.message);
      timer = setTimeout(poll, DEFAULT_POLL_MS * 2);
    });
  }

  function act(promise) {
    return promise.then(function () { error(""); return poll(); })
      .catch(function (problem) { error(problem.message); });
  }

  // -- actions -----------------------------------------------------------------------------

  document.querySelectorAll(".status-buttons button").forEach(function (button) {
    button.addEventListener("click", function () {
      act(api("PUT", "/agents/" + agentId + "/status", { status: button.getAttribute("data-status") }));
    });
  });

  $("note-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var body = $("note-body").value.trim();
    if (!shownCall || !body) return;
    act(api("POST", "/calls/" + encodeURIComponent(shownCall) + "/notes", { body: body })
      .then(function () { $("note-body").value = ""; }));
  });

  $("disposition-form").addEventListener("submit", function (event) {
    event.preventDefault();
    if (!shownCall) return;
    act(api("PUT", "/calls/" + encodeURIComponent(shownCall) + "/disposition", {
      disposition: $("disposition").value,
      category: $("category").value,
    }));
  });

  $("transfer-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var choice = $("transfer-to").value;
    if (!shownCall || !choice) return;
    var body = { note: $("transfer-body").value.trim() };
    if (choice.indexOf("agent:") === 0) body.to_agent_id = Number(choice.slice(6));
    else body.to_queue = choice.slice(6);
    act(api("POST", "/calls/" + encodeURIComponent(shownCall) + "/transfer", body)
      .then(function () { $("transfer-body").value = ""; }));
  });

  function loadTargets() {
    Promise.all([api("GET", "/agents"), api("GET", "/queues")]).then(function (answers) {
      var select = $("transfer-to");
      var chosen = select.value;
      select.replaceChildren();
      answers[0].agents.forEach(function (agent) {
        if (String(agent.id) === agentId || !agent.active) return;
        var option = item("option", agent.name + " (" + agent.status + ")");
        option.value = "agent:" + agent.id;
        select.appendChild(option);
      });
      answers[1].queues.forEach(function (queue) {
        var option = item("option", "Queue: " + queue.name);
        option.value = "queue:" + queue.name;
        select.appendChild(option);
      });
      if (chosen) select.value = chosen;
    }).catch(function (problem) { error("Could not load transfer targets: " + problem.message); });
  }

  loadTargets();
  setInterval(loadTargets, 30000);
  poll();
})();
