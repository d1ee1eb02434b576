"""The demo: Qiancheng community (千乘社区) seeded as the source document describes it."""
