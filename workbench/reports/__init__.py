"""The report factory: run configurations, the runner, rendering, index, workbooks."""
