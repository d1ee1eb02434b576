"""The 乐居 fortnightly bulletin (乐居半月谈)."""
