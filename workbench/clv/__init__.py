"""Customer lifetime value: transaction summaries, purchase and spend models, fits."""
