"""Statement and document persistence of the LRS: models, writes and queries."""
