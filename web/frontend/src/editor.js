// The coding round's editor: CodeMirror 6 with Python and JavaScript, bundled by esbuild into
// build/editor.js (the global `CodeEditor`) when `make setup` installs the web frontend.
import { EditorView, basicSetup } from "codemirror";
import { Compartment, EditorState } from "@codemirror/state";
import { indentUnit } from "@codemirror/language";
import { python } from "@codemirror/lang-python";
import { javascript } from "@codemirror/lang-javascript";

const languageSupport = (language) => (language === "python" ? python() : javascript());

// An editor in `parent` holding `doc` in `language` ("python" or "javascript"). `onChange(code)`
// is called after every edit; `onPaste(chars)` with the length of every paste.
export function createEditor(parent, { doc = "", language = "python", label = "Code", onChange, onPaste } = {}) {
  const mode = new Compartment();
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc,
      extensions: [
        basicSetup,
        indentUnit.of("    "),
        mode.of(languageSupport(language)),
        EditorView.contentAttributes.of({ "aria-label": label }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged && onChange) onChange(update.state.doc.toString());
        }),
        EditorView.domEventHandlers({
          paste(event) {
            const text = event.clipboardData ? event.clipboardData.getData("text/plain") : "";
            if (onPaste) onPaste(text.length);
            return false; // the editor pastes as usual
          },
        }),
      ],
    }),
  });
  return {
    view,
    get code() {
      return view.state.doc.toString();
    },
    // Replace the code (a new problem, or the starter code of another language).
    setCode(code, newLanguage) {
      view.dispatch({
        changes: { from: 0, to: view.state.doc.length, insert: code },
        effects: mode.reconfigure(languageSupport(newLanguage)),
      });
    },
    destroy() {
      view.destroy();
    },
  };
}
