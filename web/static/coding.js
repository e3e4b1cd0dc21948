// The coding round on the candidate's page: the problem, the editor, Run and Submit.
//
// The recruiter (the agent) says which problem is being asked in its progress messages
// (`coding: {question_id, problem}` or null); the problem is fetched with the page's token.
// Runs go to the agent as LiveKit RPC calls ("code.run"); snapshots of the code, large pastes
// and the tab being left go as "code.event" calls. What is recorded is said on the panel.
"use strict";

window.CodingPanel = (() => {
  const $ = (id) => document.getElementById(id);
  const token = document.body.dataset.token;
  const SNAPSHOT_MS = 5000;
  let room = null;
  let agent = () => null;
  let current = null; // {question_id, problem: the fetched problem}
  let editor = null;
  let codes = {}; // the code written per language, kept when switching
  let dirty = false;
  let snapshotTimer = null;

  function call(method, payload) {
    const destination = agent();
    if (!room || !destination) return Promise.reject(new Error("the recruiter is not here"));
    return room.localParticipant.performRpc({
      destinationIdentity: destination,
      method,
      payload: JSON.stringify({ question_id: current.question_id, ...payload }),
      responseTimeout: 60000,
    });
  }

  function send(kind, extra) {
    if (!current) return;
    call("code.event", { kind, ...extra }).catch(() => {});
  }

  function snapshot() {
    if (!current || !dirty || !editor) return;
    dirty = false;
    send("snapshot", { language: $("code-language").value, code: editor.code });
  }

  function text(tag, content, className) {
    const node = document.createElement(tag);
    node.textContent = content;
    if (className) node.className = className;
    return node;
  }

  function showExamples(problem, language) {
    const examples = $("problem-examples");
    examples.replaceChildren(...problem.examples.map((e) => text("li",
      `${problem.function[language]}(${e.args.map((a) => JSON.stringify(a)).join(", ")}) → ${JSON.stringify(e.expected)}`)));
  }

  function showResults(result) {
    const box = $("code-results");
    box.replaceChildren();
    const what = result.submit ? "hidden tests" : "examples";
    box.append(text("p", `${result.passed} of ${result.total} ${what} passed`, "summary"));
    const list = document.createElement("ol");
    const STOPPED = { "cpu-time": "it ran out of time", "wall-time": "it ran out of time",
      memory: "it used too much memory", output: "it printed too much",
      processes: "it started too many processes" };
    result.cases.forEach((c, i) => {
      let line = `${c.passed ? "passed" : "failed"}`;
      const call = `${current.problem.function[$("code-language").value]}(${(c.args || []).map((a) => JSON.stringify(a)).join(", ")})`;
      if (result.submit) {
        line = `Test ${i + 1} ${line}`;
      } else if (c.error) {
        line += `: ${call}`;
      } else {
        line += `: ${call} returned ${JSON.stringify(c.got ?? null)}, expected ${JSON.stringify(c.expected)}`;
      }
      if (c.error) {
        const stopped = /^stopped while running \((.+)\)$/.exec(c.error);
        line += stopped ? ` (stopped: ${STOPPED[stopped[1]] || stopped[1]})` : ` (${c.error})`;
      }
      list.append(text("li", line, c.passed ? "passed" : "failed"));
    });
    box.append(list);
    if (result.growth && result.growth.exponent !== null) {
      const verdict = result.growth.as_expected ? "as expected" : "faster than expected";
      box.append(text("p", `Running time grew as n^${result.growth.exponent} on larger inputs: `
        + `${verdict} for ${result.growth.complexity}.`));
    }
    if (result.lint && result.lint.length) {
      const findings = document.createElement("ul");
      result.lint.slice(0, 10).forEach((f) => findings.append(text("li", `line ${f.line}: ${f.message} (${f.code})`)));
      box.append(text("p", "Linter findings:"), findings);
    }
    if (result.stderr) box.append(text("pre", result.stderr));
  }

  async function run(submit) {
    if (!current || !editor) return;
    snapshot();
    $("code-run").disabled = $("code-submit").disabled = true;
    $("code-results").replaceChildren(text("p", submit ? "Running the hidden tests…" : "Running the examples…"));
    try {
      const reply = await call("code.run", { language: $("code-language").value, code: editor.code, submit });
      showResults(JSON.parse(reply));
    } catch (error) {
      $("code-results").replaceChildren(text("p", `Could not run the code: ${error.message}`));
    } finally {
      $("code-run").disabled = $("code-submit").disabled = false;
    }
  }

  let opening = null; // the latest problem asked for: an earlier fetch that ends later loses

  async function open(coding, saved, attempt = 0) {
    opening = coding;
    const response = await fetch(`/api/join/${token}/problems/${encodeURIComponent(coding.problem)}`)
      .catch(() => null);
    if (opening !== coding) return;
    if (!response || !response.ok) {
      $("coding").hidden = false;
      $("problem-title").textContent = "";
      $("code-results").replaceChildren(text("p", "The problem could not be loaded; trying again…"));
      if (attempt < 5) setTimeout(() => open(coding, saved, attempt + 1), 2000 * (attempt + 1));
      return;
    }
    const problem = await response.json();
    if (opening !== coding) return;
    if (!window.CodeEditor) {
      $("coding").hidden = false;
      $("code-results").replaceChildren(text("p", "The code editor could not load. Reload the page, or tell the recruiter."));
      return;
    }
    codes = { ...problem.starter };
    if (saved && saved.code !== undefined && saved.language in codes) codes[saved.language] = saved.code;
    $("problem-title").textContent = problem.title;
    // `name` in a statement is code: shown as code, without the backticks.
    $("problem-statement").replaceChildren(...problem.statement.split("`").map((part, i) =>
      (i % 2 ? text("code", part) : document.createTextNode(part))));
    const select = $("code-language");
    select.replaceChildren(...Object.keys(problem.starter).map((l) => {
      const option = text("option", l === "python" ? "Python" : "JavaScript");
      option.value = l;
      return option;
    }));
    if (saved && saved.language in codes) select.value = saved.language;
    showExamples(problem, select.value);
    $("code-results").replaceChildren();
    if (!editor) {
      editor = window.CodeEditor.createEditor($("code-editor"), {
        doc: codes[select.value], language: select.value, label: "Your code",
        onChange: () => { dirty = true; },
        onPaste: (chars) => send("paste", { chars }),
      });
    } else {
      editor.setCode(codes[select.value], select.value);
    }
    current = { question_id: coding.question_id, problem };
    dirty = !saved;
    $("coding").hidden = false;
    clearInterval(snapshotTimer);
    snapshotTimer = setInterval(snapshot, SNAPSHOT_MS);
  }

  function close() {
    snapshot();
    current = null;
    opening = null;
    clearInterval(snapshotTimer);
    $("coding").hidden = true;
  }

  document.addEventListener("DOMContentLoaded", () => {
    if (!$("coding")) return;
    $("code-run").addEventListener("click", () => run(false));
    $("code-submit").addEventListener("click", () => run(true));
    $("code-language").addEventListener("change", (event) => {
      if (!editor || !current) return;
      const other = Object.keys(codes).find((l) => l !== event.target.value);
      codes[other] = editor.code;
      editor.setCode(codes[event.target.value], event.target.value);
      showExamples(current.problem, event.target.value);
    });
    document.addEventListener("visibilitychange", () => {
      if (current) send(document.hidden ? "tab-hidden" : "tab-shown", {});
    });
  });

  return {
    // Ask the recruiter (on joining, or when it comes back) what is being asked: the editor
    // opens on the problem with the code last stored for it.
    async ask(liveRoom, agentIdentity) {
      room = liveRoom;
      agent = agentIdentity;
      if (!agent() || !$("coding")) return;
      try {
        const reply = JSON.parse(await room.localParticipant.performRpc({
          destinationIdentity: agent(), method: "code.current", payload: "", responseTimeout: 10000,
        }));
        // Code open for this question here is newer than what was stored: it stays.
        if (reply && (!current || current.question_id !== reply.question_id)
            && (!opening || opening.question_id !== reply.question_id)) {
          open(reply, reply);
        }
      } catch (error) {
        // An older recruiter without the call, or one still starting: progress messages follow.
      }
    },
    // Follow the recruiter's progress message: open the problem being asked, or close it.
    follow(coding, liveRoom, agentIdentity) {
      room = liveRoom;
      agent = agentIdentity;
      if (!coding) {
        if (current) close();
      } else if ((!current || current.question_id !== coding.question_id)
                 && (!opening || opening.question_id !== coding.question_id)) {
        open(coding);
      }
    },
  };
})();
