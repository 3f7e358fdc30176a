"""What every part of the workbench shares: errors, periods, geography, labels, charts."""
