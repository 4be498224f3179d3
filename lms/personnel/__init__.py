"""Personnel records of learning: the hours ledger projected from the LRS, external learning,
yearly requirements as data, the officers' review, My learning and the HR export."""
