"""The course catalogue: courses, categories and topic tags."""
