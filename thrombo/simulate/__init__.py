"""thrombo.simulate (see design.md for this layer's place in the one-way flow)."""
