"""HTTP resources of the Learning Record Store."""
