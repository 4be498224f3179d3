"""Pages that belong to no domain: home per role, language switch, system status."""
