"""Entry points: the `smartcommune audit` command group."""
