// Entry of the shared-notes editor bundle (static/vendor/notes-editor/notes-editor.min.js):
// Yjs + y-protocols awareness + CodeMirror 6 (view and state) with the y-codemirror.next binding (text sync and
// undo) and our CSP-friendly remote cursors (remote-selections.js), exposed as window.FuhuaNotes.
// Rebuild: see README.md beside the bundle.
import * as Y from 'yjs'
import * as awarenessProtocol from 'y-protocols/awareness'
import { EditorView, keymap, placeholder } from '@codemirror/view'
import { EditorState } from '@codemirror/state'
import { yCollab, yUndoManagerKeymap } from 'y-codemirror.next'
import { remoteSelections, remoteSelectionsTheme } from './remote-selections.js'

// yCollab without awareness: text sync and undo; the cursors come from remoteSelections
const collab = (ytext, awareness, options) =>
  [yCollab(ytext, null, options), remoteSelectionsTheme, remoteSelections(ytext, awareness)]

window.FuhuaNotes = { Y, awarenessProtocol, EditorView, EditorState, keymap, placeholder, collab, yUndoManagerKeymap }
