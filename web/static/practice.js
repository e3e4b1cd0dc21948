// The practice room: record a question while the button (or space bar) is held, send it, play
// the candidate's reply. Typed questions go the same way.
(() => {
  const root = document.getElementById("practice");
  const key = root.dataset.key;
  const talk = document.getElementById("talk");
  const status = document.getElementById("status");
  const list = document.getElementById("exchanges");
  const player = document.getElementById("reply-audio");
  let recorder = null;
  let chunks = [];
  let busy = false;

  function show(question, reply) {
    const item = document.createElement("li");
    const q = document.createElement("p");
    q.className = "you";
    q.textContent = "You: " + question;
    const a = document.createElement("p");
    a.className = "candidate";
    a.textContent = "Candidate: " + reply;
    item.append(q, a);
    list.append(item);
  }

  async function ask(body) {
    busy = true;
    status.textContent = "The candidate is thinking...";
    try {
      const response = await fetch(`/dashboard/coaching/practice/${key}/ask`, {
        method: "POST", body, credentials: "same-origin",
      });
      const data = await response.json();
      if (!response.ok) {
        status.textContent = data.error || data.detail || "That did not work; ask again.";
        return;
      }
      show(data.question, data.reply);
      status.textContent = "The candidate is answering.";
      player.src = data.audio;
      player.onended = () => { status.textContent = "Ready."; };
      await player.play().catch(() => { status.textContent = "Ready (press play to hear it)."; });
    } catch (error) {
      status.textContent = "The server did not answer; ask again.";
    } finally {
      busy = false;
    }
  }

  // ``wanted``: the button (or space bar) is held. The microphone may take a moment (or a
  // permission prompt) to open; if the button is released meanwhile, the stream is closed
  // unused, and a second press while it opens does not open another.
  let wanted = false;
  let opening = false;

  async function start() {
    wanted = true;
    if (busy || recorder || opening) return;
    opening = true;
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch (error) {
      status.textContent = "No microphone: type your question instead.";
      return;
    } finally {
      opening = false;
    }
    if (!wanted) {
      stream.getTracks().forEach((track) => track.stop());
      status.textContent = "Hold the button while you ask.";
      return;
    }
    recorder = new MediaRecorder(stream);
    chunks = [];
    recorder.ondataavailable = (event) => { if (event.data.size) chunks.push(event.data); };
    recorder.onstop = () => {
      stream.getTracks().forEach((track) => track.stop());
      const body = new FormData();
      body.append("audio", new Blob(chunks, { type: recorder.mimeType }), "question.webm");
      recorder = null;
      ask(body);
    };
    recorder.start();
    talk.setAttribute("aria-pressed", "true");
    status.textContent = "Listening... release to send.";
  }

  function stop() {
    wanted = false;
    if (!recorder || recorder.state !== "recording") return;
    talk.setAttribute("aria-pressed", "false");
    recorder.stop();
  }

  talk.addEventListener("pointerdown", start);
  talk.addEventListener("pointerup", stop);
  talk.addEventListener("pointerleave", stop);
  document.addEventListener("keydown", (event) => {
    if (event.code === "Space" && event.target === document.body && !event.repeat) {
      event.preventDefault();
      start();
    }
  });
  document.addEventListener("keyup", (event) => {
    if (event.code === "Space" && event.target === document.body) stop();
  });
  document.getElementById("typed").addEventListener("submit", (event) => {
    event.preventDefault();
    const input = document.getElementById("typed-text");
    if (!input.value.trim() || busy) return;
    const body = new FormData();
    body.append("text", input.value);
    input.value = "";
    ask(body);
  });
})();
