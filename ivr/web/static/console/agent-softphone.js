/*
 * The agent console's softphone panel (<section id="softphone">): asks the app for a Voice
 * token (POST /api/v1/voice/token, with the page's CSRF token), starts Softphone on the real
 * Twilio Voice SDK or the sandbox's stand-in (the answer says which), and gives the agent
 * Answer / Decline / Hang up / keypad buttons. An agent rung on a phone number is told so.
 *
 * Other scripts on the page can listen for "softphone:state" events on the panel
 * (detail: {state, from}) to show the screen pop while the browser rings.
 */
(function () {
  "use strict";
  var panel = document.getElementById("softphone");
  if (!panel || !window.Softphone) { return; }
  var tokenUrl = panel.dataset.tokenUrl || "/api/v1/voice/token";
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  var phone = null;

  function el(id) { return document.getElementById(id); }
  function show(id, visible) { var node = el(id); if (node) { node.hidden = !visible; } }
  function say(text) { el("softphone-status").textContent = text; }

  function fetchToken() {
    return fetch(tokenUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: {"X-CSRFToken": csrf, "Accept": "application/json"},
    }).then(function (answer) {
      return answer.json().then(function (body) {
        if (!answer.ok) {
          var error = new Error((body.error && body.error.message) || ("HTTP " + answer.status));
          error.status = answer.status;
          throw error;
        }
        return body;
      });
    });
  }

  function announce(state, from) {
    panel.dataset.state = state;
    panel.dispatchEvent(new CustomEvent("softphone:state", {bubbles: true, detail: {state: state, from: from}}));
  }

  // The screen pop beside the softphone knows who it is; the leg's From may be the business
  // number (a callback, click-to-call), so the pop's name is said when it has one.
  function callerName(from) {
    var pop = document.getElementById("customer-name");
    var name = pop && pop.textContent.trim();
    return name || from || "a caller";
  }

  function onState(state, detail) {
    var from = detail && detail.call && detail.call.parameters ? detail.call.parameters.From : "";
    show("softphone-answer", state === "ringing");
    show("softphone-decline", state === "ringing");
    show("softphone-hangup", state === "in-call");
    show("softphone-keypad", state === "in-call");
    if (state === "registered") { say("Ready: calls ring here in the browser."); }
    else if (state === "ringing") { say("Ringing: " + callerName(from)); }
    else if (state === "in-call") { say("On a call" + (from ? " with " + from : "")); }
    else if (state === "idle") { say("Ready: calls ring here in the browser."); }
    else if (state === "error") { say("Softphone error " + (detail.code || "") + ": " + (detail.message || "")); }
    else if (state === "registering") { say("Connecting the softphone…"); }
    announce(state, from);
  }

  function start() {
    fetchToken().then(function (grant) {
      return Softphone.start({
        token: grant.token,
        sandboxUrl: grant.sandbox_url,
        onIncoming: function () {},
        onState: onState,
        refreshToken: function () { return fetchToken().then(function (g) { return g.token; }); },
      });
    }).then(function (started) {
      phone = started;
      panel.dataset.kind = started.kind;
    }, function (error) {
      if (error.status === 409 || error.status === 403) {
        say(error.message);
        panel.dataset.state = "phone";
      } else {
        say("The softphone could not start: " + error.message);
        panel.dataset.state = "error";
      }
    });
  }

  el("softphone-answer").addEventListener("click", function () { if (phone) { phone.accept(); } });
  el("softphone-decline").addEventListener("click", function () { if (phone) { phone.reject(); } });
  el("softphone-hangup").addEventListener("click", function () { if (phone) { phone.hangUp(); } });
  Array.prototype.forEach.call(panel.querySelectorAll("[data-digit]"), function (key) {
    key.addEventListener("click", function () { if (phone) { phone.sendDigits(key.dataset.digit); } });
  });
  start();
})();
