/*
 * SandboxVoice: the sandbox's stand-in for the Twilio Voice JavaScript SDK (the browser leg).
 *
 * The same subset of the SDK's API the console uses, so the console runs unchanged in the
 * demo and the tests, where there is no Twilio account and no internet:
 *
 *   const device = new SandboxVoice.Device(token, {sandboxUrl: "http://127.0.0.1:5055"});
 *   device.on("registered" | "unregistered" | "incoming" | "error" | "tokenWillExpire" |
 *             "destroyed", handler);
 *   await device.register();  device.unregister();  device.updateToken(token);
 *   device.destroy();  device.state;  device.identity;  device.calls;  device.isBusy
 *
 *   call.parameters.CallSid / From / To / AccountSid;  call.customParameters (a Map)
 *   call.accept();  call.reject();  call.ignore();  call.disconnect();  call.sendDigits("1")
 *   call.mute(bool);  call.isMuted();  call.status()  // pending, connecting, open, closed
 *   call.on("accept" | "cancel" | "disconnect" | "reject" | "error", handler)
 *   call.say("words")  // sandbox only: speech the caller hears (a Promise of accepted)
 *
 * It talks to the sandbox's /sandbox/voice endpoints (ivr/sandbox/voice_sdk.py): fetch with
 * the access token as a bearer token, and an EventSource for incoming calls. The page's
 * Content-Security-Policy must allow the sandbox in connect-src. No eval, no inline code.
 */
(function (root) {
  "use strict";

  var TOKEN_REFRESH_MS = 10000; // the SDK's default tokenRefreshMs
  var DIGITS = /^[0-9*#w]+$/;

  function Emitter() {
    this._handlers = {};
  }
  Emitter.prototype.on = function (event, handler) {
    (this._handlers[event] = this._handlers[event] || []).push(handler);
    return this;
  };
  Emitter.prototype.addListener = Emitter.prototype.on;
  Emitter.prototype.once = function (event, handler) {
    var self = this;
    function wrapped() {
      self.off(event, wrapped);
      handler.apply(self, arguments);
    }
    return this.on(event, wrapped);
  };
  Emitter.prototype.off = function (event, handler) {
    var list = this._handlers[event] || [];
    this._handlers[event] = list.filter(function (h) { return h !== handler; });
    return this;
  };
  Emitter.prototype.removeListener = Emitter.prototype.off;
  Emitter.prototype.removeAllListeners = function (event) {
    if (event === undefined) { this._handlers = {}; } else { delete this._handlers[event]; }
    return this;
  };
  Emitter.prototype.emit = function (event) {
    var args = Array.prototype.slice.call(arguments, 1);
    (this._handlers[event] || []).slice().forEach(function (handler) {
      try {
        handler.apply(null, args);
      } catch (failure) {
        setTimeout(function () { throw failure; }, 0); // a handler's bug must not stop the others
      }
    });
    return (this._handlers[event] || []).length > 0;
  };

  function inherit(Child) {
    Child.prototype = Object.create(Emitter.prototype);
    Child.prototype.constructor = Child;
  }

  /** A TwilioError look-alike: code, name, message, description. */
  function VoiceError(code, message) {
    var error = new Error(message);
    error.code = code;
    error.name = code === 20104 ? "AccessTokenExpired" : code === 20101 ? "AccessTokenInvalid"
      : "SandboxVoiceError";
    error.description = message;
    return error;
  }

  /** Seconds until the token's exp claim, or null (read only, never verified here). */
  function secondsLeft(token) {
    try {
      var part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
      var claims = JSON.parse(atob(part + "===".slice((part.length + 3) % 4)));
      return typeof claims.exp === "number" ? claims.exp - Date.now() / 1000 : null;
    } catch (ignored) {
      return null;
    }
  }

  function Device(token, options) {
    Emitter.call(this);
    if (typeof token !== "string" || !token) {
      throw new TypeError('Parameter "token" must be of type "string".');
    }
    options = options || {};
    if (!options.sandboxUrl) {
      throw new TypeError("SandboxVoice.Device needs options.sandboxUrl (the sandbox's URL)");
    }
    this._token = token;
    this._base = String(options.sandboxUrl).replace(/\/+$/, "");
    this._refreshMs = typeof options.tokenRefreshMs === "number" ? options.tokenRefreshMs
      : TOKEN_REFRESH_MS;
    this._registration = null;
    this._source = null;
    this._lastEventId = 0;
    this._expiryTimer = null;
    this._streamFailures = 0;
    this._calls = {};
    this.state = Device.State.Unregistered;
    this.identity = null;
    this.token = token;
  }
  inherit(Device);

  Device.State = {
    Destroyed: "destroyed",
    Unregistered: "unregistered",
    Registering: "registering",
    Registered: "registered",
  };
  Device.EventName = {
    Error: "error", Incoming: "incoming", Destroyed: "destroyed", Unregistered: "unregistered",
    Registering: "registering", Registered: "registered", TokenWillExpire: "tokenWillExpire",
  };

  Object.defineProperty(Device.prototype, "calls", {
    get: function () {
      var calls = this._calls;
      return Object.keys(calls).map(function (sid) { return calls[sid]; });
    },
  });
  Object.defineProperty(Device.prototype, "isBusy", {
    get: function () {
      return this.calls.some(function (call) { return call._status !== "pending"; });
    },
  });

  /** POST to the sandbox; resolves with the JSON body, rejects with a VoiceError. */
  Device.prototype._post = function (path, body) {
    var payload = Object.assign({registration: this._registration}, body || {});
    return fetch(this._base + "/sandbox/voice" + path, {
      method: "POST",
      mode: "cors",
      headers: {"Authorization": "Bearer " + this._token, "Content-Type": "application/json"},
      body: JSON.stringify(payload),
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) {
          throw VoiceError(data.code || response.status, data.message || response.statusText);
        }
        return data;
      });
    });
  };

  Device.prototype._fail = function (error) {
    this.emit("error", error);
    throw error;
  };

  Device.prototype.register = function () {
    var self = this;
    if (this.state === Device.State.Destroyed) {
      return Promise.reject(new Error("the device was destroyed"));
    }
    this.state = Device.State.Registering;
    this.emit("registering");
    return this._post("/register").then(function (data) {
      if (data.registration !== self._registration) { self._lastEventId = 0; }
      self._registration = data.registration;
      self.identity = data.identity;
      self.state = Device.State.Registered;
      self._openStream();
      self._scheduleExpiry();
      self.emit("registered");
    }, function (error) {
      self.state = Device.State.Unregistered;
      return self._fail(error);
    });
  };

  Device.prototype.unregister = function () {
    var self = this;
    this._closeStream();
    clearTimeout(this._expiryTimer);
    if (!this._registration) { return Promise.resolve(); }
    return this._post("/unregister").catch(function () { /* gone already */ }).then(function () {
      self._registration = null;
      if (self.state !== Device.State.Destroyed) { self.state = Device.State.Unregistered; }
      self.emit("unregistered");
    });
  };

  Device.prototype.updateToken = function (token) {
    if (typeof token !== "string" || !token) {
      throw new TypeError('Parameter "token" must be of type "string".');
    }
    var self = this;
    this._token = token;
    this.token = token;
    if (this.state !== Device.State.Registered) { return; }
    this._post("/register").then(function () {
      self._scheduleExpiry();
      self._openStream(); // the stream's URL carries the token: reopen it with the new one
    }, function (error) { self.emit("error", error); });
  };

  Device.prototype.destroy = function () {
    this.calls.forEach(function (call) { call.disconnect(); });
    var done = this.unregister();
    this.state = Device.State.Destroyed;
    this.emit("destroyed");
    return done;
  };

  Device.prototype._scheduleExpiry = function () {
    var self = this;
    clearTimeout(this._expiryTimer);
    var left = secondsLeft(this._token);
    if (left === null) { return; }
    this._expiryTimer = setTimeout(function () {
      self.emit("tokenWillExpire", self);
    }, Math.max(0, left * 1000 - this._refreshMs));
  };

  Device.prototype._openStream = function () {
    var self = this;
    this._closeStream();
    var url = this._base + "/sandbox/voice/events?registration=" +
      encodeURIComponent(this._registration) + "&access_token=" +
      encodeURIComponent(this._token) + "&after=" + this._lastEventId;
    var source = new EventSource(url);
    this._source = source;
    function handle(kind) {
      source.addEventListener(kind, function (message) {
        self._streamFailures = 0;
        if (message.lastEventId) { self._lastEventId = Number(message.lastEventId); }
        self._onEvent(kind, JSON.parse(message.data));
      });
    }
    ["incoming", "accept", "cancel", "disconnect"].forEach(handle);
    source.addEventListener("open", function () { self._streamFailures = 0; });
    source.addEventListener("error", function (message) {
      if (message.data) { // the sandbox's own "error" event: the token expired
        var data = JSON.parse(message.data);
        self._closeStream();
        self.state = Device.State.Unregistered;
        self.emit("error", VoiceError(data.code, data.message));
        self.emit("unregistered");
        return;
      }
      if (source.readyState === EventSource.CLOSED && self._source === source) {
        // Refused (401) or gone: registering again says why, or brings the stream back.
        self._source = null;
        self._streamFailures += 1;
        if (self._streamFailures <= 3 && self.state === Device.State.Registered) {
          self.register().catch(function () { /* reported by register */ });
        }
      }
    });
  };

  Device.prototype._closeStream = function () {
    if (this._source) {
      this._source.close();
      this._source = null;
    }
  };

  Device.prototype._onEvent = function (kind, data) {
    if (kind === "incoming") {
      var call = new Call(this, data.call);
      this._calls[call.sid] = call;
      this.emit("incoming", call);
      return;
    }
    var known = this._calls[data.call_sid];
    if (known) { known._onEvent(kind); }
  };

  Device.prototype._forget = function (call) {
    delete this._calls[call.sid];
  };

  function Call(device, info) {
    Emitter.call(this);
    this._device = device;
    this._status = "pending";
    this._muted = false;
    this.sid = info.sid;
    this.direction = "INCOMING";
    this.parameters = Object.assign({}, info.parameters);
    this.customParameters = new Map(Object.entries(info.customParameters || {}));
  }
  inherit(Call);

  Call.prototype.status = function () { return this._status; };
  Call.prototype.isMuted = function () { return this._muted; };
  Call.prototype.mute = function (shouldMute) {
    this._muted = shouldMute === undefined ? true : Boolean(shouldMute);
    this.emit("mute", this._muted, this);
  };

  Call.prototype._act = function (action, body) {
    var self = this;
    return this._device._post("/calls/" + encodeURIComponent(this.sid) + "/" + action, body)
      .catch(function (error) {
        self.emit("error", error);
        throw error;
      });
  };

  Call.prototype._close = function (event) {
    if (this._status === "closed") { return; }
    this._status = "closed";
    this._device._forget(this);
    this.emit(event, this);
  };

  Call.prototype.accept = function () {
    var self = this;
    if (this._status !== "pending") { return; }
    this._status = "connecting";
    this._act("accept").then(function (data) {
      if (!data.accepted) { self._close("cancel"); } // another browser, or the caller left
    }, function () { self._close("cancel"); });
  };

  Call.prototype.reject = function () {
    if (this._status !== "pending") { return; }
    this._act("reject").catch(function () { /* reported as the call's error */ });
    this._close("reject");
  };

  Call.prototype.ignore = function () {
    if (this._status !== "pending") { return; }
    this._status = "closed"; // stop ringing here; the caller keeps ringing, as on Twilio
    this._device._forget(this);
  };

  Call.prototype.disconnect = function () {
    if (this._status === "pending") { this.reject(); return; }
    if (this._status === "closed") { return; }
    this._act("disconnect").catch(function () { /* reported as the call's error */ });
    this._close("disconnect");
  };

  Call.prototype.sendDigits = function (digits) {
    if (typeof digits !== "string" || !DIGITS.test(digits)) {
      throw new Error("Illegal character passed into sendDigits");
    }
    this._act("digits", {digits: digits}).catch(function () { /* reported */ });
  };

  /** Sandbox only: say ``text`` to the other party; resolves with whether it was heard. */
  Call.prototype.say = function (text) {
    return this._act("say", {text: String(text)}).then(function (data) { return data.accepted; });
  };

  Call.prototype._onEvent = function (kind) {
    if (kind === "accept" && this._status !== "closed") {
      this._status = "open";
      this.emit("accept", this);
    } else if (kind === "cancel") {
      this._close("cancel");
    } else if (kind === "disconnect") {
      this._close("disconnect");
    }
  };

  root.SandboxVoice = {Device: Device, Call: Call};
})(globalThis);
