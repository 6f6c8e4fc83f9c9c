"""TA-TMA criteria sets (clinical-reference.md section A), one module each."""
