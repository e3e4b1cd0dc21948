// The candidate's interview page: joins the room with camera and microphone, plays the
// recruiter, shows who is speaking, live captions and practice tips, and the report at the end.
"use strict";

(() => {
  const LK = window.LivekitClient;
  const token = document.body.dataset.token;
  const $ = (id) => document.getElementById(id);
  const EVENTS_TOPIC = "recruiter.events";
  const CONTROL_TOPIC = "recruiter.control";
  let room = null;
  let agentIdentity = null;
  let ended = false;

  // The recruiter sees that the invitation was opened by a person (a link preview fetching
  // the page runs no script).
  fetch(`/api/join/${token}/opened`, { method: "POST" }).catch(() => {});

  function setStatus(text) {
    $("status").textContent = text;
  }

  function isAgent(participant) {
    return participant.kind === LK.ParticipantKind.AGENT || participant.identity.startsWith("agent-");
  }

  // Captions: one line per transcription segment, updated as its words stream in.
  function caption(segmentId, speaker, text) {
    let line = document.querySelector(`#captions li[data-segment="${CSS.escape(segmentId)}"]`);
    if (!line) {
      line = document.createElement("li");
      line.dataset.segment = segmentId;
      line.dataset.speaker = speaker;
      const who = document.createElement("span");
      who.className = "who";
      who.textContent = speaker === "recruiter" ? "Recruiter:" : "You:";
      line.append(who, document.createElement("span"));
      $("captions").append(line);
    }
    // Follow new lines only while the reader is at the bottom; never pull them back down.
    const box = $("captions");
    const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 24;
    line.lastChild.textContent = text;
    if (atBottom) box.scrollTop = box.scrollHeight;
  }

  async function onTranscription(reader, participantInfo) {
    const attrs = reader.info.attributes || {};
    const segmentId = attrs["lk.segment_id"] || reader.info.id;
    const speaker = participantInfo.identity === room.localParticipant.identity ? "you" : "recruiter";
    let text = "";
    for await (const chunk of reader) {
      text += chunk;
      caption(segmentId, speaker, text);
    }
  }

  function cue(kind, text) {
    const list = $("cues");
    list.querySelector(".empty")?.remove();
    const item = document.createElement("li");
    item.dataset.kind = kind;
    item.textContent = text;
    list.prepend(item);
  }

  async function showReport() {
    // The worker says when the report is written; the status endpoint confirms it.
    for (let i = 0; i < 60; i++) {
      const r = await fetch(`/api/join/${token}/status`);
      if (r.ok && (await r.json()).report_ready) {
        $("report").hidden = false;
        setStatus("The interview is over. Your report is ready.");
        return;
      }
      await new Promise((done) => setTimeout(done, 1000));
    }
    setStatus("The interview is over. The report could not be prepared; the recruiter will send it.");
  }

  // Question n of N and the time left: sent with each new question, counted down here.
  let progressTimer = null;
  function showProgress(message) {
    const until = message.time_left_s === null ? null : Date.now() + message.time_left_s * 1000;
    const render = () => {
      let text = message.question > 0 ? `Question ${message.question} of ${message.of}` : "";
      if (until !== null) {
        const minutes = Math.max(0, Math.ceil((until - Date.now()) / 60000));
        text += `${text ? " · " : ""}${minutes <= 1 ? "about a minute" : `about ${minutes} minutes`} left`;
      }
      $("progress").textContent = text;
      $("progress").hidden = !text || ended;
    };
    clearInterval(progressTimer);
    render();
    progressTimer = setInterval(render, 15000);
  }

  function onData(payload, participant, _kind, topic) {
    if (topic !== EVENTS_TOPIC || !participant || !isAgent(participant)) return;
    const message = JSON.parse(new TextDecoder().decode(payload));
    if (message.type === "progress") {
      showProgress(message);
      window.CodingPanel?.follow(message.coding ?? null, room, () => agentIdentity);
    } else if (message.type === "cue") {
      cue(message.kind, message.text);
    } else if (message.type === "error") {
      ended = true;
      $("end").disabled = true;
      setStatus(message.message);
      room.disconnect();
    } else if (message.type === "ended") {
      ended = true;
      clearInterval(progressTimer);
      $("progress").hidden = true;
      $("end").disabled = true;
      $("agent-state").textContent = "has left";
      $("recruiter-tile").classList.remove("speaking");
      setStatus("The interview is over. Preparing your report…");
      room.disconnect();
      showReport();
    }
  }

  function showSpeakers(speakers) {
    const ids = new Set(speakers.map((p) => p.identity));
    $("recruiter-tile").classList.toggle("speaking", agentIdentity !== null && ids.has(agentIdentity));
    $("you-tile").classList.toggle("speaking", ids.has(room.localParticipant.identity));
  }

  function showAgentState(participant) {
    if (!isAgent(participant)) return;
    const arrived = agentIdentity === null;
    if (arrived && !ended) setStatus("The recruiter is here. Answer out loud, in your own time.");
    agentIdentity = participant.identity;
    if (arrived) setTimeout(() => window.CodingPanel?.ask(room, () => agentIdentity), 1500);
    const state = participant.attributes["lk.agent.state"] || "here";
    $("agent-state").textContent = state;
    $("recruiter-tile").classList.toggle("speaking", state === "speaking");
  }

  // The recruiter's process stopped mid-interview: ask for a new one, which goes on with the
  // stored interview where the candidate last heard it. Retried a few times, further apart.
  async function recall(attempt) {
    if (ended || agentIdentity !== null) return;
    const response = await fetch(`/api/join/${token}/reconnect`, { method: "POST" }).catch(() => null);
    if (ended || agentIdentity !== null) return;
    if (response?.ok) {
      setStatus("The recruiter was disconnected and is coming back to where you were…");
    } else if (attempt < 5) {
      setTimeout(() => recall(attempt + 1), 2000 * (attempt + 1));
    } else {
      setStatus("The recruiter could not come back. Reload the page to go on with your interview.");
    }
  }

  function agentLeft(participant) {
    if (!isAgent(participant) || participant.identity !== agentIdentity || ended) return;
    agentIdentity = null;
    $("agent-state").textContent = "reconnecting";
    $("recruiter-tile").classList.remove("speaking");
    setStatus("The recruiter was disconnected. Bringing them back to where you were…");
    setTimeout(() => recall(0), 3000); // a recruiter that only blinked comes back by itself
  }

  async function join() {
    $("join").disabled = true;
    setStatus("Connecting…");
    const response = await fetch(`/api/join/${token}/token`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ consent: $("consent").checked }),
    });
    if (!response.ok) {
      setStatus(`Cannot join: ${(await response.json()).detail}`);
      return;
    }
    const access = await response.json();
    room = new LK.Room({ adaptiveStream: true, dynacast: true });
    room.registerTextStreamHandler("lk.transcription", onTranscription);
    room.on(LK.RoomEvent.DataReceived, onData);
    room.on(LK.RoomEvent.ActiveSpeakersChanged, showSpeakers);
    room.on(LK.RoomEvent.ParticipantConnected, showAgentState);
    room.on(LK.RoomEvent.ParticipantDisconnected, agentLeft);
    room.on(LK.RoomEvent.ParticipantAttributesChanged, (_changed, p) => showAgentState(p));
    room.on(LK.RoomEvent.TrackSubscribed, (track) => {
      if (track.kind === LK.Track.Kind.Audio) $("audio").append(track.attach());
    });
    room.on(LK.RoomEvent.Disconnected, () => {
      if (!ended) setStatus("Disconnected. Reload the page to join again.");
    });
    await room.connect(access.url, access.token);
    try {
      await room.localParticipant.enableCameraAndMicrophone();
    } catch (error) {
      setStatus(`The camera or microphone could not start (${error.message}); allow them and reload.`);
      return;
    }
    preview?.getTracks().forEach((t) => t.stop());
    $("self-view").srcObject = null;
    const camera = room.localParticipant.getTrackPublication(LK.Track.Source.Camera);
    camera?.track?.attach($("self-view"));
    $("before")?.remove();
    $("end").disabled = false;
    setStatus("Connected. The recruiter will join in a moment.");
    room.remoteParticipants.forEach(showAgentState);
  }

  async function end() {
    $("end").disabled = true;
    setStatus("Ending the interview…");
    const message = new TextEncoder().encode(JSON.stringify({ type: "end" }));
    await room.localParticipant.publishData(message, { reliable: true, topic: CONTROL_TOPIC });
  }

  // The device check: the camera in the preview and the microphone's level, before joining.
  let preview = null;
  async function check() {
    try {
      preview = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
    } catch (error) {
      setStatus(`The camera or microphone could not start (${error.message}); allow them and try again.`);
      return;
    }
    $("self-view").srcObject = preview;
    const context = new AudioContext();
    const analyser = context.createAnalyser();
    analyser.fftSize = 1024;
    context.createMediaStreamSource(preview).connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    let loudest = 0;
    const started = performance.now();
    const tick = () => {
      if (room) return context.close(); // the interview has the devices now
      analyser.getFloatTimeDomainData(samples);
      const rms = Math.sqrt(samples.reduce((sum, x) => sum + x * x, 0) / samples.length);
      const level = Math.min(1, rms * 8);
      $("level").value = level;
      loudest = Math.max(loudest, level);
      if (performance.now() - started > 3000) {
        $("level-note").textContent = loudest > 0.05
          ? "We can hear you."
          : "We hear almost nothing: check the microphone, then try again.";
      }
      requestAnimationFrame(tick);
    };
    tick();
    $("level-note").textContent = "Say a few words…";
  }

  function ready() {
    $("join").disabled = !$("consent")?.checked;
  }

  $("check")?.addEventListener("click", () => check().catch((e) => setStatus(e.message)));
  $("consent")?.addEventListener("change", ready);
  $("join").addEventListener("click", () => join().catch((e) => setStatus(`Cannot join: ${e.message}`)));
  $("end").addEventListener("click", () => end().catch((e) => setStatus(e.message)));
})();
