// Playground for the Secure AI Gateway: plain JavaScript, no build step, no dependencies.
//
// Rules this file keeps (the page's CSP backs them up):
// - The API key lives only in the `apiKey` variable below: never in storage, cookies or the URL.
// - Model text is only ever set as text (textContent / Text nodes), never parsed as HTML.
// - Every URL is relative to this page, so it works at the root of a function URL and under
//   an API Gateway stage prefix (/Prod/playground -> /Prod/api/v1/...).
"use strict";

(() => {
  const API = new URL(location.pathname.replace(/playground\/?$/, "") + "api/v1/", location.origin);
  const KNOWN_TYPES = [
    "EMAIL", "PHONE", "CREDIT_CARD", "IP_ADDRESS", "SSN", "IBAN", "SECRET", "NATIONAL_ID", "PERSON", "ADDRESS",
  ];
  // The caller's own values come back as [REDACTED_<TYPE>_<n>]; foreign ones the
  // response guard removed as [REDACTED_<TYPE>].
  // Codes that mean "the gateway refused to send this", as opposed to a failure.
  const BLOCKING_CODES = ["pii_detected", "secret_detected", "policy_violation", "unsupported_content"];
  const PLACEHOLDER = /\[REDACTED_([A-Z]+(?:_[A-Z]+)*)(?:_(\d+))?\]/g;

  let apiKey = null; // the only copy of the key: memory, this closure
  let history = []; // the conversation as the user sees it (typed text, restored answers)
  let inFlight = null; // AbortController of the running request

  const $ = (id) => document.getElementById(id);
  const ui = {
    key: $("api-key"),
    connect: $("connect"),
    forget: $("forget"),
    keyStatus: $("key-status"),
    model: $("model"),
    route: $("route"),
    pii: $("pii"),
    webSearch: $("web-search"),
    newChat: $("new-chat"),
    conversation: $("conversation"),
    empty: $("empty"),
    prompt: $("prompt"),
    send: $("send"),
  };

  // --- small DOM helpers: elements and text nodes, never parsed markup -----------------

  function el(tag, className, ...children) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    node.append(...children.filter((c) => c !== null && c !== undefined));
    return node;
  }

  // A deployment's own entity types (EMPLOYEE_ID, …) get one of six colours, the same one
  // for the same name on every page load.
  function typeClass(type) {
    if (KNOWN_TYPES.includes(type)) return "ph-" + type.toLowerCase().replace(/_/g, "-");
    let hash = 0;
    for (const ch of type) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
    return "ph-custom-" + (hash % 6);
  }

  // Text with every placeholder wrapped in a span coloured by its type.
  function highlighted(text) {
    const fragment = document.createDocumentFragment();
    let last = 0;
    for (const match of text.matchAll(PLACEHOLDER)) {
      if (match.index > last) fragment.append(text.slice(last, match.index));
      const [whole, type, number] = match;
      const span = el("span", "ph " + typeClass(type), whole);
      span.dataset.type = type;
      span.title = number
        ? `${type} #${number}: your value, replaced before it left`
        : `${type}: removed from the answer by the gateway`;
      fragment.append(span);
      last = match.index + whole.length;
    }
    fragment.append(text.slice(last));
    return fragment;
  }

  function contentText(content) {
    if (typeof content === "string") return content;
    if (Array.isArray(content)) {
      return content
        .map((part) => (part && typeof part.text === "string" ? part.text : `[${part && part.type} part]`))
        .join("\n");
    }
    return content == null ? "" : JSON.stringify(content);
  }

  // "EMAIL=1,SSN=2" -> [["EMAIL", 1], ["SSN", 2]]
  function parseCounts(header) {
    if (!header) return [];
    return header
      .split(",")
      .map((item) => item.split("="))
      .filter((pair) => pair.length === 2)
      .map(([type, count]) => [type.trim(), Number(count)]);
  }

  function setStatus(text, kind) {
    ui.keyStatus.textContent = text;
    ui.keyStatus.className = "hint" + (kind ? " " + kind : "");
  }

  function describeError(body, status) {
    const error = body && body.error;
    if (error && typeof error.message === "string") {
      return { message: error.message, code: error.code || error.type || String(status) };
    }
    return { message: `The gateway answered HTTP ${status}.`, code: `http_${status}` };
  }

  async function readJson(response) {
    try {
      return await response.json();
    } catch {
      return null;
    }
  }

  function request(path, options = {}) {
    return fetch(new URL(path, API), {
      ...options,
      headers: { authorization: "Bearer " + apiKey, ...(options.headers || {}) },
      cache: "no-store",
      credentials: "omit",
      referrerPolicy: "no-referrer",
    });
  }

  // --- key and models ------------------------------------------------------------------

  async function connect() {
    const candidate = ui.key.value.trim();
    ui.key.value = ""; // out of the DOM at once; from here on only `apiKey` holds it
    if (!candidate) {
      setStatus("Paste an API key first.", "error");
      return;
    }
    apiKey = candidate;
    setStatus("Checking the key…");
    ui.connect.disabled = true;
    try {
      const response = await request("models");
      const body = await readJson(response);
      if (!response.ok) {
        apiKey = null;
        const error = describeError(body, response.status);
        setStatus(`${error.message} (${error.code})`, "error");
        return;
      }
      fillModels(Array.isArray(body && body.data) ? body.data : []);
      const id = /^sgw-([0-9a-f]{12})-/.exec(candidate);
      setStatus(`Connected${id ? " as key " + id[1] : ""}. The key is held in memory only.`, "ok");
      ui.forget.hidden = false;
    } catch (error) {
      apiKey = null;
      setStatus("Could not reach the gateway: " + error.message, "error");
    } finally {
      ui.connect.disabled = false;
      updateSend();
    }
  }

  // Models as GET /models lists them (in dev: only those that can answer), first selected,
  // and whether each can search: the box is offered only where a search backend exists.
  let searchable = new Map();

  function fillModels(models) {
    const previous = ui.model.value;
    searchable = new Map(models.map((model) => [model.id, model.web_search === true]));
    ui.model.replaceChildren(
      ...models.map((model) => {
        const option = el("option", null, model.id);
        option.value = model.id;
        if (model.description) option.title = model.description;
        return option;
      }),
    );
    if (models.some((model) => model.id === previous)) ui.model.value = previous;
    ui.model.disabled = models.length === 0;
    if (models.length === 0) ui.model.append(el("option", null, "no models for this key"));
    updateSearch();
  }

  function updateSearch() {
    const can = searchable.get(ui.model.value) === true;
    ui.webSearch.checked = can;
    ui.webSearch.disabled = !can;
    ui.webSearch.title = can ? "" : "No web search backend is configured for this model.";
  }

  function forget() {
    apiKey = null;
    ui.forget.hidden = true;
    ui.model.replaceChildren(el("option", null, "connect first"));
    ui.model.disabled = true;
    setStatus("Key forgotten.");
    updateSend();
  }

  function updateSend() {
    ui.send.disabled = !inFlight && (!apiKey || ui.model.disabled);
    ui.send.textContent = inFlight ? "Stop" : "Send";
  }

  // --- one exchange on screen ----------------------------------------------------------

  class Turn {
    constructor(typed, settings) {
      this.typedPane = el("pre", "text", typed);
      this.sentPane = el("div", "sent-body", el("p", "pending", "waiting for the gateway…"));
      this.answerText = "";
      this.answerPane = el("pre", "text streaming");
      this.answerBox = el("section", "pane answer", el("h3", null, "Answer"), this.answerPane);
      this.facts = el("div", "facts");
      this.node = el(
        "article",
        "turn",
        el(
          "div",
          "turn-head",
          el("span", "model-name", settings.model),
          el("span", "mode", "pii: " + settings.pii),
          el("span", "mode", "web search: " + (settings.webSearch ? "asked" : "off")),
        ),
        el(
          "div",
          "compare",
          el("section", "pane typed", el("h3", null, "You typed"), this.typedPane),
          el("section", "pane sent", el("h3", null, "Left for the provider"), this.sentPane),
          this.answerBox,
        ),
        this.facts,
      );
    }

    showHeaders(headers) {
      const chips = [];
      const mode = headers.get("x-gateway-pii-mode");
      if (mode) chips.push(el("span", "chip", "pii mode ", el("b", null, mode)));
      const masked = parseCounts(headers.get("x-gateway-pii-masked"));
      if (mode) {
        chips.push(
          masked.length
            ? el("span", "chip", "masked ", ...masked.map(([t, n]) => countChip(t, n)))
            : el("span", "chip", "masked ", el("b", null, "nothing")),
        );
      }
      const secrets = parseCounts(headers.get("x-gateway-secrets"));
      if (secrets.length) chips.push(el("span", "chip", "secrets ", ...secrets.map(([t, n]) => countChip(t, n))));
      const redacted = parseCounts(headers.get("x-gateway-redacted"));
      if (redacted.length) chips.push(el("span", "chip", "redacted ", ...redacted.map(([t, n]) => countChip(t, n))));
      const search = headers.get("x-gateway-web-search");
      if (search) chips.push(el("span", "chip", "web search ", el("b", null, search)));
      const id = headers.get("x-request-id");
      if (id) chips.push(el("span", "chip request-id", id));
      this.facts.replaceChildren(...chips);
    }

    showUpstream(view) {
      const messages = Array.isArray(view && view.messages) ? view.messages : [];
      const lastUser = [...messages].reverse().find((m) => m && m.role === "user");
      const main = el("pre", "text last-user", highlighted(lastUser ? contentText(lastUser.content) : ""));
      const all = el(
        "details",
        "all-messages",
        el("summary", null, `all ${messages.length} messages sent to ${view.model || "the provider"}`),
        ...messages.map((m) =>
          el("div", "message", el("span", "role", m.role || "?"), el("pre", "text", highlighted(contentText(m.content)))),
        ),
      );
      this.sentPane.replaceChildren(main, all);
    }

    appendAnswer(text) {
      this.answerText += text;
      this.answerPane.replaceChildren(highlighted(this.answerText));
    }

    refuse(error) {
      const blocked = BLOCKING_CODES.includes(error.code);
      this.answerBox.className = "pane refusal";
      const parts = [
        el("h3", null, blocked ? "Blocked by the gateway" : "Failed"),
        el("p", "code", el("code", null, error.code)),
        el("p", "reason", error.message),
      ];
      // A failure after the answer started keeps what had arrived.
      if (this.answerText) parts.push(el("p", "note", "Received before the failure:"), this.answerPane);
      this.answerBox.replaceChildren(...parts);
      if (!this.sentPane.querySelector(".all-messages")) {
        const what = error.code.startsWith("upstream_")
          ? "The provider was called and failed; nothing to show."
          : "Nothing left for the provider.";
        this.sentPane.replaceChildren(el("p", "nothing", what));
      }
    }

    done(note) {
      this.answerPane.classList.remove("streaming");
      if (note) this.answerBox.append(el("p", "note", note));
    }
  }

  function countChip(type, count) {
    const chip = el("span", "ph " + typeClass(type), `${type} ×${count}`);
    chip.dataset.type = type;
    return chip;
  }

  // --- sending and streaming -----------------------------------------------------------

  // The three APIs the gateway serves, each with the same guarantees: the request body of one
  // conversation, and where a stream event carries answer text or an error. Only chat
  // completions shows what the provider was sent (`show_upstream` is a chat-completions field).
  const ROUTES = {
    chat: {
      path: "chat/completions",
      body: (model, messages) => ({ model, messages, show_upstream: true }),
      text: (event) => (event.choices || []).map((c) => (c.delta && c.delta.content) || "").join(""),
      error: (event) => event.error,
    },
    messages: {
      path: "messages",
      body: (model, messages) => ({ model, messages, max_tokens: 4096 }),
      text: (event) =>
        event.type === "content_block_delta" && event.delta.type === "text_delta" ? event.delta.text : "",
      error: (event) => (event.type === "error" ? event.error : null),
    },
    responses: {
      path: "responses",
      body: (model, messages) => ({ model, input: messages }),
      text: (event) => (event.type === "response.output_text.delta" ? event.delta : ""),
      error: (event) =>
        event.type === "response.failed" ? event.response.error : event.type === "error" ? event : null,
    },
  };

  // Server-sent events from a fetch body: `data:` lines, frames split by a blank line.
  async function readEvents(body, onData) {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      buffer += decoder.decode(value || new Uint8Array(), { stream: !done });
      let cut;
      while ((cut = buffer.indexOf("\n\n")) >= 0) {
        const frame = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const data = frame
          .split("\n")
          .map((line) => line.replace(/\r$/, ""))
          .filter((line) => line.startsWith("data:"))
          .map((line) => line.slice(5).replace(/^ /, ""))
          .join("\n");
        if (!data) continue;
        if (data === "[DONE]") return;
        onData(JSON.parse(data));
      }
      if (done) return;
    }
  }

  async function send() {
    if (inFlight) {
      inFlight.abort();
      return;
    }
    const typed = ui.prompt.value;
    if (!typed.trim() || !apiKey) return;
    const settings = {
      model: ui.model.value,
      route: ui.route.value,
      pii: ui.pii.value,
      webSearch: ui.webSearch.checked,
    };
    const turn = new Turn(typed, settings);
    ui.empty.hidden = true;
    ui.conversation.append(turn.node);
    turn.node.scrollIntoView({ block: "end" });
    ui.prompt.value = "";
    inFlight = new AbortController();
    updateSend();
    const messages = [...history, { role: "user", content: typed }];
    let failed = false;
    try {
      const wire = ROUTES[settings.route];
      const response = await request(wire.path, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "text/event-stream" },
        body: JSON.stringify({
          ...wire.body(settings.model, messages),
          stream: true,
          pii: settings.pii,
          web_search: settings.webSearch,
        }),
        signal: inFlight.signal,
      });
      turn.showHeaders(response.headers);
      if (!response.ok) {
        failed = true;
        turn.refuse(describeError(await readJson(response), response.status));
        return;
      }
      await readEvents(response.body, (event) => {
        if (event.upstream_request) turn.showUpstream(event.upstream_request);
        const error = wire.error(event);
        if (error) {
          failed = true;
          turn.refuse(describeError({ error }, 502));
        }
        const text = wire.text(event);
        if (typeof text === "string" && text) turn.appendAnswer(text);
      });
      if (!failed) history = [...messages, { role: "assistant", content: turn.answerText }];
    } catch (error) {
      failed = true;
      if (error.name === "AbortError") turn.done("Stopped.");
      else turn.refuse({ message: error.message, code: "network_error" });
    } finally {
      turn.done();
      turn.node.classList.add(failed ? "failed" : "ok");
      inFlight = null;
      updateSend();
      turn.node.scrollIntoView({ block: "end" });
    }
  }

  function newChat() {
    if (inFlight) inFlight.abort();
    history = [];
    ui.conversation.replaceChildren(ui.empty);
    ui.empty.hidden = false;
  }

  ui.connect.addEventListener("click", connect);
  ui.key.addEventListener("keydown", (event) => {
    if (event.key === "Enter") connect();
  });
  ui.forget.addEventListener("click", forget);
  ui.model.addEventListener("change", updateSearch);
  ui.send.addEventListener("click", send);
  ui.newChat.addEventListener("click", newChat);
  ui.prompt.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      send();
    }
  });
  document.documentElement.dataset.ready = "true";
})();
