"""客户价值: RFM scores and value classes, ABC, amount tiers, tags, the value report."""
