// The wallboard: polls /api/v1/wallboard (with the session cookie) and redraws in place.
"use strict";
(function () {
  const root = document.getElementById("wallboard");
  if (!root) return;
  const source = root.dataset.source;
  const every = Number(root.dataset.pollSeconds || 3) * 1000;
  const $ = (id) => document.getElementById(id);

  function duration(seconds) {
    if (seconds === null || seconds === undefined) return "–";
    seconds = Math.max(0, Math.round(seconds));
    if (seconds < 60) return seconds + " s";
    const minutes = Math.floor(seconds / 60);
    if (minutes < 60) return minutes + " min " + (seconds % 60) + " s";
    return Math.floor(minutes / 60) + " h " + (minutes % 60) + " min";
  }

  function since(iso, now) {
    return iso ? duration((now - Date.parse(iso)) / 1000) : "";
  }

  function cell(row, text, className) {
    const td = row.insertCell();
    td.textContent = text;
    if (className) td.className = className;
    return td;
  }

  function fill(tableId, items, draw) {
    const body = $(tableId).tBodies[0];
    body.replaceChildren();
    for (const item of items) draw(body.insertRow(), item);
    if (!items.length) {
      const row = body.insertRow();
      const td = cell(row, "none", "muted");
      td.colSpan = $(tableId).tHead.rows[0].cells.length;
    }
  }

  function draw(board) {
    const now = Date.parse(board.at);
    $("board-waiting").textContent = board.waiting;
    $("board-longest").textContent = duration(board.longest_wait_s);
    const estimates = board.queues.map((q) => q.estimated_wait_s).filter((e) => e !== null);
    $("board-estimate").textContent = estimates.length ? duration(Math.max(...estimates)) : "no agents";
    $("board-available").textContent = board.agents_by_state["available"] || 0;
    $("board-due").textContent = board.callbacks_due_soon;
    $("board-overdue").textContent = board.callbacks_overdue;
    $("board-overdue").parentElement.classList.toggle("alert", board.callbacks_overdue > 0);
    const level = board.service_level;
    if (level && level.level !== null) {
      $("board-service-level").textContent = Math.round(level.level * 100) + "%";
      $("board-service-level-detail").textContent =
        level.answered_within + " of " + (level.answered + level.abandoned_after) +
        " within " + level.threshold_seconds + " s";
    } else {
      $("board-service-level").textContent = "–";
      $("board-service-level-detail").textContent = "no calls yet today";
    }
    $("board-states").textContent = Object.entries(board.agents_by_state)
      .filter(([, n]) => n > 0).map(([state, n]) => n + " " + state).join(" · ");
    fill("board-queues", board.queues, (row, q) => {
      cell(row, q.name);
      cell(row, q.waiting);
      cell(row, duration(q.longest_wait_s));
      cell(row, q.estimated_wait_s === null ? "no agents" : duration(q.estimated_wait_s));
      cell(row, q.agents_available + " / " + q.agents_staffed);
      cell(row, q.callbacks_pending);
    });
    fill("board-agents", board.agents, (row, a) => {
      cell(row, a.name);
      cell(row, a.state, "state-" + a.state);
      cell(row, since(a.since, now));
    });
    fill("board-callbacks", board.callbacks_due, (row, c) => {
      cell(row, c.overdue ? "overdue " + since(c.due_by, now) : "in " + duration((Date.parse(c.due_by) - now) / 1000),
        c.overdue ? "overdue" : "");
      cell(row, c.customer || c.number);
      cell(row, c.attempts);
    });
    $("board-updated").textContent = "updated " + new Date(now).toLocaleTimeString();
    $("board-error").classList.add("hidden");
  }

  async function poll() {
    try {
      const answer = await fetch(source, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (answer.status === 401) { window.location.reload(); return; }
      if (!answer.ok) throw new Error("the wallboard answered " + answer.status);
      draw(await answer.json());
    } catch (failure) {
      $("board-error").textContent = "Not updating: " + failure.message + ". Retrying.";
      $("board-error").classList.remove("hidden");
    } finally {
      window.setTimeout(poll, every);
    }
  }
  poll();
})();
