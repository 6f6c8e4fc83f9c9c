"""CDS Hooks 2.0: discovery, the TA-TMA patient-view service, the dose check at order-sign."""
