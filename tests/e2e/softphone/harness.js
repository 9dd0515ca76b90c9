/* Drives Softphone on the test page: the buttons a console would have, and a log of states. */
(function () {
  "use strict";
  var params = new URLSearchParams(window.location.search);
  var harness = {states: [], phone: null, error: null};
  window.harness = harness;

  function show(id, visible) { document.getElementById(id).hidden = !visible; }

  document.addEventListener("DOMContentLoaded", function () {
    document.getElementById("accept").addEventListener("click", function () {
      harness.phone.accept();
    });
    document.getElementById("reject").addEventListener("click", function () {
      harness.phone.reject();
    });
    document.getElementById("hangup").addEventListener("click", function () {
      harness.phone.hangUp();
    });
    // ?refresh=MS: renew the token MS before it expires, from the test app's /token.
    var refreshMs = params.get("refresh");
    Softphone.start({
      token: params.get("token"),
      sandboxUrl: params.get("sandbox"),
      deviceOptions: refreshMs ? {tokenRefreshMs: Number(refreshMs)} : undefined,
      refreshToken: refreshMs ? function () {
        harness.refreshes = (harness.refreshes || 0) + 1;
        return fetch("/token", {method: "POST"}).then(function (r) { return r.text(); });
      } : undefined,
      onIncoming: function (call) {
        document.getElementById("caller").textContent = call.parameters.From;
      },
      onState: function (state, detail) {
        harness.states.push(state);
        document.getElementById("state").textContent = state;
        var item = document.createElement("li");
        item.textContent = state + (detail.reason ? " (" + detail.reason + ")" : "") +
          (detail.code ? " " + detail.code : "");
        document.getElementById("log").appendChild(item);
        show("accept", state === "ringing");
        show("reject", state === "ringing");
        show("hangup", state === "in-call");
      },
    }).then(function (phone) {
      harness.phone = phone;
    }, function (error) {
      harness.error = {code: error.code, message: error.message};
    });
  });
})();
