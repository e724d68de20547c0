"""Statistics, numbers only: proportions, means, multiple testing, power, regression effects,
survival and competing risks, NPS, consistency of printed figures, interval arithmetic,
stratified tests and sensitivity to hidden bias. No registers, no Dutch, no plotting."""
