/*
 * Softphone: the console's browser phone, on the real Twilio Voice SDK or the sandbox's
 * stand-in, chosen by one option, so the console has one code path for both.
 *
 *   Softphone.start({
 *     token,                 // access token minted by the app (required)
 *     sandboxUrl,            // null: the real Twilio.Device; a URL: SandboxVoice.Device
 *     onIncoming(call),      // a call rings: call.accept(), call.reject(), call.parameters
 *     onState(state, detail),
 *     refreshToken(),        // optional: () => Promise<string>, called on tokenWillExpire
 *     deviceOptions,         // optional: passed to the Device constructor
 *   }) → Promise<phone>     // resolves once registered; rejects with the device's error
 *
 *   onState states, with detail:
 *     "registering" {}                   "registered" {identity}
 *     "ringing" {call}                   "in-call" {call}
 *     "idle" {call, reason}              reason: "cancel" | "reject" | "disconnect"
 *     "token-refreshed" {}               "unregistered" {}
 *     "error" {code, message, call?}     e.g. 20101 invalid token, 20104 expired
 *
 *   phone.kind ("twilio" | "sandbox"), phone.device, phone.call (ringing or connected, or
 *   null), phone.accept(), phone.reject(), phone.hangUp(), phone.sendDigits("1"),
 *   phone.refresh() (fetch a new token now), phone.stop() (destroy the device)
 *
 *   Softphone.deviceClass(sandboxUrl) → the Device constructor start() would use.
 *   Softphone.sounds() → the SDK's ``sounds`` option start() gives the real Device: our own
 *   ringing, hang-up and DTMF files beside this script, so nothing comes from sdk.twilio.com.
 *
 * Load after twilio.min.js and/or sandbox-voice.js, from the app's own origin (the console's
 * CSP is script-src 'self'). No inline code, no eval.
 */
(function (root) {
  "use strict";

  // The SDK fetches its ringing and key sounds from sdk.twilio.com unless told otherwise:
  // ours sit beside this script (sounds/, made by scripts/make-softphone-sounds).
  var SOUND_NAMES = ["incoming", "outgoing", "disconnect", "dtmf0", "dtmf1", "dtmf2", "dtmf3",
    "dtmf4", "dtmf5", "dtmf6", "dtmf7", "dtmf8", "dtmf9", "dtmfs", "dtmfh"];
  var SCRIPT_URL = root.document && root.document.currentScript
    ? root.document.currentScript.src : "/static/console/softphone.js";

  function sounds(base) {
    var table = {};
    SOUND_NAMES.forEach(function (name) {
      table[name] = new URL("sounds/" + name + ".wav", base || SCRIPT_URL).href;
    });
    return table;
  }

  function deviceClass(sandboxUrl) {
    if (sandboxUrl) {
      if (!root.SandboxVoice) { throw new Error("sandbox-voice.js is not loaded"); }
      return root.SandboxVoice.Device;
    }
    if (!root.Twilio || !root.Twilio.Device) { throw new Error("twilio.min.js is not loaded"); }
    return root.Twilio.Device;
  }

  function Phone(device, options) {
    this.device = device;
    this.kind = options.sandboxUrl ? "sandbox" : "twilio";
    this.call = null;
    this._options = options;
  }

  Phone.prototype._state = function (state, detail) {
    if (typeof this._options.onState === "function") {
      this._options.onState(state, detail || {});
    }
  };

  Phone.prototype._watch = function (call) {
    var self = this;
    this.call = call;
    function ended(reason) {
      return function () {
        if (self.call === call) { self.call = null; }
        self._state("idle", {call: call, reason: reason});
      };
    }
    call.on("accept", function () { self._state("in-call", {call: call}); });
    call.on("cancel", ended("cancel"));
    call.on("reject", ended("reject"));
    call.on("disconnect", ended("disconnect"));
    call.on("error", function (error) {
      self._state("error", {code: error.code, message: error.message, call: call});
    });
    this._state("ringing", {call: call});
    if (typeof this._options.onIncoming === "function") { this._options.onIncoming(call); }
  };

  Phone.prototype.accept = function () { if (this.call) { this.call.accept(); } };
  Phone.prototype.reject = function () { if (this.call) { this.call.reject(); } };
  Phone.prototype.hangUp = function () { if (this.call) { this.call.disconnect(); } };
  Phone.prototype.sendDigits = function (digits) {
    if (this.call) { this.call.sendDigits(digits); }
  };

  /** Ask the app for a new token and hand it to the device (tokenWillExpire does this). */
  Phone.prototype.refresh = function () {
    var self = this;
    if (typeof this._options.refreshToken !== "function") { return Promise.resolve(false); }
    return Promise.resolve(this._options.refreshToken()).then(function (token) {
      self.device.updateToken(token);
      self._state("token-refreshed", {});
      return true;
    }, function (error) {
      self._state("error", {code: error && error.code, message: String(error && error.message)});
      return false;
    });
  };

  Phone.prototype.stop = function () {
    if (this.call) { this.call.disconnect(); }
    this.device.destroy();
  };

  function start(options) {
    if (!options || typeof options.token !== "string" || !options.token) {
      return Promise.reject(new TypeError("Softphone.start needs a token"));
    }
    var sandboxUrl = options.sandboxUrl || null;
    var Device = deviceClass(sandboxUrl);
    var settings = Object.assign({}, options.deviceOptions || {});
    if (sandboxUrl) {
      settings.sandboxUrl = sandboxUrl;
    } else if (!settings.sounds) {
      settings.sounds = sounds();
    }
    var device = new Device(options.token, settings);
    var phone = new Phone(device, Object.assign({}, options, {sandboxUrl: sandboxUrl}));

    device.on("registered", function () {
      phone._state("registered", {identity: device.identity || null});
    });
    device.on("unregistered", function () { phone._state("unregistered", {}); });
    device.on("error", function (error) {
      phone._state("error", {code: error && error.code, message: error && error.message});
    });
    device.on("incoming", function (call) { phone._watch(call); });
    device.on("tokenWillExpire", function () { phone.refresh(); });

    phone._state("registering", {});
    return device.register().then(function () { return phone; });
  }

  root.Softphone = {start: start, deviceClass: deviceClass, sounds: sounds};
})(globalThis);
