"""数据质量: the cleaning results shaped for the data-quality report."""
