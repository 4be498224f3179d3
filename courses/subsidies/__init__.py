"""English proficiency test-fee subsidy: yearly rules, claims, review, payouts, certified English level."""
