"""thrombo: decision support and outcomes analytics for paediatric TA-TMA and refractory ITP."""

__version__ = "0.1.0"
