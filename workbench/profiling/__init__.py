"""客户画像: who the customers of a region are, what they buy, how they are reached."""
