"""Agencies: the city government as a tree of agencies, district offices and units."""
