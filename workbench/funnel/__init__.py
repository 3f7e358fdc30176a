"""销售漏斗: stage counts and conversion under two conventions, days in stage, the weakest stage,
loss reasons, by owner and region, period over period, and the leads to follow up."""
