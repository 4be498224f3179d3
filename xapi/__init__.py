"""The Learning Record Store (xAPI) and the statement emitter."""
