"""Self-paced online courses: content packages (cmi5, Tin Can, plain HTML/video) and their tracking."""
