"""Community Brain (社区大脑): grassroots governance — register, cases, devices, gates, lists."""

__version__ = "0.1.0"
