// The other side's cursor and selection in the shared notes, from Yjs awareness.
// Adapted from y-codemirror.next's y-remote-selections.js (MIT, Kevin Jahns): the same positions and widgets,
// but coloured by class (`cm-yPeer-0` … `cm-yPeer-5`, styled in app.css) instead of inline style attributes,
// which the site's Content-Security-Policy (style-src 'self') refuses.
import * as Y from 'yjs'
import { Annotation, RangeSet } from '@codemirror/state'
import { Decoration, EditorView, ViewPlugin, WidgetType } from '@codemirror/view'

const PEER_COLOURS = 6
const remoteChange = Annotation.define()

const peerClass = (state) => {
  const index = Number((state.user && state.user.colorIndex) || 0)
  return 'cm-yPeer-' + (Number.isInteger(index) && index >= 0 ? index % PEER_COLOURS : 0)
}

class CaretWidget extends WidgetType {
  constructor (peer, name) {
    super()
    this.peer = peer
    this.name = name
  }

  toDOM () {
    const caret = document.createElement('span')
    caret.className = 'cm-ySelectionCaret ' + this.peer
    const dot = document.createElement('span')
    dot.className = 'cm-ySelectionCaretDot'
    const info = document.createElement('span')
    info.className = 'cm-ySelectionInfo'
    info.textContent = this.name
    caret.append('\u2060', dot, '\u2060', info, '\u2060')
    return caret
  }

  eq (other) { return other.peer === this.peer && other.name === this.name }
  get estimatedHeight () { return -1 }
  ignoreEvent () { return true }
}

export const remoteSelectionsTheme = EditorView.baseTheme({
  '.cm-ySelectionCaret': {
    position: 'relative', borderLeft: '2px solid', marginLeft: '-1px', marginRight: '-1px',
    boxSizing: 'border-box', display: 'inline'
  },
  '.cm-ySelectionCaretDot': {
    borderRadius: '50%', position: 'absolute', width: '.4em', height: '.4em', top: '-.2em', left: '-.25em',
    boxSizing: 'border-box'
  },
  '.cm-ySelectionInfo': {
    position: 'absolute', top: '-1.35em', left: '-2px', fontSize: '.75em', lineHeight: 'normal', color: 'white',
    padding: '0 3px', borderRadius: '3px 3px 3px 0', userSelect: 'none', whiteSpace: 'nowrap', zIndex: 101
  }
})

export const remoteSelections = (ytext, awareness) => ViewPlugin.fromClass(class {
  constructor (view) {
    this.decorations = RangeSet.of([])
    this.listener = ({ added, updated, removed }) => {
      if (added.concat(updated, removed).some(id => id !== awareness.doc.clientID)) {
        view.dispatch({ annotations: [remoteChange.of([])] })
      }
    }
    awareness.on('change', this.listener)
  }

  destroy () { awareness.off('change', this.listener) }

  update (update) {
    this.shareOwnCursor(update)
    const ydoc = ytext.doc
    const decorations = []
    awareness.getStates().forEach((state, clientId) => {
      const cursor = state.cursor
      if (clientId === ydoc.clientID || !cursor || !cursor.anchor || !cursor.head) return
      const anchor = Y.createAbsolutePositionFromRelativePosition(cursor.anchor, ydoc)
      const head = Y.createAbsolutePositionFromRelativePosition(cursor.head, ydoc)
      if (!anchor || !head || anchor.type !== ytext || head.type !== ytext) return
      const peer = peerClass(state)
      const length = update.state.doc.length
      const start = Math.min(anchor.index, head.index, length)
      const end = Math.min(Math.max(anchor.index, head.index), length)
      if (end > start) {
        decorations.push(Decoration.mark({ class: 'cm-ySelection ' + peer }).range(start, end))
      }
      const at = Math.min(head.index, length)
      decorations.push(Decoration.widget({
        side: head.index - anchor.index > 0 ? -1 : 1,
        widget: new CaretWidget(peer, String((state.user && state.user.name) || ''))
      }).range(at))
    })
    this.decorations = Decoration.set(decorations, true)
  }

  shareOwnCursor (update) {
    const local = awareness.getLocalState()
    if (local == null) return
    const hasFocus = update.view.hasFocus && update.view.dom.ownerDocument.hasFocus()
    if (!hasFocus) return
    const sel = update.state.selection.main
    const anchor = Y.createRelativePositionFromTypeIndex(ytext, sel.anchor)
    const head = Y.createRelativePositionFromTypeIndex(ytext, sel.head)
    const current = local.cursor
    if (current == null ||
        !Y.compareRelativePositions(Y.createRelativePositionFromJSON(current.anchor), anchor) ||
        !Y.compareRelativePositions(Y.createRelativePositionFromJSON(current.head), head)) {
      awareness.setLocalStateField('cursor', { anchor, head })
    }
  }
}, { decorations: v => v.decorations })
