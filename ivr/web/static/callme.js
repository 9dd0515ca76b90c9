/*
 * callme.js: the "call me" widget. Include it where the form should appear:
 *
 *   <script src="https://ivr.example.com/static/callme.js"
 *           data-endpoint="https://ivr.example.com/click-to-call" defer></script>
 *
 * It renders a small accessible form after the script tag (or inside the element named by
 * data-target="#id"): phone number, what you need (optional), a time (optional), a button,
 * and a live region that reads out the answer. No dependencies, no inline script, no cookies;
 * it posts JSON to data-endpoint (which must list this site in IVR_CLICK_TO_CALL_ORIGINS).
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script) return;
  var endpoint = script.getAttribute("data-endpoint") || "";
  var counter = 0;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text) node.textContent = text;
    return node;
  }

  function field(form, id, label, input, hint) {
    var row = el("div", { "class": "callme-field" });
    row.appendChild(el("label", { "for": id }, label));
    input.id = id;
    row.appendChild(input);
    if (hint) {
      var hintId = id + "-hint";
      row.appendChild(el("small", { id: hintId, "class": "callme-hint" }, hint));
      input.setAttribute("aria-describedby", hintId);
    }
    form.appendChild(row);
    return input;
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  // "2026-12-01T13:30" as the visitor's clock shows it, with their offset: the server gets
  // the instant they meant, and answers in the same offset.
  function withOffset(local) {
    var chosen = new Date(local);
    if (isNaN(chosen.getTime())) return null;
    var minutes = -chosen.getTimezoneOffset();
    var sign = minutes < 0 ? "-" : "+";
    minutes = Math.abs(minutes);
    var seconds = local.length === 16 ? ":00" : "";
    return local + seconds + sign + pad(Math.floor(minutes / 60)) + ":" + pad(minutes % 60);
  }

  function render(host) {
    var n = ++counter;
    var form = el("form", { "class": "callme", novalidate: "", "aria-label": "Request a call" });
    var phone = field(form, "callme-phone-" + n, "Your phone number",
      el("input", { type: "tel", name: "phone", autocomplete: "tel", required: "",
                    inputmode: "tel", maxlength: "40" }),
      "With your country code if you are abroad, e.g. +1 415 555 0123.");
    var reason = field(form, "callme-reason-" + n, "What do you need? (optional)",
      el("textarea", { name: "reason", rows: "2", maxlength: "500" }));
    var when = field(form, "callme-when-" + n, "Call me at (optional)",
      el("input", { type: "datetime-local", name: "when" }),
      "Leave empty to be called now.");
    var button = el("button", { type: "submit" }, "Call me");
    form.appendChild(button);
    var status = el("p", { "class": "callme-status", role: "status", "aria-live": "polite" });
    form.appendChild(status);
    host.appendChild(form);

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var body = { phone: phone.value };
      if (reason.value.trim()) body.reason = reason.value;
      if (when.value) {
        body.when = withOffset(when.value);
        if (!body.when) {
          status.textContent = "Please choose a valid date and time.";
          return;
        }
      }
      button.disabled = true;
      status.textContent = "Sending your request…";
      fetch(endpoint, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
        credentials: "omit",
        mode: "cors"
      }).then(function (response) {
        return response.json().then(function (answer) { return answer; }, function () {
          return { error: { message: "Something went wrong. Please try again later." } };
        });
      }).then(function (answer) {
        var ok = answer && !answer.error;
        status.textContent = ok ? answer.message : answer.error.message;
        status.setAttribute("data-outcome", ok ? answer.outcome : answer.error.reason || "error");
        if (!ok) phone.focus();
      }, function () {
        status.textContent = "We could not reach our service. Please try again later.";
        status.setAttribute("data-outcome", "network-error");
      }).then(function () { button.disabled = false; });
    });
  }

  function start() {
    var target = script.getAttribute("data-target");
    var host = target ? document.querySelector(target) : null;
    if (!host) {
      host = el("div", { "class": "callme-widget" });
      script.parentNode.insertBefore(host, script.nextSibling);
    }
    render(host);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
