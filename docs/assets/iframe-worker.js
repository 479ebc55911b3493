/* A Web Worker stand-in for pages opened from disk (file://), used by the offline copy only
 * (mkdocs.offline.yml lists it under extra.polyfills).
 *
 * Chromium refuses `new Worker("file:///…")`, and Material's site search runs in a worker. Its
 * offline plugin fixes that with the iframe-worker shim from a CDN; this guide makes no request to
 * another host, so this file does the same job locally: the worker script runs in a hidden iframe
 * and messages cross between the two windows. The file name contains "iframe-worker" on purpose:
 * Material's offline plugin adds the CDN copy only when no polyfill of that name is configured.
 * Scope: what Material's search worker needs (postMessage both ways, message and error events,
 * terminate); importScripts is not available (the search uses none for English). */
(function () {
  "use strict";
  if (location.protocol !== "file:" || typeof document === "undefined") return;

  class IFrameWorker extends EventTarget {
    constructor(url) {
      super();
      this.onmessage = null;
      this.onerror = null;
      this._queue = [];
      this._ready = false;
      const frame = document.createElement("iframe");
      frame.hidden = true;
      frame.setAttribute("aria-hidden", "true");
      frame.tabIndex = -1;
      (document.body || document.documentElement).appendChild(frame);
      this._frame = frame;
      const win = frame.contentWindow;
      const self = this;
      // inside the frame, the worker's global scope: postMessage goes back to this object
      win.postMessage = function (data) {
        self._emit("message", new MessageEvent("message", { data: structuredClone(data) }));
      };
      win.importScripts = function () {
        throw new Error("importScripts is not supported by the offline worker stand-in");
      };
      win.addEventListener("error", function (e) {
        self._emit("error", new ErrorEvent("error", { message: e.message, error: e.error }));
      });
      const script = win.document.createElement("script");
      script.src = new URL(url, location.href).href;
      script.onload = function () {
        self._ready = true;
        for (const data of self._queue.splice(0)) self._deliver(data);
      };
      script.onerror = function () {
        self._emit("error", new ErrorEvent("error", { message: "could not load worker " + url }));
      };
      win.document.head.appendChild(script);
    }

    _emit(type, event) {
      const handler = type === "message" ? this.onmessage : this.onerror;
      if (typeof handler === "function") handler.call(this, event);
      this.dispatchEvent(event);
    }

    _deliver(data) {
      const win = this._frame && this._frame.contentWindow;
      if (!win) return;
      // clone into the frame's realm, so the worker code sees its own Array/Object types
      win.dispatchEvent(new win.MessageEvent("message", { data: win.structuredClone(data) }));
    }

    postMessage(data) {
      if (this._ready) this._deliver(data);
      else this._queue.push(data);
    }

    terminate() {
      if (this._frame) this._frame.remove();
      this._frame = null;
    }
  }

  window.Worker = IFrameWorker;
})();
