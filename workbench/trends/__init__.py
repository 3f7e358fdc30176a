"""Regional trends, anomalies and acquisition cohorts (the trends report)."""
