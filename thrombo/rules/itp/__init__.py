"""ITP classification (IWG 2009): phase, severity, refractoriness under named definitions."""
