"""Training evaluation: the learner's reaction survey and the supervisor's follow-up survey."""
