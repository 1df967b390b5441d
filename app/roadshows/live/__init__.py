"""The live roadshow room, in layers that depend one way:

`access` (who may watch, post, present, moderate) → `queries` (read the room) → `snapshot` (the room as
any viewer sees it) → `state` (this process's broadcast state: one `LiveState` per app, in
`app.extensions`) → `use_cases` (check, commit, then emit) → `events` (the Socket.IO handlers).
Room names are in `app.roadshows.room`. Nothing is kept in module globals.
"""
