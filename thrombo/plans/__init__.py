"""Treatment plans: the TA-TMA protocol plan and the ITP treatment ladder for one patient."""
