"""KPIs against targets (达标 / 未达标 / 无数据), by region and company-wide, and the summary."""
