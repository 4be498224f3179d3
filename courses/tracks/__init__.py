"""Certification tracks: levels with requirements, membership, automatic awards, validity and renewal."""
