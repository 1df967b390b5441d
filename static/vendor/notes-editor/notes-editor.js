// Entry of the shared-notes editor bundle (static/vendor/notes-editor/notes-editor.min.js):
// Yjs + y-protocols awareness + CodeMirror 6 (view and state) with the y-codemirror.next binding,
// exposed as window.FuhuaNotes. Rebuild: see README.md beside the bundle.
import * as Y from 'yjs'
import * as awarenessProtocol from 'y-protocols/awareness'
import { EditorView, keymap, placeholder } from '@codemirror/view'
import { EditorState } from '@codemirror/state'
import { yCollab, yUndoManagerKeymap } from 'y-codemirror.next'

window.FuhuaNotes = { Y, awarenessProtocol, EditorView, EditorState, keymap, placeholder, yCollab, yUndoManagerKeymap }
